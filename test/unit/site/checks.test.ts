import { describe, expect, it } from 'vitest';
import { siteInputs } from '../../../contract/schemas';
import { applyToState } from '../../../electron/routeros/apply-state';
import type { RouterChange } from '../../../electron/routeros/change';
import { MENUS } from '../../../electron/routeros/menus';
import type { SitePlan } from '../../../electron/site/combine';
import type { RosItem, RouterState } from '../../../electron/routeros/state';
import {
  forwardedPorts,
  overall,
  pbxChecks,
  routerAccountCheck,
  routerChecks,
  wanCheck,
} from '../../../electron/site/checks';
import { mintRowIds, planFromStates } from '../../../electron/site/run';
import { stockPbx } from '../pbx/fixtures/stock';
import { defconfRouter } from '../routeros/fixtures/defconf';

const inputs = siteInputs.parse({
  router: { host: '192.168.88.1', username: 'admin', password: '' },
  pbx: { host: '192.168.88.10', username: 'root', auth: { kind: 'password', password: 'x' } },
  trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
  phones: [{ name: 'Home', address: '192.0.2.20' }],
  options: {},
});

describe('verification read-back', () => {
  const plan = planFromStates(inputs, defconfRouter(), stockPbx(), mintRowIds()).plan;

  it('plans both boxes from one set of inputs (router forwards and PBX variables)', () => {
    expect(plan.router?.changes.length).toBeGreaterThan(0);
    expect(plan.pbx?.changes.some((c) => c.path.includes('v_vars'))).toBe(true);
  });

  it('passes every router check once the plan is on the router', () => {
    const applied = applyToState(defconfRouter(), plan.router!.changes);
    if (!applied.ok) throw new Error(applied.message);
    const checks = routerChecks(plan, applied.state);
    expect(checks.length).toBeGreaterThan(3);
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
  });

  it('names each missing entry, and a SIP helper still on, with the plan entry that fixes it', () => {
    const checks = routerChecks(plan, defconfRouter());
    const failed = checks.filter((c) => c.status === 'fail');
    expect(failed.find((c) => c.id === 'sip-helper')?.summary).toMatch(/SIP helper still on/);
    const missing = failed.filter((c) => c.changeId);
    expect(missing.length).toBeGreaterThan(0);
    for (const c of missing) expect(plan.changes.map((p) => p.id)).toContain(c.changeId);
    expect(overall(checks)).toBe('fail');
  });

  it('fails a running profile that still announces the LAN address, passes one with autonat', () => {
    const stock = stockPbx();
    expect(
      pbxChecks(stock, '203.0.113.2')
        .filter((c) => c.status === 'fail')
        .map((c) => c.id),
    ).toEqual(['internal-ext-rtp-ip', 'internal-ext-sip-ip', 'external-ext-rtp-ip', 'external-ext-sip-ip']);
    for (const p of stock.running!) {
      p.info['ext-rtp-ip'] = 'autonat:203.0.113.2';
      p.info['ext-sip-ip'] = 'autonat:203.0.113.2';
    }
    expect(overall(pbxChecks(stock, '203.0.113.2', { rtp: { start: 16384, end: 32768 } }))).toBe('pass');
  });

  it('catches an RTP forward narrower than the PBX range, a profile on loopback, FreeSWITCH down', () => {
    const stock = stockPbx();
    stock.running![0]!.info['sip-ip'] = '127.0.0.1';
    const ids = pbxChecks(stock, '203.0.113.2', { rtp: { start: 16384, end: 20000 } })
      .filter((c) => c.status === 'fail')
      .map((c) => c.id);
    expect(ids).toContain('rtp-range');
    expect(ids).toContain('internal-loopback');
    expect(pbxChecks({ ...stock, running: null }, '203.0.113.2').map((c) => c.id)).toContain('freeswitch');
  });

  it('explains a private WAN address as double NAT', () => {
    expect(wanCheck('192.168.1.20')).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/another router/),
    });
    expect(wanCheck('100.64.3.4').status).toBe('fail');
    expect(wanCheck('203.0.113.2').status).toBe('pass');
  });
});

