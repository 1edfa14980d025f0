/**
 * The router planner's warnings and facts (plan.ts), each with the sentence the technician reads
 * and the condition that raises it, and what the planner does not warn about. Plain router states
 * in, the plan out.
 */
import { describe, expect, it } from 'vitest';
import { planRouter } from '../../../electron/routeros/plan';
import type { RosItem, RouterState } from '../../../electron/routeros/state';
import { customRouter } from './fixtures/custom';
import { defconfRouter } from './fixtures/defconf';
import { apply, baseInputs, plan } from './helpers';

const warningsOf = (state: RouterState, inputs = baseInputs()) => plan(state, inputs).warnings;
const messageOf = (state: RouterState, code: string, inputs = baseInputs()) =>
  warningsOf(state, inputs)
    .filter((w) => w.code === code)
    .map((w) => w.message);

/** defconf with its WAN address fixed (not from DHCP) at `cidr`. */
function staticWan(cidr = '203.0.113.2/24'): RouterState {
  const s = defconfRouter();
  s.addresses[1] = { ...s.addresses[1]!, address: cidr, dynamic: 'false' };
  return s;
}

/** defconf with default routes through `gateways` (immediate-gw `addr%iface`), in that order of distance. */
function routed(...interfaces: string[]): RouterState {
  const s = staticWan();
  s.interfaces.push({ '.id': '*9', name: 'lte1', type: 'lte', disabled: 'false' });
  s.interfaceListMembers.push({ '.id': '*9', list: 'WAN', interface: 'lte1', disabled: 'false' });
  s.routes = interfaces.map((name, i) => ({
    '.id': `*8000000${i}`,
    'dst-address': '0.0.0.0/0',
    gateway: `203.0.113.${i + 1}%${name}`,
    distance: String(i + 1),
    active: 'true',
  }));
  return s;
}

describe('double NAT', () => {
  it('names a private WAN address as private', () => {
    expect(messageOf(staticWan('192.168.1.50/24'), 'double-nat')).toEqual([
      "The router's WAN address 192.168.1.50 is a private address: another NAT sits in front of it, so forwards on this router alone will not reach the PBX from the Internet.",
    ]);
  });

  it('names a 100.64.0.0/10 WAN address as carrier-grade NAT', () => {
    expect(messageOf(staticWan('100.64.3.4/10'), 'double-nat')).toEqual([
      "The router's WAN address 100.64.3.4 is a carrier-grade NAT (CGNAT) address: another NAT sits in front of it, so forwards on this router alone will not reach the PBX from the Internet.",
    ]);
  });

  it('says when the Internet sees another address than the WAN interface holds (IP Cloud)', () => {
    expect(messageOf({ ...staticWan(), cloudPublicAddress: '198.51.100.200' }, 'double-nat')).toEqual([
      'The Internet sees this router as 198.51.100.200, which is not on its WAN interface: the traffic crosses another NAT first.',
    ]);
  });

  it('is quiet when IP Cloud sees the WAN address itself, or when the router has no WAN address to compare', () => {
    expect(messageOf({ ...staticWan(), cloudPublicAddress: '203.0.113.2' }, 'double-nat')).toEqual([]);
    const second = staticWan();
    second.addresses.push({ '.id': '*3', address: '203.0.113.3/24', interface: 'ether1', disabled: 'false' });
    expect(messageOf({ ...second, cloudPublicAddress: '203.0.113.3' }, 'double-nat')).toEqual([]);
    const noAddress = defconfRouter();
    noAddress.addresses = noAddress.addresses.filter((a) => a.interface !== 'ether1');
    expect(messageOf({ ...noAddress, cloudPublicAddress: '198.51.100.200' }, 'double-nat')).toEqual([]);
  });
});

