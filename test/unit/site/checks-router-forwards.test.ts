/**
 * Verify's router half (site/checks/router.ts) and what it knows of the forwards
 * (site/checks/forwards.ts), on hand-written plans and router states: each entry the plan added
 * is looked for, one headline when all of them are gone, the SIP helper pointing at its own plan
 * entry, hairpin rules and forwarded ranges told apart by protocol and port.
 */
import { describe, expect, it } from 'vitest';
import type { RouterChange } from '../../../electron/routeros/change';
import type { RosItem, RouterState } from '../../../electron/routeros/state';
import { forwardedPorts, hairpinRules, routerChecks } from '../../../electron/site/checks';
import type { SitePlan } from '../../../electron/site/combine';
import { defconfRouter } from '../routeros/fixtures/defconf';

const forward = (id: string, fields: Record<string, string>): RouterChange => ({
  id,
  target: 'router',
  path: '/ip/firewall/nat',
  action: 'add',
  before: null,
  after: { chain: 'dstnat', action: 'dst-nat', comment: `fspbx-nat: ${id}`, ...fields },
  reason: 'test',
});

const SIP_UDP = forward('forward sip udp', {
  protocol: 'udp',
  'dst-port': '5060',
  'src-address-list': 'fspbx-phones',
  'to-addresses': '192.168.88.10',
  'to-ports': '5060',
});
const RTP = forward('forward rtp', {
  protocol: 'udp',
  'dst-port': '16384-32768',
  'src-address-list': 'fspbx-phones',
  'to-addresses': '192.168.88.10',
  'to-ports': '16384-32768',
});
const HAIRPIN_TCP = forward('hairpin tcp 5061', {
  protocol: 'tcp',
  'src-address': '192.168.88.0/24',
  'dst-address': '203.0.113.2',
  'dst-port': '5061',
  'to-addresses': '192.168.88.10',
  'to-ports': '5061',
});
const HELPER_OFF: RouterChange = {
  id: 'helper',
  target: 'router',
  path: '/ip/firewall/service-port',
  action: 'set',
  itemId: '*4',
  before: { disabled: 'false' },
  after: { disabled: 'true' },
  reason: 'test',
};

function planOf(changes: RouterChange[]): SitePlan {
  return { changes, warnings: [], facts: {}, router: { changes, warnings: [], facts: {} } };
}

/** The router with the given changes' entries present (each with an id), the SIP helper as given. */
function routerWith(changes: RouterChange[], helper: 'on' | 'off' = 'off'): RouterState {
  const state = defconfRouter();
  changes.forEach((c, i) => {
    if (c.path === '/ip/firewall/nat' && c.after) {
      state.nat.push({ '.id': `*A${i}`, ...(c.after as Record<string, string>) });
    }
  });
  state.servicePorts = state.servicePorts.map((p) =>
    p.name === 'sip' ? { ...p, disabled: helper === 'off' ? 'true' : 'false' } : p,
  );
  return state;
}

const ids = (checks: { id: string; status: string }[]) => checks.map((c) => [c.id, c.status]);

describe('the router half of verify', () => {
  it('passes each entry present and the helper off', () => {
    const plan = planOf([SIP_UDP, RTP]);
    expect(ids(routerChecks(plan, routerWith([SIP_UDP, RTP])))).toEqual([
      ['router-forward sip udp', 'pass'],
      ['router-forward rtp', 'pass'],
      ['sip-helper', 'pass'],
    ]);
  });

  it('fails one missing entry on its own line, pointing at its plan entry', () => {
    const checks = routerChecks(planOf([SIP_UDP, RTP]), routerWith([SIP_UDP]));
    expect(ids(checks)).toEqual([
      ['router-forward sip udp', 'pass'],
      ['router-forward rtp', 'fail'],
      ['sip-helper', 'pass'],
    ]);
    expect(checks[1]!.changeId).toBe('forward rtp');
  });

  it('says once that the run is undone when every entry it added is gone, two of two', () => {
    const checks = routerChecks(planOf([SIP_UDP, RTP]), routerWith([]));
    expect(checks[0]).toEqual({
      id: 'router-undone',
      title: 'This run on the router',
      status: 'fail',
      summary:
        'None of the 2 entries this run added is on the router any more: its automatic undo ran (the time to keep the changes was up), or someone removed them. The PBX still has its changes.',
      fix: 'Undo the PBX half (History: Undo the PBX half; CLI: rollback --snapshot <id> --only pbx), or plan and apply again.',
    });
    expect(ids(checks)).toEqual([
      ['router-undone', 'fail'],
      ['sip-helper', 'pass'],
    ]);
  });

  it('keeps a single missing entry as itself: one entry gone is not a run undone', () => {
    expect(ids(routerChecks(planOf([RTP]), routerWith([])))).toEqual([
      ['router-forward rtp', 'fail'],
      ['sip-helper', 'pass'],
    ]);
  });

  it('does not look for what the plan removes, and has only the helper to judge without a router plan', () => {
    const remove: RouterChange = { ...RTP, action: 'remove', itemId: '*9', before: RTP.after, after: null };
    expect(ids(routerChecks(planOf([SIP_UDP, remove]), routerWith([SIP_UDP])))).toEqual([
      ['router-forward sip udp', 'pass'],
      ['sip-helper', 'pass'],
    ]);
    const pbxOnly: SitePlan = { changes: [], warnings: [], facts: {} };
    expect(ids(routerChecks(pbxOnly, routerWith([], 'on')))).toEqual([['sip-helper', 'fail']]);
  });

  it('points a helper still on at the plan entry that turns it off, not at the first entry', () => {
    const checks = routerChecks(planOf([SIP_UDP, HELPER_OFF]), routerWith([SIP_UDP], 'on'));
    const helper = checks.find((c) => c.id === 'sip-helper')!;
    expect(helper).toMatchObject({
      status: 'fail',
      summary: 'SIP helper still on: it rewrites SIP and causes one-way audio and lost registrations.',
      fix: 'Disable IP › Firewall › Service Ports › sip (or apply this plan entry again).',
      changeId: 'helper',
    });
  });
});

