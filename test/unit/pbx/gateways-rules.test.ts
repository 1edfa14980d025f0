/**
 * What FreeSWITCH makes of FS PBX's gateway rows and what it prints about them (parse/gateways.ts),
 * rule by rule from the sources the module cites: switch_true (switch_utils.h), parse_gateways
 * (sofia.c:3961-4048), sofia.conf.lua:122-182, `sofia status` (mod_sofia.c:3189-3235),
 * `sofia status gateway [name]` (mod_sofia.c:2938-3025). Plain rows and text in, plain data out.
 */
import { describe, expect, it } from 'vitest';
import {
  isDnsName,
  parseGatewayDetail,
  parseGatewayStatus,
  parseSipHost,
  planGateway,
  tlsProfilesOf,
  type GatewayRow,
} from '../../../electron/pbx/parse/gateways';

const UUID = 'AAAAAAAA-0000-4000-8000-000000000001';

const row = (over: Partial<GatewayRow> = {}): GatewayRow => ({
  gateway_uuid: UUID,
  gateway: 'Carrier',
  username: 'user',
  realm: null,
  proxy: 'sip.carrier.example',
  register_proxy: null,
  outbound_proxy: null,
  register: 'true',
  register_transport: 'udp',
  profile: 'external',
  hostname: null,
  enabled: 'true',
  has_password: 'true',
  ...over,
});

describe("a gateway's register flag, read as FreeSWITCH reads it (switch_utils.h:518-528)", () => {
  const registers = (register: string | null) => planGateway(row({ register }), 'pbx').register;

  it('an empty or absent flag registers (FS PBX writes no param then; sofia.c defaults to register)', () => {
    for (const v of [null, '', '  ']) expect(registers(v), JSON.stringify(v)).toBe(true);
  });

  it('the seven words in any case, and a number whose atoi is not 0; nothing trimmed', () => {
    for (const v of ['true', 'YES', 't', 'Enabled', 'active', 'allow', '1', '-1', '+2', '1.5']) {
      expect(registers(v), v).toBe(true);
    }
    for (const v of [' on ', 'false', 'no', '0', '-0', '00', '0.5', '1x', 'x1', 'truely']) {
      expect(registers(v), v).toBe(false);
    }
  });
});

describe('DNS names', () => {
  it('letters, digits, hyphens inside, underscores for SRV owners, a trailing dot, at least one letter', () => {
    for (const name of [
      'sip.carrier.example',
      'sip.carrier.example.',
      '_sip._udp.carrier.example',
      'a-b.c',
      'x',
      'a1',
    ]) {
      expect(isDnsName(name)).toBe(true);
    }
    for (const name of ['', '192.0.2.1', '123.456', '-a.example', 'a-.example', 'a..b', 'exa mple.com', 'a;b', '.']) {
      expect(isDnsName(name)).toBe(false);
    }
  });

  it('labels up to 63 characters and names up to 253', () => {
    expect(isDnsName(`${'a'.repeat(63)}.example`)).toBe(true);
    expect(isDnsName(`${'a'.repeat(64)}.example`)).toBe(false);
    const label = 'a'.repeat(61);
    const long = [label, label, label, label].join('.'); // 247
    expect(isDnsName(`${long}.abcde`)).toBe(true); // 253
    expect(isDnsName(`${long}.abcdef`)).toBe(false); // 254
  });
});

describe('a SIP host as FS PBX stores it', () => {
  it('scheme, host in lower case, port and transport parameter', () => {
    expect(parseSipHost('sip:SIP.Carrier.Example:5080;transport=TCP', 'proxy', 'udp')).toEqual({
      role: 'proxy',
      configured: 'sip:SIP.Carrier.Example:5080;transport=TCP',
      host: 'sip.carrier.example',
      port: 5080,
      transport: 'tcp',
      valid: true,
      isIp: false,
    });
  });

  it('sips means TLS; a transport parameter wins; an unknown one leaves the transport as it was', () => {
    expect(parseSipHost('sips:carrier.example', 'proxy', 'udp').transport).toBe('tls');
    expect(parseSipHost('SIPS:carrier.example', 'proxy', 'udp').transport).toBe('tls');
    expect(parseSipHost('sip:carrier.example;transport=udp', 'proxy', 'tcp').transport).toBe('udp');
    expect(parseSipHost('carrier.example;transport=tls', 'proxy', 'udp').transport).toBe('tls');
    expect(parseSipHost('carrier.example;transport=sctp', 'proxy', 'tcp').transport).toBe('tcp');
    expect(parseSipHost('carrier.example;lr;transport=tcp', 'proxy', 'udp').transport).toBe('tcp');
  });

  it('cuts parameters and headers, a user part, and only a real port', () => {
    expect(parseSipHost(' 198.51.100.10:5060?x=y ', 'register-proxy', 'udp')).toMatchObject({
      host: '198.51.100.10',
      port: 5060,
      isIp: true,
      valid: true,
      configured: ' 198.51.100.10:5060?x=y ',
    });
    expect(parseSipHost('sip:user@a@carrier.example', 'proxy', 'udp').host).toBe('carrier.example');
    expect(parseSipHost('carrier.example:1', 'proxy', 'udp').port).toBe(1);
    expect(parseSipHost('carrier.example:65535', 'proxy', 'udp').port).toBe(65535);
    for (const bad of ['carrier.example:0', 'carrier.example:65536']) {
      expect(parseSipHost(bad, 'proxy', 'udp')).toMatchObject({ port: null, valid: false });
    }
    // An IPv6-looking value keeps its colons: no port is read from it, and it is no host to resolve.
    expect(parseSipHost('2001:db8::1:5060', 'proxy', 'udp')).toMatchObject({ port: null, valid: false });
    expect(parseSipHost(';transport=tcp', 'proxy', 'udp')).toMatchObject({ host: '', valid: false, transport: 'tcp' });
  });
});