describe('several WAN addresses without a WAN list', () => {
  function twoAddresses(): RouterState {
    const s = customRouter();
    s.addresses.push({
      '.id': '*3',
      address: '198.51.100.3/29',
      interface: 'ether1-isp',
      disabled: 'false',
      dynamic: 'false',
    });
    return s;
  }
  const inputs = baseInputs({ pbxAddress: '10.20.0.10' });

  it('says the forwards match only the first of them', () => {
    expect(messageOf(twoAddresses(), 'several-wan-addresses', inputs)).toEqual([
      'Forwards match only 198.51.100.2 of the WAN addresses 198.51.100.2, 198.51.100.3.',
    ]);
  });

  it('says the forwards match the one the technician gave', () => {
    expect(messageOf(twoAddresses(), 'several-wan-addresses', { ...inputs, wanAddress: '198.51.100.3' })).toEqual([
      'Forwards match only 198.51.100.3 of the WAN addresses 198.51.100.2, 198.51.100.3.',
    ]);
  });

  it('is quiet with one WAN address, or with a WAN list (forwards then match the interfaces)', () => {
    expect(messageOf(customRouter(), 'several-wan-addresses', inputs)).toEqual([]);
    const listed = staticWan();
    listed.addresses.push({ '.id': '*3', address: '203.0.113.3/24', interface: 'ether1', disabled: 'false' });
    expect(messageOf(listed, 'several-wan-addresses')).toEqual([]);
  });
});

describe('default routes', () => {
  it('warns of asymmetric routing when there are two, naming the one replies take', () => {
    expect(messageOf(routed('ether1', 'lte1'), 'several-wan-routes')).toEqual([
      'The router has default routes through ether1, lte1: replies from the PBX leave through ether1 whatever way a call came in, so calls arriving on another link get no answer unless the router marks connections and routes their replies back (asymmetric routing).',
    ]);
    expect(messageOf(routed('ether1'), 'several-wan-routes')).toEqual([]);
  });

  it('names a second route outside the WAN list, and says "them" for two', () => {
    const one = routed('ether1', 'wg-backup');
    expect(messageOf(one, 'default-route-outside-wan-list')).toEqual([
      "The router also has a default route through wg-backup, outside its WAN interface list: calls arriving there are not forwarded. Add it to the WAN list if the provider's traffic can come in that way.",
    ]);
    const two = routed('ether1', 'wg-backup', 'sstp-out');
    expect(messageOf(two, 'default-route-outside-wan-list')).toEqual([
      "The router also has a default route through wg-backup, sstp-out, outside its WAN interface list: calls arriving there are not forwarded. Add them to the WAN list if the provider's traffic can come in that way.",
    ]);
  });

  it('is quiet about the second route when it is in the WAN list, or when there is no WAN list', () => {
    expect(messageOf(routed('ether1', 'lte1'), 'default-route-outside-wan-list')).toEqual([]);
    const noList = customRouter();
    noList.routes = ['ether1-isp', 'ether2'].map((name, i) => ({
      '.id': `*8000000${i}`,
      'dst-address': '0.0.0.0/0',
      gateway: `198.51.100.${i + 1}%${name}`,
      distance: String(i + 1),
      active: 'true',
    }));
    const i = baseInputs({ pbxAddress: '10.20.0.10' });
    expect(messageOf(noList, 'default-route-outside-wan-list', i)).toEqual([]);
    expect(messageOf(noList, 'several-wan-routes', i)).toHaveLength(1);
  });
});

describe('the SIP helper', () => {
  const helperChanges = (state: RouterState) =>
    plan(state, baseInputs()).changes.filter((c) => c.path === '/ip/firewall/service-port');

  it('is turned off first, with what it was, and why', () => {
    const p = plan(defconfRouter(), baseInputs());
    expect(p.changes[0]).toMatchObject({
      path: '/ip/firewall/service-port',
      action: 'set',
      itemId: '*4',
      before: { disabled: 'false' },
      after: { disabled: 'true' },
      reason:
        'Turns off the SIP helper (SIP ALG): it rewrites SIP messages and causes one-way audio and lost registrations.',
    });
  });

  it('records "not set" when the entry printed no disabled field', () => {
    const s = defconfRouter();
    s.servicePorts = s.servicePorts.map((p) => {
      if (p.name !== 'sip') return p;
      const { disabled: _disabled, ...rest } = p;
      return rest;
    });
    expect(helperChanges(s)).toMatchObject([{ before: { disabled: null }, after: { disabled: 'true' } }]);
  });

  it('is left alone when already off, without a warning', () => {
    const s = defconfRouter();
    s.servicePorts = s.servicePorts.map((p) => (p.name === 'sip' ? { ...p, disabled: 'true' } : p));
    expect(helperChanges(s)).toEqual([]);
    expect(messageOf(s, 'no-sip-helper')).toEqual([]);
  });

  it('is missing on some routers: said, and nothing planned for it', () => {
    const s = defconfRouter();
    s.servicePorts = s.servicePorts.filter((p) => p.name !== 'sip');
    expect(helperChanges(s)).toEqual([]);
    expect(messageOf(s, 'no-sip-helper')).toEqual(['The router has no SIP helper entry to turn off.']);
  });
});

