/** What `router read` prints about the account it logged in with. Pure. */
import { describe, expect, it } from 'vitest';
import { formatRouter } from '../../../electron/cli/format';

const summary = {
  identity: 'HQ',
  version: '7.16.2',
  board: 'hAP ac^2',
  wanAddresses: ['203.0.113.2/24'],
  doubleNat: false,
  insecure: false,
  canWrite: true,
};

describe('router read output', () => {
  it('reports an account with an empty password as a finding', () => {
    expect(formatRouter({ ...summary, emptyPassword: true })).toMatch(/EMPTY password: anyone on the LAN can log in/);
  });

  it('says nothing of the kind when the account has a password', () => {
    expect(formatRouter(summary)).not.toMatch(/EMPTY/);
  });
});