describe('the router account', () => {
  it('warns when it logs in with no password, and says how to set one', () => {
    const check = routerAccountCheck('admin', '');
    expect(check).toMatchObject({ id: 'router-empty-password', status: 'warn' });
    expect(check?.summary).toContain('"admin" has no password');
    expect(check?.fix).toMatch(/System › Users/);
    expect(routerAccountCheck('admin', 's3cret')).toBeUndefined();
  });
});

describe('verify after someone touched a wizard rule', () => {
  const plan = planFromStates(inputs, defconfRouter(), stockPbx(), mintRowIds()).plan;
  const applied = (() => {
    const result = applyToState(defconfRouter(), plan.router!.changes);
    if (!result.ok) throw new Error(result.message);
    return result.state;
  })();
  const forwardChange = plan.router!.changes.find((c) => c.path === MENUS.nat && c.after?.action === 'dst-nat')!;
  const isTheForward = (item: RosItem) => item.comment === forwardChange.after!.comment;

  it('says "missing or disabled" for a wizard forward disabled on the router, and points at its plan entry', () => {
    const state: RouterState = {
      ...applied,
      nat: applied.nat.map((item) => (isTheForward(item) ? { ...item, disabled: 'true' } : item)),
    };
    const check = routerChecks(plan, state).find((c) => c.id === `router-${forwardChange.id}`)!;
    expect(check.status).toBe('fail');
    expect(check.summary).toMatch(/: missing or disabled on the router, so /);
    expect(check.changeId).toBe(forwardChange.id);
    expect(check.fix).toMatch(/removed or disabled it/);
    // RouterOS prints yes/no in some versions: "yes" is disabled too.
    const yes = { ...applied, nat: applied.nat.map((i) => (isTheForward(i) ? { ...i, disabled: 'yes' } : i)) };
    expect(routerChecks(plan, yes).find((c) => c.id === check.id)?.status).toBe('fail');
  });

  it('says the same for a wizard forward removed, and names what its absence costs', () => {
    const state: RouterState = { ...applied, nat: applied.nat.filter((item) => !isTheForward(item)) };
    const check = routerChecks(plan, state).find((c) => c.id === `router-${forwardChange.id}`)!;
    expect(check).toMatchObject({ status: 'fail', changeId: forwardChange.id });
    // Named as WinBox shows it, the same words as the Review's groups.
    expect(check.title).toBe('IP › Firewall › NAT › UDP 5060 from fspbx-phones → 192.168.88.10:5060');
  });

  it('passes a forward whose fields all match and says "present and enabled"', () => {
    const check = routerChecks(plan, applied).find((c) => c.id === `router-${forwardChange.id}`)!;
    expect(check.status).toBe('pass');
    expect(check.summary).toMatch(/: present and enabled on the router\.$/);
    expect(check).not.toHaveProperty('changeId');
    expect(check).not.toHaveProperty('fix');
  });

  it('fails a forward that is there but points somewhere else (one field differs)', () => {
    const state: RouterState = {
      ...applied,
      nat: applied.nat.map((item) => (isTheForward(item) ? { ...item, 'to-addresses': '192.168.88.99' } : item)),
    };
    expect(routerChecks(plan, state).find((c) => c.id === `router-${forwardChange.id}`)?.status).toBe('fail');
  });

  it('does not check removals, and fails the SIP helper only while it is on', () => {
    const ids = routerChecks(plan, applied).map((c) => c.id);
    for (const c of plan.router!.changes.filter((c) => c.action === 'remove'))
      expect(ids).not.toContain(`router-${c.id}`);
    const helperOn: RouterState = {
      ...applied,
      servicePorts: applied.servicePorts.map((p) => (p.name === 'sip' ? { ...p, disabled: 'false' } : p)),
    };
    const helper = routerChecks(plan, helperOn).find((c) => c.id === 'sip-helper')!;
    expect(helper.status).toBe('fail');
    expect(helper.changeId).toBe(plan.changes.find((c) => c.path === MENUS.servicePorts)?.id);
    const noHelper: RouterState = { ...applied, servicePorts: [] };
    expect(routerChecks(plan, noHelper).find((c) => c.id === 'sip-helper')).toMatchObject({
      status: 'pass',
      summary: 'Off.',
    });
  });
});