describe('a gateway row as FreeSWITCH loads it', () => {
  it('named by its lower-case uuid, sent to its proxy, registering by default', () => {
    const plan = planGateway(row({ register: null }), 'pbx');
    expect(plan).toEqual({
      id: UUID.toLowerCase(),
      name: 'Carrier',
      profile: 'external',
      register: true,
      loaded: true,
      targets: [expect.objectContaining({ role: 'proxy', host: 'sip.carrier.example', transport: 'udp' })],
    });
  });

  it('falls back to the realm, then to the uuid, and says so when neither is set', () => {
    expect(planGateway(row({ proxy: ' ', realm: 'realm.example' }), 'pbx').targets[0]!.host).toBe('realm.example');
    const bare = planGateway(row({ proxy: null, realm: '' }), 'pbx');
    expect(bare.targets[0]!.host).toBe(UUID.toLowerCase());
    expect(bare).toMatchObject({
      loaded: false,
      whyNot: 'it has neither proxy nor realm (FreeSWITCH would use its UUID as the host)',
    });
  });

  it('lists register and outbound proxies after the proxy, each with the row’s transport written as tcp or tls only', () => {
    const plan = planGateway(
      row({
        register_proxy: 'reg.carrier.example',
        outbound_proxy: 'out.carrier.example',
        register_transport: ' tls ',
      }),
      'pbx',
      ['external'],
    );
    expect(plan.targets.map((t) => [t.role, t.host, t.transport])).toEqual([
      ['proxy', 'sip.carrier.example', 'tls'],
      ['register-proxy', 'reg.carrier.example', 'tls'],
      ['outbound-proxy', 'out.carrier.example', 'tls'],
    ]);
    expect(planGateway(row({ register_transport: 'TCP' }), 'pbx').targets[0]!.transport).toBe('udp');
    expect(planGateway(row({ register_transport: null }), 'pbx').targets[0]!.transport).toBe('udp');
  });

  it('names the gateway by its uuid when FS PBX has no name for it, trimmed otherwise', () => {
    expect(planGateway(row({ gateway: ' ' }), 'pbx').name).toBe(UUID.toLowerCase());
    expect(planGateway(row({ gateway: ' Carrier A ' }), 'pbx').name).toBe('Carrier A');
  });

  it('is not loaded when disabled, on another node, or without a profile, each said', () => {
    expect(planGateway(row({ enabled: 'false' }), 'pbx').whyNot).toBe('it is disabled in FS PBX');
    expect(planGateway(row({ enabled: 'TRUE' }), 'pbx').whyNot).toBe('it is disabled in FS PBX');
    expect(planGateway(row({ hostname: 'node2' }), 'pbx').whyNot).toBe('it belongs to another FreeSWITCH node (node2)');
    expect(planGateway(row({ hostname: 'pbx' }), 'pbx').loaded).toBe(true);
    expect(planGateway(row({ hostname: '' }), 'pbx').loaded).toBe(true);
    expect(planGateway(row({ profile: ' ' }), 'pbx').whyNot).toBe('it has no SIP profile');
  });

  it('registering needs a username and a password; not registering needs neither', () => {
    expect(planGateway(row({ username: '' }), 'pbx').whyNot).toBe(
      'it registers but has no username, so FreeSWITCH skips it',
    );
    expect(planGateway(row({ has_password: 'false' }), 'pbx').whyNot).toBe(
      'it registers but has no password, so FreeSWITCH skips it',
    );
    const noReg = planGateway(row({ register: 'false', username: '', has_password: 'false' }), 'pbx');
    expect(noReg).toMatchObject({ register: false, loaded: true });
    expect('whyNot' in noReg).toBe(false);
    // The first reason is the one said.
    expect(planGateway(row({ enabled: 'false', username: '' }), 'pbx').whyNot).toBe('it is disabled in FS PBX');
  });

  it('over TLS only on a profile running with TLS, when that is known', () => {
    const tls = row({ register_transport: 'tls', profile: ' external ' });
    expect(planGateway(tls, 'pbx', ['external']).loaded).toBe(true);
    expect(planGateway(tls, 'pbx', ['internal']).whyNot).toBe(
      'it registers over TLS but its profile external runs without TLS, so FreeSWITCH skips it',
    );
    expect(planGateway(tls, 'pbx', null).loaded).toBe(true);
    expect(planGateway(tls, 'pbx').profile).toBe('external');
    expect(planGateway(row({ register_transport: 'tcp' }), 'pbx', []).loaded).toBe(true);
    expect(planGateway(row({ register_transport: 'tls', register: 'false', username: '' }), 'pbx', []).whyNot).toMatch(
      /over TLS/,
    );
  });
});

