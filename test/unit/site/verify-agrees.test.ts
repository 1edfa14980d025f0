/**
 * Verify agrees with itself (issue 28 item 4): the hairpin probe asks only the ports the plan's
 * hairpin rules forward and a silence names its rule with the same read-back the Router group
 * shows; trunks are named as FS PBX names them. Real plans from the planners, probes as data.
 */
import { describe, expect, it } from 'vitest';
import { siteInputs } from '../../../contract/schemas';
import { gatewayNamesFrom } from '../../../electron/pbx/read/gateway-names';
import type { PortReport } from '../../../electron/probe/outside';
import { applyToState } from '../../../electron/routeros/apply-state';
import { hairpinRules, routerChecks } from '../../../electron/site/checks';
import { mintRowIds, planFromStates } from '../../../electron/site/run';
import {
  gatewayChecks,
  runTraffic,
  sipProbeChecks,
  tlsProbeChecks,
  type TrafficIo,
} from '../../../electron/site/traffic';
import { stockPbx } from '../pbx/fixtures/stock';
import { defconfRouter } from '../routeros/fixtures/defconf';

// Trunks only: the plan forwards 5080, not 5060, so there is no hairpin rule for 5060.
const inputs = siteInputs.parse({
  router: { host: '192.168.88.1', username: 'admin', password: '' },
  pbx: { host: '192.168.88.10', username: 'root', auth: { kind: 'password', password: 'x' } },
  trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
  phones: [],
  options: { hairpin: true },
});
const plan = planFromStates(inputs, defconfRouter(), stockPbx(), mintRowIds()).plan;
const applied = applyToState(defconfRouter(), plan.router!.changes);
if (!applied.ok) throw new Error(applied.message);

const silent = (port: number): PortReport => ({ protocol: 'udp', port, what: 'SIP', verdict: 'no-answer', detail: '' });

describe('the hairpin probe and the Router group tell one story', () => {
  it('finds the plan’s hairpin forwards for the SIP ports it forwards, present once applied', () => {
    const rules = hairpinRules(plan, applied.state);
    expect(rules.map((r) => r.port)).toContain(5080);
    expect(rules.map((r) => r.port)).not.toContain(5060);
    expect(rules.every((r) => r.present)).toBe(true);
    // The Router group lists the same rules present.
    for (const r of rules)
      expect(routerChecks(plan, applied.state).find((c) => c.changeId === r.changeId)).toBeUndefined();
  });

  it('never calls a rule missing that the router holds, and names it', () => {
    const rules = hairpinRules(plan, applied.state);
    const [check] = sipProbeChecks([silent(5080)], 'hairpin', '203.0.113.2', rules);
    expect(check!.summary).not.toMatch(/missing/);
    expect(check!.summary).toContain(`although its rule "${rules[0]!.rule}" is on the router`);
  });

  it('says the rule is gone, and points at the plan entry, when the router lost it', () => {
    const rules = hairpinRules(plan, defconfRouter());
    expect(rules.every((r) => !r.present)).toBe(true);
    const [check] = sipProbeChecks([silent(5080)], 'hairpin', '203.0.113.2', rules);
    expect(check!.summary).toContain('which the router no longer holds');
    expect(check!.changeId).toBe(rules.find((r) => r.port === 5080)!.changeId);
  });

  it('asks the public address only on the hairpin rules’ ports', async () => {
    const asked: { target: string; ports: number[] }[] = [];
    const io: TrafficIo = {
      natCounters: async () => [],
      sipOptions: async (target, ports) => {
        asked.push({ target, ports });
        return ports.map(silent);
      },
      fsCli: async () => undefined,
    };
    await runTraffic(io, {
      pbx: '192.168.88.10',
      publicIp: '203.0.113.2',
      hairpin: true,
      sipPorts: [5060, 5080],
      hairpinRules: hairpinRules(plan, applied.state),
    });
    expect(asked.find((a) => a.target === '203.0.113.2')?.ports).toEqual([5080]);
    expect(asked.find((a) => a.target === '192.168.88.10')?.ports).toEqual([5060, 5080]);
  });
});

describe('a TLS handshake through the hairpin names its TCP rule', () => {
  const rule = (present: boolean) => ({
    protocol: 'tcp' as const,
    port: 5061,
    rule: 'Hairpin forward TCP 5061 for 192.168.88.0/24',
    present,
    changeId: 'router-009',
  });
  const refused = {
    protocol: 'tcp' as const,
    port: 5061,
    what: 'SIP over TLS',
    verdict: 'no-answer' as const,
    detail: 'no answer',
  };

  it('with the rule gone: says so and points at its plan entry', () => {
    const [check] = tlsProbeChecks([refused], 'hairpin', '203.0.113.2', [rule(false)]);
    expect(check!.summary).toContain(
      '"Hairpin forward TCP 5061 for 192.168.88.0/24", which the router no longer holds',
    );
    expect(check!.changeId).toBe('router-009');
  });

  it('with the rule there: never says it is missing', () => {
    const [check] = tlsProbeChecks([refused], 'hairpin', '203.0.113.2', [rule(true)]);
    expect(check!.summary).toContain('is on the router');
    expect(`${check!.summary} ${check!.fix ?? ''}`).not.toMatch(/missing|must both be there/);
  });
});

describe('trunks by their FS PBX names', () => {
  it('reads uuid → name from psql’s JSON, skipping anything that is not text', () => {
    const names = gatewayNamesFrom({ 'AB12-x': 'Lab Trunk', other: 7, empty: ' ' });
    expect([...names]).toEqual([['ab12-x', 'Lab Trunk']]);
    expect(gatewayNamesFrom([1, 2]).size).toBe(0);
  });

  it('titles a gateway by its FS PBX name, the uuid only when the name is unknown', () => {
    const uuid = '5a3c7c4e-1f52-4a58-9a5e-0c1d2e3f4a5b';
    const names = new Map([[uuid, 'Lab Trunk']]);
    expect(gatewayChecks([{ name: `external::${uuid}`, state: 'REGED' }], names)[0]!.title).toBe(
      'Trunk gateway Lab Trunk',
    );
    expect(gatewayChecks([{ name: `external::${uuid}`, state: 'REGED' }])[0]!.title).toBe(`Trunk gateway ${uuid}`);
  });
});
