import { describe, expect, it } from 'vitest';
import { GATEWAY_COLUMNS, type GatewayRow, type RunningGateway } from '../../../electron/pbx/parse/gateways';
import type { DnsAnswer, DnsReading, PeersReading } from '../../../electron/pbx/read/peers';
import type { Registration } from '../../../electron/pbx/parse/registrations';
import { proposePeers, resolveTarget } from '../../../electron/site/proposals';
import { parseSipHost } from '../../../electron/pbx/parse/gateways';

const LAN = '192.168.88.0/24';
const gw = (id: string, patch: Partial<GatewayRow>): GatewayRow => ({
  ...(Object.fromEntries(GATEWAY_COLUMNS.map((c) => [c, null])) as GatewayRow),
  gateway_uuid: id,
  gateway: `GW ${id}`,
  username: 'acct',
  register: 'false',
  profile: 'external',
  enabled: 'true',
  ...patch,
});
const running = (name: string, state: RunningGateway['state']): RunningGateway => ({
  profile: 'external',
  name,
  data: 'sip:acct@x',
  state,
  pingMs: 0,
});
const a = (name: string, ...addresses: string[]): DnsAnswer => ({
  label: 'A',
  name,
  records: addresses.map((address) => ({ type: 'A', address, ttl: 3600 })),
  exitCode: 0,
});
const srv = (owner: string, target: string, port = 5060, priority = 10): DnsAnswer => ({
  label: 'SRV',
  name: owner,
  records: [{ type: 'SRV', priority, weight: 10, port, target }],
  exitCode: 0,
});
const dig = (...answers: DnsAnswer[]): DnsReading => ({ resolver: 'dig', answers, truncated: false });
const reading = (patch: Partial<PeersReading>): PeersReading => ({
  switchname: 'pbx',
  gateways: [],
  running: [],
  registrations: [],
  dns: dig(),
  ...patch,
});
const reg = (user: string, networkIp: string, agent = 'Yealink'): Registration => ({
  user,
  agent,
  contact: '',
  networkIp,
  networkPort: 5060,
});

describe('RFC 3263 address selection for a gateway host', () => {
  const t = (value: string, transport: 'udp' | 'tcp' | 'tls' = 'udp') => parseSipHost(value, 'proxy', transport);

  it('follows a NAPTR of the gateway transport to SRV and A', () => {
    const dns = dig(
      a('sip.carrier.example', '198.51.100.99'),
      {
        label: 'NAPTR',
        name: 'sip.carrier.example',
        records: [
          {
            type: 'NAPTR',
            order: 10,
            preference: 10,
            flags: 's',
            service: 'SIPS+D2T',
            replacement: '_sips._tcp.sip.carrier.example',
          },
          {
            type: 'NAPTR',
            order: 20,
            preference: 10,
            flags: 's',
            service: 'SIP+D2U',
            replacement: '_sip._udp.sip.carrier.example',
          },
        ],
        exitCode: 0,
      },
      srv('_sip._udp.sip.carrier.example', 'edge1.carrier.example'),
      srv('_sips._tcp.sip.carrier.example', 'tls.carrier.example', 5061),
      a('edge1.carrier.example', '198.51.100.10'),
      a('tls.carrier.example', '198.51.100.20'),
    );
    expect(resolveTarget(t('sip.carrier.example'), dns).found).toEqual([
      {
        address: '198.51.100.10',
        record: 'NAPTR',
        lookup:
          'NAPTR sip.carrier.example SIP+D2U → SRV _sip._udp.sip.carrier.example → edge1.carrier.example:5060 → A 198.51.100.10',
      },
    ]);
    expect(resolveTarget(t('sip.carrier.example', 'tls'), dns).found.map((f) => f.address)).toEqual(['198.51.100.20']);
  });

  it('uses SRV without NAPTR, A without SRV, and only A with an explicit port', () => {
    const dns = dig(
      a('x.example', '198.51.100.5'),
      srv('_sip._udp.x.example', 'y.example'),
      a('y.example', '198.51.100.6'),
    );
    expect(resolveTarget(t('x.example'), dns).found.map((f) => [f.record, f.address])).toEqual([
      ['SRV', '198.51.100.6'],
    ]);
    expect(resolveTarget(t('x.example:5070'), dns).found.map((f) => [f.record, f.address])).toEqual([
      ['A', '198.51.100.5'],
    ]);
    expect(resolveTarget(t('x.example', 'tcp'), dns).found.map((f) => [f.record, f.address])).toEqual([
      ['A', '198.51.100.5'],
    ]);
  });

  it('says why nothing was found', () => {
    expect(resolveTarget(t('gone.example'), dig(a('gone.example'))).problem).toMatch(/no NAPTR, SRV or A record/);
    expect(resolveTarget(t('never.example'), dig()).problem).toMatch(/was not resolved on the PBX/);
    expect(resolveTarget(t('$(reboot)'), dig()).problem).toMatch(/is not a host name/);
  });
});