describe('hairpin rules', () => {
  it('are the plan’s added dst-nat rules for one port without a peer list, by protocol, with their read-back', () => {
    const state = routerWith([HAIRPIN_TCP]);
    const rules = hairpinRules(planOf([SIP_UDP, RTP, HAIRPIN_TCP]), state);
    expect(rules).toEqual([
      {
        protocol: 'tcp',
        port: 5061,
        rule: 'Hairpin forward TCP 5061 for 192.168.88.0/24',
        present: true,
        changeId: 'hairpin tcp 5061',
      },
    ]);
    expect(hairpinRules(planOf([HAIRPIN_TCP]), routerWith([]))[0]!.present).toBe(false);
  });

  it('leave out masquerades, removes, sets, other protocols and ranges', () => {
    const masquerade: RouterChange = {
      ...HAIRPIN_TCP,
      id: 'masq',
      after: { chain: 'srcnat', action: 'masquerade', 'src-address': '192.168.88.0/24' },
    };
    const removed: RouterChange = { ...HAIRPIN_TCP, id: 'gone', action: 'remove', itemId: '*1', after: null };
    const set: RouterChange = { ...HAIRPIN_TCP, id: 'set', action: 'set', itemId: '*1' };
    const icmp = forward('icmp', { protocol: 'icmp', 'dst-port': '0' });
    const range = forward('range', { protocol: 'udp', 'dst-port': '10000-20000' });
    const filter: RouterChange = { ...HAIRPIN_TCP, id: 'filter', path: '/ip/firewall/filter' };
    expect(hairpinRules(planOf([masquerade, removed, set, icmp, range, filter]), routerWith([]))).toEqual([]);
    expect(hairpinRules({ changes: [], warnings: [], facts: {} }, routerWith([]))).toEqual([]);
  });

  it('name a UDP rule by its port and LAN too', () => {
    const udp = forward('hairpin udp 5060', { protocol: 'udp', 'src-address': '192.168.88.0/24', 'dst-port': '5060' });
    expect(hairpinRules(planOf([udp]), routerWith([udp]))).toEqual([
      expect.objectContaining({ protocol: 'udp', port: 5060, rule: 'Hairpin forward UDP 5060 for 192.168.88.0/24' }),
    ]);
  });
});

describe('forwarded ports', () => {
  const owned = (fields: Record<string, string>): RosItem => ({
    '.id': '*F',
    chain: 'dstnat',
    action: 'dst-nat',
    comment: 'fspbx-nat: forward',
    ...fields,
  });

  it('are the plan’s dst-nat ranges and the wizard’s enabled dst-nat rules now, each protocol and range once', () => {
    const plan = planOf([SIP_UDP, RTP]);
    const nat = [
      owned({ protocol: 'udp', 'dst-port': '5060', 'to-ports': '5060' }),
      owned({ protocol: 'tcp', 'dst-port': '5061' }),
      owned({ protocol: 'tcp', 'dst-port': '5080', disabled: 'true' }),
      { '.id': '*X', chain: 'dstnat', action: 'dst-nat', protocol: 'tcp', 'dst-port': '22', comment: 'ssh' },
      owned({ protocol: 'udp', 'dst-port': '9', action: 'masquerade' }),
    ];
    expect(forwardedPorts(plan, nat)).toEqual([
      { protocol: 'udp', range: { start: 5060, end: 5060 }, changeId: 'forward sip udp' },
      { protocol: 'udp', range: { start: 16384, end: 32768 }, changeId: 'forward rtp' },
      { protocol: 'tcp', range: { start: 5061, end: 5061 } },
    ]);
  });

  it('read to-ports before dst-port, and skip what is no port range at all', () => {
    const nat = [
      owned({ protocol: 'udp', 'dst-port': '15060', 'to-ports': '5060' }),
      owned({ protocol: 'udp', 'dst-port': '5-3' }),
      owned({ protocol: 'udp', 'dst-port': '70000' }),
      owned({ protocol: 'udp', 'dst-port': 'sip' }),
      owned({ protocol: 'sctp', 'dst-port': '5060' }),
      owned({ protocol: 'udp', 'dst-port': ' 6000-6001 ' }),
    ];
    expect(forwardedPorts(undefined, nat)).toEqual([
      { protocol: 'udp', range: { start: 5060, end: 5060 } },
      { protocol: 'udp', range: { start: 6000, end: 6001 } },
    ]);
  });

  it('take a rule on the router now as the plan entry that made it, and skip a plan’s removes', () => {
    const remove: RouterChange = { ...RTP, action: 'remove', itemId: '*9', before: RTP.after, after: null };
    const nat = [owned({ protocol: 'udp', 'dst-port': '5060', 'to-ports': '5060' })];
    expect(forwardedPorts(planOf([remove]), nat)).toEqual([{ protocol: 'udp', range: { start: 5060, end: 5060 } }]);
    // The same range on the router now is listed once, with the plan entry that made it.
    const fromRouterFirst = forwardedPorts(planOf([SIP_UDP]), nat);
    expect(fromRouterFirst).toEqual([
      { protocol: 'udp', range: { start: 5060, end: 5060 }, changeId: 'forward sip udp' },
    ]);
  });
});