describe('inputs that leave little to do', () => {
  it('says nothing will be forwarded when no peers were given', () => {
    const p = plan(defconfRouter(), baseInputs({ trunks: [], phones: [] }));
    expect(p.warnings.filter((w) => w.code === 'no-peers').map((w) => w.message)).toEqual([
      'No trunk providers or remote phones were given: nothing will be forwarded to the PBX.',
    ]);
    expect(p.changes.filter((c) => c.path === '/ip/firewall/nat')).toEqual([]);
    expect(messageOf(defconfRouter(), 'no-peers')).toEqual([]);
  });

  it('says hairpin needs a public address on the router when the WAN has none', () => {
    const s = defconfRouter();
    s.addresses = s.addresses.filter((a) => a.interface !== 'ether1');
    const p = plan(s, baseInputs({ hairpin: true }));
    expect(p.warnings.filter((w) => w.code === 'hairpin-no-wan-address').map((w) => w.message)).toEqual([
      'Hairpin NAT needs the public address on the router: it has none on its WAN, so LAN phones must use the PBX address directly.',
    ]);
    expect(p.changes.some((c) => c.after?.comment?.includes('hairpin'))).toBe(false);
    expect(messageOf(s, 'hairpin-no-wan-address')).toEqual([]);
  });
});

describe('hairpin', () => {
  const hairpin = baseInputs({ hairpin: true });

  it("on a dynamic address, names every other address of the router's that the match takes too", () => {
    const s = defconfRouter();
    s.addresses.push(
      { '.id': '*5', address: '10.5.50.1/24', interface: 'ether3', disabled: 'false' },
      { '.id': '*6', address: '10.6.0.1/24', interface: 'ether4', disabled: 'false' },
    );
    expect(messageOf(s, 'hairpin-other-router-addresses', hairpin)).toEqual([
      "The public address is dynamic, so hairpin matches the router's own addresses but its LAN one: LAN devices that reach the router's other addresses (10.5.50.1, 10.6.0.1) on the forwarded ports reach the PBX instead.",
    ]);
  });

  it('on a fixed address with more WAN addresses, says those are not hairpinned', () => {
    const s = staticWan();
    s.addresses.push({ '.id': '*6', address: '203.0.113.3/24', interface: 'ether1', disabled: 'false' });
    expect(messageOf(s, 'hairpin-one-wan-address', hairpin)).toEqual([
      'Hairpin NAT covers the public address 203.0.113.2 only: LAN devices dialling 203.0.113.3 are not hairpinned.',
    ]);
    s.addresses.push({ '.id': '*7', address: '203.0.113.4/24', interface: 'ether1', disabled: 'false' });
    expect(messageOf(s, 'hairpin-one-wan-address', hairpin)).toEqual([
      'Hairpin NAT covers the public address 203.0.113.2 only: LAN devices dialling 203.0.113.3, 203.0.113.4 are not hairpinned.',
    ]);
  });

  it('is quiet about other WAN addresses when the address is dynamic (the match takes them all) or single', () => {
    const dynamicTwo = defconfRouter();
    dynamicTwo.addresses.push({ '.id': '*6', address: '203.0.113.3/24', interface: 'ether1', disabled: 'false' });
    expect(messageOf(dynamicTwo, 'hairpin-one-wan-address', hairpin)).toEqual([]);
    expect(messageOf(staticWan(), 'hairpin-one-wan-address', hairpin)).toEqual([]);
    expect(messageOf(staticWan(), 'hairpin-other-router-addresses', hairpin)).toEqual([]);
  });
});