describe('what FreeSWITCH prints', () => {
  it('sofia status: the profiles whose second row says (TLS), each once', () => {
    const text = [
      '                     Name\t   Type\t                                      Data\t      State',
      '=================================================================================================',
      '                 internal\tprofile\t           sip:mod_sofia@192.168.88.10:5060\tRUNNING (0)',
      '                 internal\tprofile\t          sips:mod_sofia@192.168.88.10:5061\tRUNNING (0) (TLS)',
      '                 internal\tprofile\t          sips:mod_sofia@192.168.88.10:5061\tRUNNING (0) (TLS)',
      '                 external\tprofile\t           sip:mod_sofia@192.168.88.10:5080\tRUNNING (0)',
      '            192.168.88.10\t  alias\t                                  internal\tALIASED (TLS)',
      '                   broken\tprofile\t(TLS)',
      '                     odd\tprofile\t                                         x\t(TLS) RUNNING',
      '=================================================================================================',
    ].join('\r\n');
    expect(tlsProfilesOf(text)).toEqual(['internal']);
  });

  it('sofia status gateway: profile, lower-case name, register_to, state and ping per row, nothing else', () => {
    const text = [
      '                   Profile::Gateway-Name\t                          Data\t    State\tIB Calls(F/T)\tOB Calls(F/T)',
      '=================================================================================================',
      `         external::${UUID}\t sip:user@sip.carrier.example\t    REGED\t  12.50\t0/0\t0/0`,
      `         external::other\t sip:FreeSWITCH@x.example\t    NOREG (retry: NEVER)\t0.00\t0/0\t0/0`,
      `         external::down\t sip:u@y.example\t    DOWN\tx\t0/0\t0/0`,
      'external::short\tsip:u@z\tREGED',
      'no-separator\tsip:u@z\tREGED\t1.0',
      'a::b\tsip:u@z\tREGED',
      '=================================================================================================',
      '3 gateways: 1 REGED',
    ].join('\n');
    expect(parseGatewayStatus(text)).toEqual([
      {
        profile: 'external',
        name: UUID.toLowerCase(),
        data: 'sip:user@sip.carrier.example',
        state: 'REGED',
        pingMs: 12.5,
      },
      { profile: 'external', name: 'down', data: 'sip:u@y.example', state: 'DOWN', pingMs: 0 },
    ]);
  });

  it('sofia status gateway <name>: the labelled rows, the Contact’s host without brackets', () => {
    const detail = (contact: string, extra: string[] = []) =>
      [
        '=================================================================================================',
        `Name    \t${UUID}`,
        'Profile \texternal',
        'Proxy   \tsip:198.51.100.10',
        `Contact \t${contact}`,
        'State   \tREGED',
        '\tignored',
        ...extra,
        '=================================================================================================',
      ].join('\r\n');
    expect(parseGatewayDetail(detail('<sip:gw+x@203.0.113.2:5080;transport=udp;gw=x>'))).toEqual({
      name: UUID,
      profile: 'external',
      contact: '<sip:gw+x@203.0.113.2:5080;transport=udp;gw=x>',
      contactHost: '203.0.113.2',
      proxy: 'sip:198.51.100.10',
      state: 'REGED',
    });
    expect(parseGatewayDetail(detail('SIPS:PBX.Example;transport=tls'))?.contactHost).toBe('pbx.example');
    expect(parseGatewayDetail(detail('<sip:[2001:DB8::2]:5080>'))?.contactHost).toBe('2001:db8::2');
    expect(parseGatewayDetail(detail('sip:host-only'))?.contactHost).toBe('host-only');
    expect(parseGatewayDetail(detail('<tel:+15551234>'))?.contactHost).toBe('');
    expect(parseGatewayDetail(detail('x<sip:gw@h>'))?.contactHost).toBe('');
    const bare = parseGatewayDetail(`Name\tgw\nContact\t<sip:gw@h>`);
    expect(bare).toEqual({ name: 'gw', profile: '', contact: '<sip:gw@h>', contactHost: 'h', proxy: '', state: '' });
    expect(parseGatewayDetail('Name\tgw\n')).toBeUndefined();
    expect(parseGatewayDetail('Contact\t<sip:gw@h>\n')).toBeUndefined();
  });
});
