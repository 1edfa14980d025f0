/**
 * The firewall model (firewall.ts) against RouterOS's documented matching: every matcher the
 * planner reads answers yes, no or maybe for the traffic the wizard forwards, and a chain is
 * walked as RouterOS walks it (first match decides, jumps and returns, what falls off the end of
 * a built-in chain is accepted). Sources: the filter page
 * (https://manual.mikrotik.com/docs/firewall-and-quality-of-service/firewall/filter.md) and the
 * matchers and actions every firewall table shares
 * (https://manual.mikrotik.com/docs/firewall-and-quality-of-service/firewall/common-firewall-matchers-and-actions.md,
 * also https://help.mikrotik.com/docs/display/ROS/Common+Firewall+Matchers+and+Actions).
 */
import { describe, expect, it } from 'vitest';
import {
  evaluateChain,
  evaluateForward,
  firstNatCatch,
  matchItem,
  type MatchContext,
  type Packet,
} from '../../../electron/routeros/firewall';
import type { RosItem } from '../../../electron/routeros/state';

const ip = (text: string): number => text.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const host = (text: string) => ({ lo: ip(text), hi: ip(text) });

/** What a trunk's SIP packet is wherever it is looked at: UDP 5080 from the trunk, in on the WAN port. */
const fromTrunk = {
  protocol: 'udp',
  dstPorts: { lo: 5080, hi: 5080 },
  source: host('198.51.100.10'),
  inInterface: 'ether1',
  connectionState: 'new',
} as const;

/** In the forward chain: dst-nat already sent it to the PBX, out towards the LAN bridge. */
const sip: Packet = {
  ...fromTrunk,
  dstAddress: host('192.168.88.10'),
  dstLocal: false,
  outInterface: 'bridge',
  dstNatted: true,
};

/** In the dstnat chain: addressed to the router's WAN address, not yet translated, way out unknown. */
const arriving: Packet = { ...fromTrunk, dstAddress: host('203.0.113.5'), dstLocal: true, dstNatted: false };

const ctx: MatchContext = {
  listMembers: new Map([
    ['WAN', new Set(['ether1'])],
    ['LAN', new Set(['bridge'])],
  ]),
  addressLists: new Map([
    ['fspbx-trunks', [host('198.51.100.10')]],
    ['office', [{ lo: ip('198.51.100.0'), hi: ip('198.51.100.255') }]],
    ['half', [{ lo: ip('198.51.100.0'), hi: ip('198.51.100.127') }]],
    ['elsewhere', [host('192.0.2.1')]],
  ]),
};

const rule = (fields: Record<string, string>, id = '*1'): RosItem => ({ '.id': id, chain: 'forward', ...fields });
const match = (fields: Record<string, string>, p: Packet = sip, c: MatchContext = ctx) => matchItem(rule(fields), p, c);

