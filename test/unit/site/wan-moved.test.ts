/** Verify names a public address that moved since the plan (checks/wan.ts). Pure: plain site facts. */
import { describe, expect, it } from 'vitest';
import type { SiteFacts } from '../../../contract/types';
import { wanMovedCheck } from '../../../electron/site/checks';

const planned: SiteFacts = {
  publicIp: '203.0.113.2',
  publicFrom: 'router',
  publicDynamic: true,
  wanInterface: 'pppoe-out1',
  rtp: { start: 16384, end: 32768 },
  revertMinutes: 5,
};

describe('a public address that moved since the plan', () => {
  it('is not a finding while it is the one the plan was made with', () => {
    expect(wanMovedCheck(planned, { ...planned })).toBeUndefined();
  });

  it('fails, naming both addresses, what the PBX still announces, and the fix', () => {
    const check = wanMovedCheck(planned, { ...planned, publicIp: '198.51.100.3' });
    expect(check).toMatchObject({ id: 'wan-moved', status: 'fail' });
    expect(check?.summary).toBe(
      'The public address is 198.51.100.3 now; the plan was made with 203.0.113.2, which the PBX still announces (external_sip_ip, external_rtp_ip): calls have one-way audio.',
    );
    expect(check?.fix).toMatch(
      /^Plan and apply again so the PBX announces 198\.51\.100\.3\. The provider gives this address/,
    );
  });

  it('does not speak of the provider for a fixed address', () => {
    const fixed = { ...planned, publicDynamic: false };
    expect(wanMovedCheck(fixed, { ...fixed, publicIp: '198.51.100.3' })?.fix).toBe(
      'Plan and apply again so the PBX announces 198.51.100.3.',
    );
  });
});