describe('the RTP forward against the PBX range', () => {
  const rtpCheck = (rtp: { start: number; end: number }) =>
    pbxChecks(stockPbx(), '203.0.113.2', { rtp }).find((c) => c.id === 'rtp-range')!;

  it('fails a forward cut short at the bottom, and one cut short at the top', () => {
    expect(rtpCheck({ start: 16385, end: 32768 })).toMatchObject({
      status: 'fail',
      summary: 'The router forwards 16385-32768 but the PBX uses 16384-32768: calls will have no audio.',
      fix: 'Plan again: the forward follows the PBX range.',
    });
    expect(rtpCheck({ start: 16384, end: 32767 }).status).toBe('fail');
  });

  it('passes a forward that covers the range exactly or more widely', () => {
    expect(rtpCheck({ start: 16384, end: 32768 })).toMatchObject({
      status: 'pass',
      summary: 'The router forwards 16384-32768, the PBX uses 16384-32768.',
    });
    expect(rtpCheck({ start: 10000, end: 40000 }).status).toBe('pass');
    expect(rtpCheck({ start: 10000, end: 40000 })).not.toHaveProperty('fix');
  });

  it('has no RTP check when no forward is known', () => {
    expect(pbxChecks(stockPbx(), '203.0.113.2').map((c) => c.id)).not.toContain('rtp-range');
  });
});

describe('the ports the router forwards to the PBX', () => {
  const owned = (fields: Record<string, string>): RosItem => ({ '.id': '*9', comment: 'fspbx-nat: test', ...fields });

  it("counts the wizard's enabled dst-nat rules and leaves out disabled ones and others' rules", () => {
    const nat: RosItem[] = [
      owned({ action: 'dst-nat', protocol: 'udp', 'dst-port': '5060', disabled: 'false' }),
      owned({ action: 'dst-nat', protocol: 'udp', 'dst-port': '16384-32768', disabled: 'true' }),
      owned({ action: 'dst-nat', protocol: 'tcp', 'dst-port': '5061', 'to-ports': '5063' }),
      { '.id': '*a', action: 'dst-nat', protocol: 'udp', 'dst-port': '10000-20000', comment: 'someone else' },
      owned({ action: 'masquerade', protocol: 'udp', 'dst-port': '5060' }),
      owned({ action: 'dst-nat', protocol: 'icmp', 'dst-port': '1' }),
      owned({ action: 'dst-nat', protocol: 'udp', 'dst-port': '20000-10000' }),
      owned({ action: 'dst-nat', protocol: 'udp', 'dst-port': '70000' }),
      owned({ action: 'dst-nat', protocol: 'udp', 'dst-port': 'sip' }),
    ];
    expect(forwardedPorts(undefined, nat)).toEqual([
      { protocol: 'udp', range: { start: 5060, end: 5060 } },
      { protocol: 'tcp', range: { start: 5063, end: 5063 } },
    ]);
  });

  it("takes the plan's forwards with their plan entry, and an equal rule on the router adds nothing", () => {
    const plan = planFromStates(inputs, defconfRouter(), stockPbx(), mintRowIds()).plan;
    const planned = plan.router!.changes.filter((c) => c.path === MENUS.nat && c.after?.action === 'dst-nat');
    const fromPlan = forwardedPorts(plan, []);
    expect(fromPlan.length).toBeGreaterThan(0);
    expect(fromPlan.every((f) => planned.some((c) => c.id === f.changeId))).toBe(true);
    const applied = applyToState(defconfRouter(), plan.router!.changes);
    if (!applied.ok) throw new Error(applied.message);
    expect(forwardedPorts(plan, applied.state.nat)).toEqual(fromPlan);
  });
});