describe('matchers, each alone', () => {
  it('connection-state: one of the listed states, negated with "!"', () => {
    expect(match({ 'connection-state': 'new' })).toBe('yes');
    expect(match({ 'connection-state': 'established,related,new' })).toBe('yes');
    expect(match({ 'connection-state': 'established,related' })).toBe('no');
    expect(match({ 'connection-state': 'invalid' })).toBe('no');
    expect(match({ 'connection-state': '!new' })).toBe('no');
    expect(match({ 'connection-state': '!invalid' })).toBe('yes');
  });

  it('connection-nat-state: dstnat is known for a forwarded packet, srcnat is not known before it leaves', () => {
    // defconf's "drop all from WAN not DSTNATed" rule: connection-nat-state=!dstnat.
    expect(match({ 'connection-nat-state': '!dstnat' })).toBe('no');
    expect(match({ 'connection-nat-state': '!dstnat' }, arriving)).toBe('yes');
    expect(match({ 'connection-nat-state': 'dstnat' })).toBe('yes');
    expect(match({ 'connection-nat-state': 'dstnat' }, arriving)).toBe('no');
    expect(match({ 'connection-nat-state': 'srcnat' })).toBe('maybe');
    expect(match({ 'connection-nat-state': '!srcnat' })).toBe('maybe');
    expect(match({ 'connection-nat-state': 'srcnat,dstnat' })).toBe('yes');
    expect(match({ 'connection-nat-state': 'srcnat,dstnat' }, arriving)).toBe('maybe');
  });

  it('protocol: by name or by number (6 is tcp, 17 udp), negated with "!"', () => {
    expect(match({ protocol: 'udp' })).toBe('yes');
    expect(match({ protocol: '17' })).toBe('yes');
    expect(match({ protocol: 'tcp' })).toBe('no');
    expect(match({ protocol: '6' })).toBe('no');
    expect(match({ protocol: '6' }, { ...sip, protocol: 'tcp' })).toBe('yes');
    expect(match({ protocol: 'icmp' })).toBe('no');
    expect(match({ protocol: '!udp' })).toBe('no');
    expect(match({ protocol: '!tcp' })).toBe('yes');
  });

  it('dst-port: single ports, ranges and lists; a forwarded range partly inside may match', () => {
    expect(match({ 'dst-port': '5080' })).toBe('yes');
    expect(match({ 'dst-port': '5060-5090' })).toBe('yes');
    expect(match({ 'dst-port': '80,443,5080' })).toBe('yes');
    expect(match({ 'dst-port': '5060' })).toBe('no');
    expect(match({ 'dst-port': '!5060' })).toBe('yes');
    expect(match({ 'dst-port': '!5080' })).toBe('no');
    const rtp: Packet = { ...sip, dstPorts: { lo: 16384, hi: 32768 } };
    expect(match({ 'dst-port': '10000-20000' }, rtp)).toBe('maybe');
    expect(match({ 'dst-port': '!10000-20000' }, rtp)).toBe('maybe');
    // A service name or anything else the model cannot read is "maybe", never "no".
    expect(match({ 'dst-port': 'sip' })).toBe('maybe');
    expect(match({ 'dst-port': '!sip' })).toBe('maybe');
  });

  it('dst-address and src-address: an address, a prefix or a range, negated with "!"', () => {
    expect(match({ 'dst-address': '192.168.88.10' })).toBe('yes');
    expect(match({ 'dst-address': '192.168.88.0/24' })).toBe('yes');
    expect(match({ 'dst-address': '10.0.0.0/8' })).toBe('no');
    expect(match({ 'dst-address': '!10.0.0.0/8' })).toBe('yes');
    expect(match({ 'src-address': '198.51.100.1-198.51.100.20' })).toBe('yes');
    expect(match({ 'src-address': '198.51.100.11-198.51.100.20' })).toBe('no');
    expect(match({ 'src-address': '!198.51.100.10' })).toBe('no');
    const wide: Packet = { ...sip, source: { lo: ip('198.51.100.0'), hi: ip('198.51.100.255') } };
    expect(match({ 'src-address': '198.51.100.0/25' }, wide)).toBe('maybe');
    // IPv6 or a typo: unreadable, so "maybe".
    expect(match({ 'dst-address': '2001:db8::1' })).toBe('maybe');
    expect(match({ 'src-address': 'wan-peer' })).toBe('maybe');
  });

  it('src-address-list: the entries of the list; a list the router does not have matches nothing', () => {
    expect(match({ 'src-address-list': 'fspbx-trunks' })).toBe('yes');
    expect(match({ 'src-address-list': 'office' })).toBe('yes');
    expect(match({ 'src-address-list': 'elsewhere' })).toBe('no');
    expect(match({ 'src-address-list': '!elsewhere' })).toBe('yes');
    expect(match({ 'src-address-list': '!office' })).toBe('no');
    const wide: Packet = { ...sip, source: { lo: ip('198.51.100.0'), hi: ip('198.51.100.255') } };
    expect(match({ 'src-address-list': 'half' }, wide)).toBe('maybe');
    expect(match({ 'src-address-list': 'no-such-list' })).toBe('no');
    expect(match({ 'src-address-list': '!no-such-list' })).toBe('yes');
  });

  it('in-interface and in-interface-list: the interface the packet came in on', () => {
    expect(match({ 'in-interface': 'ether1' })).toBe('yes');
    expect(match({ 'in-interface': 'ether2' })).toBe('no');
    expect(match({ 'in-interface': '!ether1' })).toBe('no');
    expect(match({ 'in-interface': '!ether2' })).toBe('yes');
    expect(match({ 'in-interface-list': 'WAN' })).toBe('yes');
    expect(match({ 'in-interface-list': 'LAN' })).toBe('no');
    expect(match({ 'in-interface-list': '!LAN' })).toBe('yes');
    expect(match({ 'in-interface-list': '!WAN' })).toBe('no');
    expect(match({ 'in-interface-list': 'NO-SUCH-LIST' })).toBe('no');
  });

  it('out-interface and out-interface-list: known in forward, not yet known in dstnat', () => {
    expect(match({ 'out-interface': 'bridge' })).toBe('yes');
    expect(match({ 'out-interface': 'ether1' })).toBe('no');
    expect(match({ 'out-interface': '!bridge' })).toBe('no');
    expect(match({ 'out-interface': '!ether1' })).toBe('yes');
    expect(match({ 'out-interface': 'bridge' }, arriving)).toBe('maybe');
    expect(match({ 'out-interface-list': 'LAN' })).toBe('yes');
    expect(match({ 'out-interface-list': 'WAN' })).toBe('no');
    expect(match({ 'out-interface-list': '!LAN' })).toBe('no');
    expect(match({ 'out-interface-list': '!WAN' })).toBe('yes');
    expect(match({ 'out-interface-list': 'NO-SUCH-LIST' })).toBe('no');
    expect(match({ 'out-interface-list': 'LAN' }, arriving)).toBe('maybe');
  });

  it("dst-address-type: local is one of the router's own addresses; unicast is every forwarded packet", () => {
    expect(match({ 'dst-address-type': 'local' })).toBe('no');
    expect(match({ 'dst-address-type': 'local' }, arriving)).toBe('yes');
    expect(match({ 'dst-address-type': '!local' })).toBe('yes');
    expect(match({ 'dst-address-type': '!local' }, arriving)).toBe('no');
    expect(match({ 'dst-address-type': 'unicast' })).toBe('yes');
    expect(match({ 'dst-address-type': '!unicast' })).toBe('no');
    expect(match({ 'dst-address-type': 'broadcast' })).toBe('maybe');
  });

  it('ipsec-policy: forwarded SIP and RTP never travel in an IPsec policy', () => {
    // defconf: "accept in ipsec policy" (ipsec-policy=in,ipsec) and the out one.
    expect(match({ 'ipsec-policy': 'in,ipsec' })).toBe('no');
    expect(match({ 'ipsec-policy': 'out,ipsec' })).toBe('no');
    expect(match({ 'ipsec-policy': 'in,none' })).toBe('yes');
    expect(match({ 'ipsec-policy': 'out,none' })).toBe('yes');
    expect(match({ 'ipsec-policy': '!in,ipsec' })).toBe('yes');
  });

  it('connection-mark, packet-mark, routing-mark: no-mark holds; a named mark may', () => {
    for (const field of ['connection-mark', 'packet-mark', 'routing-mark']) {
      expect(match({ [field]: 'no-mark' }), field).toBe('yes');
      expect(match({ [field]: '!no-mark' }), field).toBe('no');
      expect(match({ [field]: 'voip' }), field).toBe('maybe');
      expect(match({ [field]: '!voip' }), field).toBe('maybe');
    }
  });

  it('any matcher the model does not know is "maybe", negated or not', () => {
    for (const [field, value] of [
      ['src-port', '5060'],
      ['limit', '10,5:packet'],
      ['layer7-protocol', '!sip'],
      ['src-address-type', 'unicast'],
    ])
      expect(match({ [field!]: value! }), field).toBe('maybe');
  });

  it('a rule with no matchers matches everything; chain, action, comment and counters are not matchers', () => {
    expect(match({})).toBe('yes');
    expect(
      matchItem(
        { '.id': '*9', chain: 'forward', action: 'drop', comment: 'x', disabled: 'false', bytes: '0', packets: '0' },
        sip,
        ctx,
      ),
    ).toBe('yes');
  });
});

