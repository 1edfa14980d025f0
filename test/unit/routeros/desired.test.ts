/**
 * The router entries the wizard wants (desired.ts), from plain inputs and a plain topology: which
 * peers go in which list, which ports are forwarded from whom, how a forward and a hairpin
 * recognise their traffic, and the sentences the Review shows for each.
 */
import { describe, expect, it } from 'vitest';
import {
  desiredListEntries,
  forwardsFor,
  hairpinEntry,
  hairpinForwards,
  hairpinMatch,
  natEntry,
  peerSpans,
  wanMatch,
} from '../../../electron/routeros/desired';
import type { RouterPlanInputs } from '../../../electron/routeros/inputs';
import type { RouterAddress, Topology } from '../../../electron/routeros/topology';

const inputs = (over: Partial<RouterPlanInputs> = {}): RouterPlanInputs => ({
  pbxAddress: '192.168.88.10',
  trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
  phones: [{ name: 'Home office', address: '192.0.2.20' }],
  pbxRtp: { start: 16384, end: 32768 },
  ...over,
});

const address = (cidr: string, iface: string, dynamic = false): RouterAddress => {
  const [addr, prefix] = cidr.split('/');
  return { interface: iface, cidr, address: addr!, prefix: Number(prefix), dynamic };
};
const WAN = address('203.0.113.2/24', 'ether1');
const LAN = address('192.168.88.1/24', 'bridge');

const topology = (over: Partial<Topology> = {}): Topology => ({
  hasWanList: false,
  wanInterfaces: ['ether1'],
  wanAddresses: [WAN],
  wan: WAN,
  lanAddresses: [LAN],
  listMembers: new Map(),
  looksDefconf: false,
  defaultRouteInterfaces: ['ether1'],
  ...over,
});

describe('the peers’ address lists', () => {
  it('one entry per address and role, as RouterOS stores it, named and explained', () => {
    const entries = desiredListEntries(
      inputs({
        trunks: [
          { name: 'Carrier', address: '198.51.100.10/32' },
          { name: 'Carrier backup', address: '198.51.100.10' },
          { name: 'Typo', address: '198.51.100.300' },
        ],
        phones: [{ name: 'Home office', address: '192.0.2.20' }],
      }),
    );
    expect(entries.map((e) => [e.list, e.address, e.role, e.comment, e.fields])).toEqual([
      [
        'fspbx-trunks',
        '198.51.100.10',
        'trunks',
        'fspbx-nat: trunk Carrier',
        { list: 'fspbx-trunks', address: '198.51.100.10' },
      ],
      [
        'fspbx-phones',
        '192.0.2.20',
        'phones',
        'fspbx-nat: phone Home office',
        { list: 'fspbx-phones', address: '192.0.2.20' },
      ],
    ]);
    expect(entries[0]!.reason).toBe(
      'Lets trunk "Carrier" (198.51.100.10) reach the PBX; only addresses in fspbx-trunks are forwarded.',
    );
  });

  it('spans only the addresses that parse', () => {
    expect(
      peerSpans(
        inputs({
          phones: [
            { name: 'a', address: 'nonsense' },
            { name: 'b', address: '192.0.2.0/31' },
          ],
        }),
        'phones',
      ),
    ).toHaveLength(1);
  });
});

describe('peers given by name', () => {
  // The contract lower-cases and trims a name already; the planner does not rely on it.
  it('a name goes into the list as RouterOS keeps it, in lower case, once however it is spelt', () => {
    const entries = desiredListEntries(
      inputs({
        trunks: [
          { name: 'Carrier', address: ' SIP.Carrier.Example ' },
          { name: 'Carrier again', address: 'sip.carrier.example' },
        ],
        phones: [],
      }),
    );
    expect(entries.map((e) => [e.list, e.address])).toEqual([['fspbx-trunks', 'sip.carrier.example']]);
    expect(entries[0]?.reason).toContain('sip.carrier.example: the router looks the name up');
    const alone = desiredListEntries(inputs({ trunks: [{ name: 'Carrier', address: ' SIP.Carrier.Example ' }] }));
    expect(alone.map((e) => e.address)).toEqual(['sip.carrier.example', '192.0.2.20']);
    const spaced = desiredListEntries(inputs({ trunks: [{ name: 'Carrier', address: ' 198.51.100.10 ' }] }));
    expect(spaced.map((e) => e.address)).toEqual(['198.51.100.10', '192.0.2.20']);
  });

  it('is judged for any source a firewall rule could drop: the whole address space', () => {
    const spans = peerSpans(inputs({ trunks: [{ name: 'Carrier', address: ' SIP.Carrier.Example ' }] }), 'trunks');
    expect(spans).toEqual([{ lo: 0, hi: 0xffffffff }]);
    expect(peerSpans(inputs({ trunks: [{ name: 'Typo', address: '198.51.100.300' }] }), 'trunks')).toEqual([]);
  });
});