describe('router checks on hand-made entries', () => {
  const planOf = (changes: RouterChange[]): SitePlan => ({
    changes,
    warnings: [],
    facts: {},
    router: { changes, warnings: [], facts: {} },
  });
  const add = (id: string, path: RouterChange['path'], after: Record<string, string>): RouterChange => ({
    id,
    target: 'router',
    path,
    action: 'add',
    before: null,
    after,
    reason: 'test',
  });
  const state = (patch: Partial<RouterState>): RouterState => ({ ...defconfRouter(), ...patch });

  it('matches an entry on its fields, not on where it was placed or the id it was sent with', () => {
    const entry = add('a1', MENUS.addressLists, {
      list: 'fspbx-trunks',
      address: '198.51.100.10',
      'place-before': '*3',
      '.id': '*99',
    });
    const onRouter: RosItem = { '.id': '*7', list: 'fspbx-trunks', address: '198.51.100.10', disabled: 'false' };
    const checks = routerChecks(planOf([entry]), state({ addressLists: [onRouter] }));
    expect(checks.find((c) => c.id === 'router-a1')).toMatchObject({
      status: 'pass',
      title: 'IP › Firewall › Address Lists › fspbx-trunks › 198.51.100.10',
    });
    // The list names an address-list entry when it has no comment.
    expect(routerChecks(planOf([entry]), state({ addressLists: [] })).find((c) => c.id === 'router-a1')).toMatchObject({
      status: 'fail',
      changeId: 'a1',
    });
  });

  it('titles an entry in WinBox words, and checks nothing for a menu verify does not speak of', () => {
    const entry = add('n1', MENUS.nat, {
      action: 'dst-nat',
      protocol: 'udp',
      'dst-port': '5060',
      comment: 'fspbx-nat: SIP',
      list: 'x',
    });
    expect(routerChecks(planOf([entry]), state({ nat: [] })).find((c) => c.id === 'router-n1')?.title).toBe(
      'IP › Firewall › NAT › dst-nat UDP 5060',
    );
    const script = add('s1', MENUS.scripts, { name: 'x' });
    expect(routerChecks(planOf([script]), state({})).map((c) => c.id)).toEqual(['sip-helper']);
  });

  it('takes a forward to the last port, 65535, and refuses ports written with anything around them', () => {
    const owned = (port: string): RosItem => ({
      '.id': '*1',
      comment: 'fspbx-nat: x',
      action: 'dst-nat',
      protocol: 'tcp',
      'dst-port': port,
    });
    expect(forwardedPorts(undefined, [owned('65535')])).toEqual([
      { protocol: 'tcp', range: { start: 65535, end: 65535 } },
    ]);
    expect(forwardedPorts(undefined, [owned('65530-65535')])).toEqual([
      { protocol: 'tcp', range: { start: 65530, end: 65535 } },
    ]);
    for (const bad of ['x5060', '5060x', '5060-', ' 5060-5061x', '65536', '5061-5060']) {
      expect(forwardedPorts(undefined, [owned(bad)]), bad).toEqual([]);
    }
    expect(forwardedPorts(undefined, [owned(' 5060 ')])).toEqual([
      { protocol: 'tcp', range: { start: 5060, end: 5060 } },
    ]);
  });

  it("counts the plan's added and changed forwards, not its removals or other menus", () => {
    const forward = (
      id: string,
      action: RouterChange['action'],
      path: RouterChange['path'] = MENUS.nat,
    ): RouterChange => ({
      ...add(id, path, { action: 'dst-nat', protocol: 'udp', 'dst-port': `${5060 + Number(id.slice(1))}` }),
      action,
    });
    const plan = planOf([
      forward('f1', 'add'),
      forward('f2', 'set'),
      forward('f3', 'remove'),
      forward('f4', 'add', MENUS.filter),
    ]);
    expect(forwardedPorts(plan, []).map((f) => [f.range.start, f.changeId])).toEqual([
      [5061, 'f1'],
      [5062, 'f2'],
    ]);
    // A rule the router has and the plan does not make: counted, without an entry to point at.
    const ruleOnly = forwardedPorts(planOf([]), [
      { '.id': '*1', comment: 'fspbx-nat: x', action: 'dst-nat', protocol: 'udp', 'dst-port': '5070' },
    ]);
    expect(ruleOnly).toEqual([{ protocol: 'udp', range: { start: 5070, end: 5070 } }]);
  });
});