describe('the hotspot matcher', () => {
  const withHotspot = (names: string[]): MatchContext => ({ ...ctx, hotspotInterfaces: new Set(names) });

  it('local-dst: to the router itself, so never a forwarded packet', () => {
    expect(match({ hotspot: 'local-dst' }, sip, withHotspot(['bridge']))).toBe('no');
    expect(match({ hotspot: 'local-dst' }, arriving, withHotspot(['bridge']))).toBe('yes');
    expect(match({ hotspot: '!local-dst' }, sip, withHotspot(['bridge']))).toBe('yes');
    expect(match({ hotspot: 'local-dst' }, { ...arriving, dstLocal: false })).toBe('no');
  });

  it('from-client, auth and http may hold for a packet that came in on a HotSpot interface', () => {
    const fromGuest: Packet = { ...sip, inInterface: 'guest' };
    for (const value of ['from-client', 'auth', 'http', 'from-client,!auth'])
      expect(match({ hotspot: value }, fromGuest, withHotspot(['guest'])), value).toBe('maybe');
    // With no HotSpot on the router, nobody is a client.
    expect(match({ hotspot: 'from-client' }, fromGuest)).toBe('no');
  });

  it('to-client may hold when the out-interface is unknown yet, or a HotSpot one', () => {
    expect(match({ hotspot: 'to-client' }, arriving, withHotspot(['bridge']))).toBe('maybe');
    expect(match({ hotspot: 'to-client' }, sip, withHotspot(['bridge']))).toBe('maybe');
    expect(match({ hotspot: 'to-client' }, sip, withHotspot(['guest']))).toBe('no');
    expect(match({ hotspot: '!to-client' }, sip, withHotspot(['guest']))).toBe('yes');
  });

  it('a negated condition that may hold may also not hold: still "maybe"', () => {
    const fromGuest: Packet = { ...sip, inInterface: 'guest', outInterface: 'guest' };
    for (const value of ['!from-client', '!auth', '!http', '!to-client', '!something-new'])
      expect(match({ hotspot: value }, fromGuest, withHotspot(['guest'])), value).toBe('maybe');
    expect(match({ hotspot: '!to-client' }, arriving, withHotspot(['bridge']))).toBe('maybe');
  });

  it('every condition must hold: one "no" decides, an unknown condition is "maybe"', () => {
    expect(match({ hotspot: '!from-client,local-dst' }, sip, withHotspot(['guest']))).toBe('no');
    expect(match({ hotspot: '!from-client,!local-dst' }, sip, withHotspot(['guest']))).toBe('yes');
    expect(match({ hotspot: 'something-new' }, sip, withHotspot(['guest']))).toBe('maybe');
    expect(match({ hotspot: '!from-client,something-new' }, sip, withHotspot(['guest']))).toBe('maybe');
  });
});