describe('proposals for step 4', () => {
  it('proposes each gateway address once, marked with its source, selected when FreeSWITCH runs it', () => {
    const p = proposePeers(
      reading({
        gateways: [
          gw('g1', { gateway: 'Carrier DNS', proxy: 'sip.carrier.example' }),
          gw('g2', { gateway: 'Carrier IP', proxy: '198.51.100.10' }),
          gw('g3', { gateway: 'Old carrier', proxy: '203.0.113.99', enabled: 'false' }),
          gw('g4', { gateway: 'Stopped', proxy: '198.51.100.40' }),
        ],
        running: [running('g1', 'NOREG'), running('g2', 'NOREG')],
        dns: dig(a('sip.carrier.example', '198.51.100.10')),
      }),
      { lan: LAN },
    );
    expect(
      p.trunks.map((t) => [t.address, t.name, t.selected, t.sources.map((s) => [s.gateway, s.record, s.state])]),
    ).toEqual([
      [
        '198.51.100.10',
        'Carrier DNS',
        true,
        [
          ['Carrier DNS', 'A', 'NOREG'],
          ['Carrier IP', 'IP', 'NOREG'],
        ],
      ],
      ['198.51.100.40', 'Stopped', false, [['Stopped', 'IP', null]]],
    ]);
    expect(p.notProposed).toEqual([
      { what: 'Gateway "Old carrier"', why: 'FreeSWITCH does not load it: it is disabled in FS PBX.' },
    ]);
    expect(p.warnings.map((w) => w.code)).toEqual(['gateway-not-running']);
    expect(p.read).toEqual({ gateways: 4, runningGateways: 2, registrations: 0 });
  });

  it('warns when a name resolves to many addresses, or changes between two asks / has a short TTL', () => {
    const many = proposePeers(
      reading({
        gateways: [gw('g1', { proxy: 'pool.carrier.example' })],
        running: [running('g1', 'NOREG')],
        dns: dig(a('pool.carrier.example', '198.51.100.10', '198.51.100.11'), {
          label: 'A2',
          name: 'pool.carrier.example',
          records: [{ type: 'A', address: '198.51.100.12', ttl: 30 }],
          exitCode: 0,
        }),
      }),
    );
    expect(many.trunks.map((t) => t.address)).toEqual(['198.51.100.10', '198.51.100.11']);
    expect(many.warnings.map((w) => w.code)).toEqual(['trunk-many-addresses', 'trunk-changing-addresses']);
    expect(many.warnings[1]!.message).toMatch(/published signalling range/);
    // FreeSWITCH uses the name's A records, as the router would: the name itself is offered.
    expect(many.warnings[1]!.message).toContain(
      "or give the trunk as pool.carrier.example (the router keeps a name's addresses current).",
    );
  });

  it('offers no name for a gateway found through SRV: the router would look up its A records, not the SRV targets', () => {
    const viaSrv = proposePeers(
      reading({
        gateways: [gw('g1', { proxy: 'carrier.example' })],
        running: [running('g1', 'NOREG')],
        dns: dig(a('carrier.example'), srv('_sip._udp.carrier.example', 'edge.carrier.example'), {
          label: 'A',
          name: 'edge.carrier.example',
          records: [{ type: 'A', address: '198.51.100.10', ttl: 30 }],
          exitCode: 0,
        }),
      }),
    );
    const changing = viaSrv.warnings.find((w) => w.code === 'trunk-changing-addresses');
    expect(changing?.message).toMatch(/published signalling range and allow that instead\.$/);
  });

  it('warns when a registered gateway is outside the allowed list, not when it is inside or not registered', () => {
    const at = (state: RunningGateway['state'], allowed: string[]) =>
      proposePeers(reading({ gateways: [gw('g1', { proxy: '198.51.100.10' })], running: [running('g1', state)] }), {
        lan: LAN,
        allowed,
      }).warnings.map((w) => w.code);
    expect(at('REGED', ['192.0.2.20'])).toEqual(['trunk-outside-allowed']);
    expect(at('REGED', ['198.51.100.0/24'])).toEqual([]);
    expect(at('NOREG', ['192.0.2.20'])).toEqual([]);
  });

  it("counts a gateway as allowed when step 4 gives its host name and the PBX's resolver puts its address there", () => {
    const at = (allowed: string[]) =>
      proposePeers(
        reading({
          gateways: [gw('g1', { proxy: 'sip.carrier.example:5060' })],
          running: [running('g1', 'REGED')],
          dns: dig(a('sip.carrier.example', '198.51.100.10')),
        }),
        { lan: LAN, allowed },
      ).warnings.map((w) => w.code);
    expect(at(['sip.carrier.example'])).toEqual([]);
    expect(at(['SIP.Carrier.Example'])).toEqual([]);
    expect(at(['other.carrier.example'])).toEqual(['trunk-outside-allowed']);
    expect(at(['192.0.2.20'])).toEqual(['trunk-outside-allowed']);
  });

  it('does not propose a gateway inside the LAN, nor an unresolved one (with a warning)', () => {
    const p = proposePeers(
      reading({
        gateways: [gw('g1', { proxy: '192.168.88.5' }), gw('g2', { gateway: 'Gone', proxy: 'gone.example' })],
        running: [running('g1', 'NOREG'), running('g2', 'NOREG')],
        dns: dig(a('gone.example')),
      }),
      { lan: LAN },
    );
    expect(p.trunks).toEqual([]);
    expect(p.notProposed.map((n) => n.what)).toEqual(['192.168.88.5 (gateway "GW g1")', 'Gateway "Gone" proxy']);
    expect(p.warnings.map((w) => w.code)).toEqual(['trunk-unresolved']);
  });

  it('proposes phones registered from outside the LAN, unticked, one per address with every user', () => {
    const p = proposePeers(
      reading({
        registrations: [
          reg('1001@pbx.example.com', '192.0.2.20', 'Yealink SIP-T46S'),
          reg('1002@pbx.example.com', '192.0.2.20', 'Grandstream'),
          reg('1003@pbx.example.com', '192.168.88.77'),
          reg('1004@pbx.example.com', '10.8.0.6'),
        ],
      }),
      { lan: LAN },
    );
    expect(p.phones).toEqual([
      {
        id: 'phone:192.0.2.20',
        name: 'Phone 1001, 1002',
        address: '192.0.2.20',
        selected: false,
        sources: [
          { user: '1001@pbx.example.com', agent: 'Yealink SIP-T46S', port: 5060 },
          { user: '1002@pbx.example.com', agent: 'Grandstream', port: 5060 },
        ],
        why: expect.stringMatching(/Not allowed until you tick it/) as unknown as string,
      },
    ]);
    expect(p.notProposed.map((n) => n.what)).toEqual(['Registration 1004@pbx.example.com from 10.8.0.6']);
  });

  it('says what it could not see: getent (A only), a silent FreeSWITCH, a DNS out of time', () => {
    const p = proposePeers(
      reading({ running: null, registrations: null, dns: { resolver: 'getent', answers: [], truncated: true } }),
    );
    expect(p.resolver).toMatchObject({ tool: 'getent', records: ['A'] });
    expect(p.warnings.map((w) => w.code)).toEqual(['dns-a-only', 'dns-slow', 'freeswitch-silent']);
    expect(p.read).toEqual({ gateways: 0, runningGateways: null, registrations: null });
  });

  it('gives step 4 labels it accepts: printable, at most 64 characters, unique', () => {
    const p = proposePeers(
      reading({
        gateways: [
          gw('g1', { gateway: `Evil\u001b[2J${'x'.repeat(100)}`, proxy: '198.51.100.1' }),
          gw('g2', { gateway: `Evil\u001b[2J${'x'.repeat(100)}`, proxy: '198.51.100.2' }),
        ],
        running: [running('g1', 'NOREG'), running('g2', 'NOREG')],
      }),
    );
    const names = p.trunks.map((t) => t.name);
    expect(new Set(names).size).toBe(2);
    // eslint-disable-next-line no-control-regex
    for (const n of names) expect(n).toMatch(/^[^\u0000-\u001f]{1,64}$/);
  });
});