describe('an existing NAT rule that comes first', () => {
  const inputs = baseInputs({ pbxAddress: '10.20.0.10' });
  const rule = (fields: Record<string, string>): RosItem => ({
    '.id': '*22',
    chain: 'dstnat',
    action: 'dst-nat',
    'to-addresses': '10.20.0.99',
    ...fields,
  });

  it('is named once per forward it may take, with its comment', () => {
    const s = customRouter();
    s.nat.push(rule({ protocol: 'udp', 'dst-port': '5060', comment: 'old PBX' }));
    expect(messageOf(s, 'nat-shadowed', inputs)).toEqual([
      'The existing NAT rule *22 "old PBX" comes first and may take SIP UDP 5060 (internal profile) from the phones; check it before applying.',
    ]);
  });

  it('is named for each forward of each role it may take, once each though several trunks send', () => {
    const s = customRouter();
    s.nat.push(rule({ protocol: 'udp' }));
    const twoTrunks = {
      ...inputs,
      trunks: [
        { name: 'Carrier A', address: '198.51.100.10' },
        { name: 'Carrier B', address: '198.51.100.20' },
      ],
    };
    expect(messageOf(s, 'nat-shadowed', twoTrunks)).toEqual([
      'The existing NAT rule *22 comes first and may take SIP UDP 5060 (internal profile) from the phones; check it before applying.',
      'The existing NAT rule *22 comes first and may take RTP audio from the phones; check it before applying.',
      'The existing NAT rule *22 comes first and may take SIP UDP 5080 (external profile) from the trunks; check it before applying.',
      'The existing NAT rule *22 comes first and may take RTP audio from the trunks; check it before applying.',
    ]);
  });

  it('looks at what arrives on the WAN address: a rule for another address or port is no concern', () => {
    const s = customRouter();
    s.nat.push(rule({ protocol: 'udp', 'dst-address': '198.51.100.5', 'dst-port': '5060' }));
    s.nat.push({ ...rule({ protocol: 'udp', 'dst-port': '6000' }), '.id': '*23' });
    expect(messageOf(s, 'nat-shadowed', inputs)).toEqual([]);
  });

  it("skips disabled rules, srcnat rules, and the wizard's own forwards", () => {
    const s = customRouter();
    s.nat.push({ ...rule({ protocol: 'udp' }), disabled: 'true' });
    s.nat.push({ '.id': '*24', chain: 'srcnat', action: 'masquerade', protocol: 'udp' });
    expect(messageOf(s, 'nat-shadowed', inputs)).toEqual([]);
    const applied = apply(s, plan(s, inputs).changes);
    expect(messageOf(applied, 'nat-shadowed', inputs)).toEqual([]);
  });

  it("takes the packet as addressed to the router's own WAN address", () => {
    const s = customRouter();
    s.nat.push(rule({ protocol: 'udp', 'dst-address-type': 'local', 'dst-port': '5060' }));
    expect(messageOf(s, 'nat-shadowed', inputs)).toHaveLength(1);
  });

  it('without a WAN address, any rule for some destination may take the traffic', () => {
    const s = defconfRouter();
    s.addresses = s.addresses.filter((a) => a.interface !== 'ether1');
    s.nat.push(rule({ protocol: 'udp', 'dst-address': '203.0.113.0/24', 'dst-port': '5080' }));
    expect(messageOf(s, 'nat-shadowed')).toEqual([
      'The existing NAT rule *22 comes first and may take SIP UDP 5080 (external profile) from the trunks; check it before applying.',
    ]);
  });

  it('takes the packet as a new connection, not yet dst-NATed', () => {
    const s = customRouter();
    s.nat.push(rule({ protocol: 'udp', 'dst-port': '5060', 'connection-state': 'new' }));
    s.nat.push({ ...rule({ protocol: 'udp', 'dst-port': '5080', 'connection-nat-state': '!dstnat' }), '.id': '*23' });
    expect(messageOf(s, 'nat-shadowed', inputs).map((m) => m.slice(0, 26))).toEqual([
      'The existing NAT rule *22 ',
      'The existing NAT rule *23 ',
    ]);
  });

  it('names each rule that takes some of a forward: one trunk meets one rule, another the other', () => {
    const s = customRouter();
    s.nat.push(rule({ protocol: 'udp', 'dst-port': '5080', 'src-address': '198.51.100.10' }));
    s.nat.push({ ...rule({ protocol: 'udp', 'dst-port': '5080', 'src-address': '198.51.100.20' }), '.id': '*23' });
    const twoTrunks = {
      ...inputs,
      trunks: [
        { name: 'Carrier A', address: '198.51.100.10' },
        { name: 'Carrier B', address: '198.51.100.20' },
      ],
    };
    expect(messageOf(s, 'nat-shadowed', twoTrunks)).toEqual([
      'The existing NAT rule *22 comes first and may take SIP UDP 5080 (external profile) from the trunks; check it before applying.',
      'The existing NAT rule *23 comes first and may take SIP UDP 5080 (external profile) from the trunks; check it before applying.',
    ]);
  });

  it('without a WAN address, a rule that excludes every destination takes nothing', () => {
    const s = defconfRouter();
    s.addresses = s.addresses.filter((a) => a.interface !== 'ether1');
    s.nat.push(rule({ protocol: 'udp', 'dst-address': '!0.0.0.0/0' }));
    expect(messageOf(s, 'nat-shadowed')).toEqual([]);
  });

  it('skips a masquerade in dstnat: it changes no destination', () => {
    const s = customRouter();
    s.nat.push(rule({ action: 'masquerade', protocol: 'udp' }));
    expect(messageOf(s, 'nat-shadowed', inputs)).toEqual([]);
  });
});

