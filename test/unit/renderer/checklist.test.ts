import { describe, expect, it } from 'vitest';
import type { VerifyCheck } from '../../../contract/types';
import { checklist, groupOf, tally, tallyText, worst } from '../../../contract/checklist';

const check = (id: string, status: VerifyCheck['status'], extra: Partial<VerifyCheck> = {}): VerifyCheck => ({
  id,
  title: id,
  status,
  summary: `${id} summary`,
  ...extra,
});

describe('verify checklist', () => {
  it('puts each check where it looked: the group it carries, else the one its id names', () => {
    expect(groupOf(check('anything', 'pass', { group: 'traffic' }))).toBe('traffic');
    // The verifier's ids today (electron/site/checks.ts, traffic.ts).
    expect(groupOf(check('router-r3', 'pass'))).toBe('router');
    expect(groupOf(check('sip-helper', 'pass'))).toBe('router');
    expect(groupOf(check('wan-address', 'pass'))).toBe('router');
    expect(groupOf(check('router-counters', 'pass'))).toBe('traffic');
    expect(groupOf(check('sip-lan-5060', 'pass'))).toBe('traffic');
    expect(groupOf(check('sip-hairpin', 'warn'))).toBe('traffic');
    expect(groupOf(check('gateway-carrier', 'pass'))).toBe('traffic');
    expect(groupOf(check('gateways', 'warn'))).toBe('traffic');
    expect(groupOf(check('internal-ext-rtp-ip', 'pass'))).toBe('pbx');
    expect(groupOf(check('host-firewall-udp-16384-32768', 'fail'))).toBe('pbx');
    expect(groupOf(check('media-1001', 'pass'))).toBe('pbx');
  });

  it('lists failures first: within a group, and groups with a failure before the others', () => {
    const groups = checklist([
      check('router-r1', 'pass'),
      check('sip-helper', 'warn'),
      check('router-r2', 'fail'),
      check('media-1001', 'pass'),
      check('rtp-range', 'fail'),
      check('sip-lan-5060', 'pass'),
      check('router-r3', 'fail'),
    ]);
    expect(groups.map((g) => [g.id, g.status])).toEqual([
      ['router', 'fail'],
      ['pbx', 'fail'],
      ['traffic', 'pass'],
    ]);
    // Stable: two failures keep the verifier's order.
    expect(groups[0]!.checks.map((c) => c.id)).toEqual(['router-r2', 'router-r3', 'sip-helper', 'router-r1']);
    expect(groups[1]!.checks.map((c) => c.id)).toEqual(['rtp-range', 'media-1001']);
    expect(groups[0]!.counts).toEqual({ fail: 2, warn: 1, pass: 1 });
  });

  it('moves a failing traffic group above passing ones and leaves out empty groups', () => {
    const groups = checklist([check('router-r1', 'pass'), check('sip-lan-5060', 'fail')]);
    expect(groups.map((g) => g.id)).toEqual(['traffic', 'router']);
    expect(checklist([])).toEqual([]);
  });

  it('counts in words, leaving out what is zero', () => {
    const checks = [check('a', 'fail'), check('b', 'fail'), check('c', 'warn'), check('d', 'pass')];
    expect(tallyText(tally(checks))).toBe('2 failed, 1 warning, 1 passed');
    expect(tallyText(tally([check('d', 'pass')]))).toBe('1 passed');
    expect(tallyText(tally([check('c', 'warn'), check('e', 'warn')]))).toBe('2 warnings');
    expect(tallyText(tally([]))).toBe('no checks');
    expect(worst(checks)).toBe('fail');
    expect(worst([check('c', 'warn'), check('d', 'pass')])).toBe('warn');
  });
});