describe('the forwards', () => {
  it('SIP on the internal profile’s port from phones, the external one’s from trunks, then RTP, each said in words', () => {
    const forwards = forwardsFor(inputs({ sipPorts: { internal: 5070, external: 5090 } }));
    expect(forwards.map((f) => [f.key, f.role, f.protocol, f.ports, f.what])).toEqual([
      [
        'sip phones udp',
        'phones',
        'udp',
        { start: 5070, end: 5070 },
        'SIP UDP 5070 (internal profile) from the phones',
      ],
      [
        'sip phones tcp',
        'phones',
        'tcp',
        { start: 5070, end: 5070 },
        'SIP TCP 5070 (internal profile) from the phones',
      ],
      ['rtp phones udp', 'phones', 'udp', { start: 16384, end: 32768 }, 'RTP audio from the phones'],
      [
        'sip trunks udp',
        'trunks',
        'udp',
        { start: 5090, end: 5090 },
        'SIP UDP 5090 (external profile) from the trunks',
      ],
      [
        'sip trunks tcp',
        'trunks',
        'tcp',
        { start: 5090, end: 5090 },
        'SIP TCP 5090 (external profile) from the trunks',
      ],
      ['rtp trunks udp', 'trunks', 'udp', { start: 16384, end: 32768 }, 'RTP audio from the trunks'],
    ]);
  });

  it('TLS and WSS only for a role with peers, saying which PBX setting asked', () => {
    const forwards = forwardsFor(
      inputs({
        trunks: [],
        secureSip: [
          { kind: 'tls', role: 'phones', port: 5061, setting: 'internal profile: tls=true' },
          { kind: 'wss', role: 'phones', port: 7443, setting: 'internal profile: wss-binding=:7443' },
          { kind: 'tls', role: 'trunks', port: 5081, setting: 'external profile: tls=true' },
        ],
      }),
    ).filter((f) => f.why !== undefined);
    expect(forwards.map((f) => [f.key, f.protocol, f.ports.start, f.what, f.why])).toEqual([
      ['tls phones tcp', 'tcp', 5061, 'SIP over TLS on TCP 5061 from the phones', 'internal profile: tls=true'],
      [
        'wss phones tcp',
        'tcp',
        7443,
        'WebRTC SIP over secure WebSocket (WSS) on TCP 7443 from the phones',
        'internal profile: wss-binding=:7443',
      ],
    ]);
  });

  it('the web GUI only when asked and only from phones', () => {
    const web = (over: Partial<RouterPlanInputs>) => forwardsFor(inputs(over)).filter((f) => f.key.startsWith('web'));
    expect(web({ webGui: true }).map((f) => [f.key, f.role, f.ports.start, f.what])).toEqual([
      ['web phones tcp 443', 'phones', 443, "the PBX web GUI (TCP 443) from the phones' addresses"],
      ['web phones tcp 80', 'phones', 80, "the PBX web GUI (TCP 80) from the phones' addresses"],
    ]);
    expect(web({ webGui: true, phones: [] })).toEqual([]);
    expect(web({})).toEqual([]);
  });

  it('a forward’s NAT entry says where it goes and why, and what PBX setting asked for it when one did', () => {
    const [sip] = forwardsFor(inputs());
    const entry = natEntry(sip!, inputs(), { 'in-interface-list': 'WAN' });
    expect(entry.comment).toBe('fspbx-nat: forward sip phones udp');
    expect(entry.fields).toEqual({
      chain: 'dstnat',
      action: 'dst-nat',
      protocol: 'udp',
      'in-interface-list': 'WAN',
      'dst-port': '5060',
      'src-address-list': 'fspbx-phones',
      'to-addresses': '192.168.88.10',
      'to-ports': '5060',
    });
    expect(entry.reason).toBe(
      'Forwards SIP UDP 5060 (internal profile) from the phones to the PBX at 192.168.88.10, only from addresses in fspbx-phones.',
    );
    const tls = { ...sip!, why: 'internal profile: tls=true' };
    expect(natEntry(tls, inputs(), {}).reason).toMatch(
      /fspbx-phones\. The PBX asks for it: internal profile: tls=true\.$/,
    );
  });
});