describe('facts', () => {
  it('state what the plan was made from: the router, its firewall, the WAN match, LAN, PBX and RTP', () => {
    const p = plan(defconfRouter(), baseInputs());
    expect(p.facts).toMatchObject({
      'router.identity': 'MikroTik',
      'router.version': '7.16.2 (stable)',
      'router.config': 'RouterOS default firewall (defconf)',
      'router.wanMatch': 'in-interface-list=WAN',
      'router.lan': '192.168.88.1/24',
      'pbx.address': '192.168.88.10',
      'pbx.rtp': '16384-32768',
      'router.wanAddress': '203.0.113.2',
      'router.wanAddressDynamic': 'given to ether1 by the provider: it may change',
    });
  });

  it('name a fixed WAN address without saying it may change, and a custom firewall as such', () => {
    const fixed = plan(staticWan(), baseInputs());
    expect(fixed.facts['router.wanAddress']).toBe('203.0.113.2');
    expect('router.wanAddressDynamic' in fixed.facts).toBe(false);
    const custom = plan(customRouter(), baseInputs({ pbxAddress: '10.20.0.10' }));
    expect(custom.facts['router.config']).toBe('custom firewall');
    expect(custom.facts['router.wanMatch']).toBe('dst-address=198.51.100.2');
  });

  it('give the RTP range forwarded, a single port as one number', () => {
    const one = { start: 20000, end: 20000 };
    expect(plan(defconfRouter(), baseInputs({ pbxRtp: one, rtp: one })).facts['pbx.rtp']).toBe('20000');
  });

  it("name the router's IP Cloud DNS name when it has one", () => {
    expect(plan({ ...staticWan(), cloudDnsName: 'abc123.sn.mynetname.net' }, baseInputs()).facts).toMatchObject({
      'router.cloudDnsName': 'abc123.sn.mynetname.net',
    });
    expect('router.cloudDnsName' in plan(staticWan(), baseInputs()).facts).toBe(false);
  });

  it('name the address IP Cloud sees only when it saw one', () => {
    expect(plan({ ...staticWan(), cloudPublicAddress: '203.0.113.2' }, baseInputs()).facts).toMatchObject({
      'router.publicAddress': '203.0.113.2',
    });
    expect('router.publicAddress' in plan(staticWan(), baseInputs()).facts).toBe(false);
  });

  it('name the hairpin match and why, only with hairpin', () => {
    const p = plan(staticWan(), baseInputs({ hairpin: true }));
    expect(p.facts['router.hairpinMatch']).toMatch(/^dst-address=203\.0\.113\.2: .+/);
    expect('router.hairpinMatch' in plan(staticWan(), baseInputs()).facts).toBe(false);
  });

  it('say which connections are cleared after apply, when the plan changes forwards', () => {
    expect(plan(defconfRouter(), baseInputs()).facts['router.conntrack']).toMatch(
      /^cleared after apply and rollback: /,
    );
    const done = apply(defconfRouter(), plan(defconfRouter(), baseInputs()).changes);
    expect('router.conntrack' in plan(done, baseInputs()).facts).toBe(false);
  });
});