describe('matchers together', () => {
  it('every matcher must hold: one "no" is "no", one "maybe" among "yes" is "maybe"', () => {
    expect(match({ protocol: 'udp', 'dst-port': '5080', 'in-interface-list': 'WAN' })).toBe('yes');
    expect(match({ protocol: 'udp', 'dst-port': '5060', 'in-interface-list': 'WAN' })).toBe('no');
    expect(match({ protocol: 'udp', 'src-port': '5060' })).toBe('maybe');
    expect(match({ 'src-port': '5060', protocol: 'tcp' })).toBe('no');
    expect(match({ 'src-port': '5060', 'connection-mark': 'voip' })).toBe('maybe');
  });
});

describe('walking a chain', () => {
  const drop = (fields: Record<string, string>, id: string): RosItem => rule({ action: 'drop', ...fields }, id);
  const accept = (fields: Record<string, string>, id: string): RosItem => rule({ action: 'accept', ...fields }, id);

  it('accepts what falls off the end of the forward chain, naming no rule', () => {
    expect(evaluateForward([], sip, ctx)).toEqual({ kind: 'accepted' });
    expect(evaluateForward([drop({ protocol: 'tcp' }, '*1')], sip, ctx)).toEqual({ kind: 'accepted' });
  });

  it('stops at the first rule that surely accepts', () => {
    const first = accept({ 'src-address-list': 'fspbx-trunks' }, '*1');
    expect(evaluateForward([first, drop({}, '*2')], sip, ctx)).toEqual({ kind: 'accepted', by: first });
  });

  it('takes a rule without an action as accept (the default action)', () => {
    const bare = rule({ protocol: 'udp' }, '*1');
    expect(evaluateForward([bare, drop({}, '*2')], sip, ctx)).toEqual({ kind: 'accepted', by: bare });
  });

  it('accepts through fasttrack-connection like accept', () => {
    const fast = rule({ action: 'fasttrack-connection' }, '*1');
    expect(evaluateForward([fast, drop({}, '*2')], sip, ctx)).toEqual({ kind: 'accepted', by: fast });
  });

  it('does not rely on an accept that only may match: a drop after it still blocks', () => {
    const d = drop({}, '*2');
    expect(evaluateForward([accept({ 'connection-mark': 'voip' }, '*1'), d], sip, ctx)).toEqual({
      kind: 'blocked',
      by: d,
      at: d,
      certain: true,
    });
  });

  it('blocks at drop, reject and tarpit; surely when the rule surely matches', () => {
    for (const action of ['drop', 'reject', 'tarpit']) {
      const r = rule({ action, protocol: 'udp' }, '*4');
      expect(evaluateForward([r], sip, ctx), action).toEqual({ kind: 'blocked', by: r, at: r, certain: true });
      const maybe = rule({ action, 'connection-mark': 'voip' }, '*5');
      expect(evaluateForward([maybe], sip, ctx), action).toEqual({
        kind: 'blocked',
        by: maybe,
        at: maybe,
        certain: false,
      });
    }
  });

  it('goes on past rules that do not end the walk: passthrough, log, address-list actions', () => {
    const d = drop({}, '*9');
    for (const action of ['passthrough', 'log', 'add-src-to-address-list', 'mark-connection'])
      expect(evaluateForward([rule({ action }, '*1'), d], sip, ctx), action).toMatchObject({ kind: 'blocked', by: d });
  });

  it('skips disabled rules and rules of other chains', () => {
    const items = [
      { ...drop({}, '*1'), disabled: 'true' },
      { ...drop({}, '*2'), disabled: 'yes' },
      { ...drop({}, '*3'), chain: 'input' },
    ];
    expect(evaluateForward(items, sip, ctx)).toEqual({ kind: 'accepted' });
    const on = { ...drop({}, '*4'), disabled: 'false' };
    expect(evaluateForward([...items, on], sip, ctx)).toMatchObject({ kind: 'blocked', by: on });
  });

  it('follows a jump: a drop in the jumped-to chain blocks at the jump, where an accept must go', () => {
    const jump = rule({ action: 'jump', 'jump-target': 'wan-in' }, '*1');
    const inner = { ...drop({}, '*2'), chain: 'wan-in' };
    expect(evaluateForward([jump, inner], sip, ctx)).toEqual({ kind: 'blocked', by: inner, at: jump, certain: true });
  });

  it('a jump that only may match only may drop, and its accepts are not relied on', () => {
    const jump = rule({ action: 'jump', 'jump-target': 'wan-in', 'connection-mark': 'voip' }, '*1');
    const innerDrop = { ...drop({}, '*2'), chain: 'wan-in' };
    expect(evaluateForward([jump, innerDrop], sip, ctx)).toEqual({
      kind: 'blocked',
      by: innerDrop,
      at: jump,
      certain: false,
    });
    const innerAccept = { ...accept({}, '*3'), chain: 'wan-in' };
    const after = drop({}, '*4');
    expect(evaluateForward([jump, innerAccept, after], sip, ctx)).toEqual({
      kind: 'blocked',
      by: after,
      at: after,
      certain: true,
    });
  });

  it('a jump that surely matches accepts with the accept in its chain', () => {
    const jump = rule({ action: 'jump', 'jump-target': 'wan-in' }, '*1');
    const innerAccept = { ...accept({ protocol: 'udp' }, '*2'), chain: 'wan-in' };
    expect(evaluateForward([jump, innerAccept, drop({}, '*3')], sip, ctx)).toEqual({
      kind: 'accepted',
      by: innerAccept,
    });
  });

  it('an uncertain drop behind a sure jump stays uncertain', () => {
    const jump = rule({ action: 'jump', 'jump-target': 'wan-in' }, '*1');
    const inner = { ...drop({ 'connection-mark': 'voip' }, '*2'), chain: 'wan-in' };
    expect(evaluateForward([jump, inner], sip, ctx)).toEqual({ kind: 'blocked', by: inner, at: jump, certain: false });
  });

  it('return goes back to the rule after the jump; a return that only may match is not relied on', () => {
    const jump = rule({ action: 'jump', 'jump-target': 'wan-in' }, '*1');
    const back = { ...rule({ action: 'return', protocol: 'udp' }, '*2'), chain: 'wan-in' };
    const innerDrop = { ...drop({}, '*3'), chain: 'wan-in' };
    expect(evaluateForward([jump, back, innerDrop], sip, ctx)).toEqual({ kind: 'accepted' });
    const maybeBack = { ...rule({ action: 'return', 'connection-mark': 'voip' }, '*2'), chain: 'wan-in' };
    expect(evaluateForward([jump, maybeBack, innerDrop], sip, ctx)).toMatchObject({ kind: 'blocked', by: innerDrop });
  });

  it('a chain walked to its end returns to the rule after the jump', () => {
    const jump = rule({ action: 'jump', 'jump-target': 'empty' }, '*1');
    const after = drop({}, '*2');
    expect(evaluateForward([jump, after], sip, ctx)).toEqual({ kind: 'blocked', by: after, at: after, certain: true });
  });

  // RouterOS's filter runs on Linux netfilter, where a RETURN matched in a built-in chain hands the
  // packet to the chain's policy as its end would (iptables(8), "RETURN"); RouterOS's is accept.
  it('a return in forward itself ends the walk as if the chain ended: the packet is accepted', () => {
    expect(evaluateChain([rule({ action: 'return' }, '*1'), drop({}, '*2')], 'forward', sip, ctx)).toEqual({
      kind: 'fell-through',
    });
  });

  it('ignores a jump without a target', () => {
    const after = drop({}, '*2');
    expect(evaluateForward([rule({ action: 'jump' }, '*1'), after], sip, ctx)).toMatchObject({ by: after });
  });

  it('follows jumps eight chains deep; a loop of jumps ends', () => {
    const chainOf = (depth: number): RosItem[] => [
      ...Array.from({ length: depth }, (_, i) =>
        rule({ chain: i === 0 ? 'forward' : `c${i}`, action: 'jump', 'jump-target': `c${i + 1}` }, `*${i + 1}`),
      ),
      { ...drop({}, '*D'), chain: `c${depth}` },
    ];
    expect(evaluateForward(chainOf(8), sip, ctx)).toMatchObject({ kind: 'blocked', by: { '.id': '*D' } });
    expect(evaluateForward(chainOf(9), sip, ctx)).toEqual({ kind: 'accepted' });
    const loop = rule({ chain: 'forward', action: 'jump', 'jump-target': 'forward' }, '*1');
    expect(evaluateForward([loop], sip, ctx)).toEqual({ kind: 'accepted' });
  });
});

describe('the first dstnat rule that takes the packet', () => {
  const nat = (fields: Record<string, string>, id: string): RosItem => ({
    '.id': id,
    chain: 'dstnat',
    action: 'dst-nat',
    ...fields,
  });

  it('is the first dstnat rule that surely or maybe matches, in table order', () => {
    const other = nat({ protocol: 'tcp' }, '*1');
    const maybe = nat({ 'src-port': '5060' }, '*2');
    const sure = nat({ 'dst-port': '5080' }, '*3');
    expect(firstNatCatch([other, maybe, sure], arriving, ctx)).toBe(maybe);
    expect(firstNatCatch([other, sure], arriving, ctx)).toBe(sure);
  });

  it('skips srcnat rules and disabled rules; none is undefined', () => {
    const masquerade: RosItem = { '.id': '*1', chain: 'srcnat', action: 'masquerade' };
    const off = { ...nat({}, '*2'), disabled: 'true' };
    expect(firstNatCatch([masquerade, off], arriving, ctx)).toBeUndefined();
    expect(firstNatCatch([], arriving, ctx)).toBeUndefined();
  });
});
