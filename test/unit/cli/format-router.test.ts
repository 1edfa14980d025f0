/** What `router read` prints about the account it logged in with. Pure. */
import { describe, expect, it } from 'vitest';
import { formatRouter, terminalSafe } from '../../../electron/cli/format';

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

describe('terminal output', () => {
  it('carries no escape sequence or invisible character from a bundle or a router', () => {
    const shown = terminalSafe('run \u001b[2J\u001b]0;owned\u0007 HQ\u202e\ufeff\n\tnext line');
    expect(shown).toBe('run [2J]0;owned HQ\n\tnext line');
  });
});