describe('the automatic revert, sized before anything is sent', () => {
  it('is a fact when it fits, and a warning when one step alone is longer than a router script of the wizard', () => {
    expect(plan(defconfRouter(), baseInputs()).facts['router.revert']).toMatch(/^[\d,]+ bytes in one script/);
    // A stale entry of the wizard's whose comment grew past 16 KiB: removing it means re-adding it on revert.
    const s = defconfRouter();
    s.addressLists.push({
      '.id': '*90',
      list: 'fspbx-trunks',
      address: '192.0.2.77',
      comment: `fspbx-nat: old ${'x'.repeat(17_000)}`,
      disabled: 'false',
    });
    const p = plan(s, baseInputs());
    const warning = p.warnings.find((w) => w.code === 'revert-too-large');
    expect(warning?.target).toBe('router');
    expect(warning?.message).toMatch(/^One change of the automatic revert takes [\d,]+ bytes, more than the 16,384 /);
    expect('router.revert' in p.facts).toBe(false);
  });
});

describe('refusals', () => {
  it('returns every input error at once and plans nothing', () => {
    const result = planRouter(defconfRouter(), baseInputs({ pbxAddress: '10.9.9.9', pbxRtp: { start: 9, end: 1 } }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field)).toEqual(['pbx.address', 'pbxRtp']);
  });
});

describe('every warning and change of the plan is about the router', () => {
  it('each warning says so (the wizard shows it with the router), whatever raised it', () => {
    const noSip = defconfRouter();
    noSip.servicePorts = noSip.servicePorts.filter((p) => p.name !== 'sip');
    const noWan = defconfRouter();
    noWan.addresses = noWan.addresses.filter((a) => a.interface !== 'ether1');
    const otherOwn = defconfRouter();
    otherOwn.addresses.push({ '.id': '*5', address: '10.5.50.1/24', interface: 'ether3', disabled: 'false' });
    const twoWan = staticWan();
    twoWan.addresses.push({ '.id': '*6', address: '203.0.113.3/24', interface: 'ether1', disabled: 'false' });
    const noList = customRouter();
    noList.addresses.push({ '.id': '*3', address: '198.51.100.3/29', interface: 'ether1-isp', disabled: 'false' });
    noList.nat.push({
      '.id': '*22',
      chain: 'dstnat',
      action: 'dst-nat',
      protocol: 'udp',
      'to-addresses': '10.20.0.99',
    });
    const dynamicDrops = defconfRouter();
    dynamicDrops.filter.unshift(
      { '.id': '*D1', chain: 'forward', action: 'drop', protocol: 'udp', 'dst-port': '5060', dynamic: 'true' },
      { '.id': '*D2', chain: 'forward', action: 'drop', 'connection-mark': 'x', dynamic: 'true' },
    );
    const custom = baseInputs({ pbxAddress: '10.20.0.10' });
    const warnings = [
      ...warningsOf(staticWan('192.168.1.50/24')),
      ...warningsOf({ ...staticWan(), cloudPublicAddress: '198.51.100.200' }),
      ...warningsOf(routed('ether1', 'wg-backup')),
      ...warningsOf(noList, custom),
      ...warningsOf(otherOwn, baseInputs({ hairpin: true })),
      ...warningsOf(twoWan, baseInputs({ hairpin: true })),
      ...warningsOf(noSip, baseInputs({ trunks: [], phones: [] })),
      ...warningsOf(noWan, baseInputs({ hairpin: true })),
      ...warningsOf(dynamicDrops),
    ];
    expect(new Set(warnings.map((w) => w.code))).toEqual(
      new Set([
        'double-nat',
        'default-route-outside-wan-list',
        'several-wan-routes',
        'several-wan-addresses',
        'wan-address-dynamic',
        'hairpin-other-router-addresses',
        'hairpin-one-wan-address',
        'nat-shadowed',
        'no-sip-helper',
        'no-peers',
        'hairpin-no-wan-address',
        'dynamic-rule-blocks',
        'dynamic-rule-may-block',
      ]),
    );
    for (const w of warnings) {
      expect(w.target, w.code).toBe('router');
      expect(w.message, w.code).toMatch(/^\S.*\.$/);
    }
  });

  it('each change is numbered router-001, router-002, … in order, the SIP helper first', () => {
    const p = plan(defconfRouter(), baseInputs());
    expect(p.changes.map((c) => c.id)).toEqual(p.changes.map((_, i) => `router-${String(i + 1).padStart(3, '0')}`));
    for (const c of p.changes) expect(c.target).toBe('router');
  });
});