describe('how a forward recognises traffic from outside', () => {
  it('by the WAN list when there is one, else a dynamic WAN’s interface, else the WAN address, else nothing', () => {
    expect(wanMatch(inputs(), topology({ hasWanList: true }))).toEqual({ 'in-interface-list': 'WAN' });
    const pppoe = address('100.64.0.9/10', 'pppoe-out1', true);
    expect(wanMatch(inputs(), topology({ wanAddresses: [pppoe], wan: pppoe }))).toEqual({
      'in-interface': 'pppoe-out1',
    });
    expect(wanMatch(inputs(), topology())).toEqual({ 'dst-address': '203.0.113.2' });
    expect(wanMatch(inputs(), topology({ wanAddresses: [], wan: undefined }))).toEqual({});
  });
});

describe('hairpin NAT', () => {
  it('on a fixed public address matches that address, exactly', () => {
    expect(hairpinMatch(WAN, LAN, topology())).toEqual({
      fields: { 'dst-address': '203.0.113.2' },
      exact: true,
      reason: 'the public address 203.0.113.2 is fixed on the router',
    });
  });

  it('on a dynamic one matches any router address but the LAN one: exact only when the router has no other', () => {
    const dynamic = address('100.64.0.9/10', 'pppoe-out1', true);
    const alone = hairpinMatch(dynamic, LAN, topology({ lanAddresses: [LAN, { ...LAN }] }));
    expect(alone.fields).toEqual({ 'dst-address-type': 'local', 'dst-address': '!192.168.88.1' });
    expect(alone.exact).toBe(true);
    expect(alone.reason).toMatch(/dynamic \(given by pppoe-out1's provider\)/);
    const guest = address('10.5.0.1/24', 'guest');
    expect(hairpinMatch(dynamic, LAN, topology({ lanAddresses: [LAN, guest] })).exact).toBe(false);
  });

  it('one forward per protocol and port range, from the LAN subnet to the WAN address by default, said in words', () => {
    const forwards = forwardsFor(inputs());
    const entries = hairpinForwards(forwards, inputs(), LAN, WAN);
    expect(entries.map((e) => e.comment)).toEqual([
      'fspbx-nat: hairpin udp 5060',
      'fspbx-nat: hairpin tcp 5060',
      'fspbx-nat: hairpin udp 16384-32768',
      'fspbx-nat: hairpin udp 5080',
      'fspbx-nat: hairpin tcp 5080',
    ]);
    expect(entries[0]!.fields).toEqual({
      chain: 'dstnat',
      action: 'dst-nat',
      protocol: 'udp',
      'src-address': '192.168.88.0/24',
      'dst-address': '203.0.113.2',
      'dst-port': '5060',
      'to-addresses': '192.168.88.10',
      'to-ports': '5060',
    });
    expect(entries[0]!.reason).toBe(
      'Hairpin NAT: LAN devices (192.168.88.0/24) that use the public address 203.0.113.2 reach the PBX on UDP 5060.',
    );
    const dynamic = hairpinForwards(forwards, inputs(), LAN, WAN, {
      'dst-address-type': 'local',
      'dst-address': '!192.168.88.1',
    });
    expect(dynamic[0]!.reason).toBe(
      "Hairpin NAT: LAN devices (192.168.88.0/24) that use the public address 203.0.113.2 reach the PBX on UDP 5060 (matched on the router's own addresses but its LAN one: the public address is dynamic).",
    );
  });

  it('masquerades LAN callers to the PBX so its replies come back through the router', () => {
    expect(hairpinEntry(inputs(), LAN)).toEqual({
      comment: 'fspbx-nat: hairpin masquerade',
      fields: {
        chain: 'srcnat',
        action: 'masquerade',
        'src-address': '192.168.88.0/24',
        'dst-address': '192.168.88.10',
      },
      reason:
        'Hairpin NAT: LAN devices that dial the public address reach the PBX, and its replies come back through the router.',
    });
  });
});
