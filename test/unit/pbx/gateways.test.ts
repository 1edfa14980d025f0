import { describe, expect, it } from 'vitest';
import {
  GATEWAY_COLUMN_SQL,
  GATEWAY_COLUMNS,
  parseGatewayStatus,
  parseSipHost,
  planGateway,
  tlsProfilesOf,
  type GatewayRow,
} from '../../../electron/pbx/parse/gateways';

const row = (patch: Partial<GatewayRow>): GatewayRow => ({
  ...(Object.fromEntries(GATEWAY_COLUMNS.map((c) => [c, null])) as GatewayRow),
  gateway_uuid: 'A1B2C3D4-0000-4000-8000-000000000001',
  gateway: 'Carrier',
  username: 'acct',
  register: 'false',
  profile: 'external',
  enabled: 'true',
  ...patch,
});

describe('v_gateways rows → signalling hosts (sofia.c parse_gateways)', () => {
  it('uses the proxy, named by lower-case UUID', () => {
    const plan = planGateway(row({ proxy: 'sip.carrier.example', realm: 'other.example' }), 'pbx');
    expect(plan.id).toBe('a1b2c3d4-0000-4000-8000-000000000001');
    expect(plan.loaded).toBe(true);
    expect(plan.targets).toEqual([
      expect.objectContaining({
        role: 'proxy',
        host: 'sip.carrier.example',
        port: null,
        transport: 'udp',
        valid: true,
      }),
    ]);
  });

  it('falls back to the realm when proxy is empty (sofia.c:4023-4025)', () => {
    const plan = planGateway(row({ proxy: '', realm: 'Realm.Carrier.example:5070' }), 'pbx');
    expect(plan.targets[0]).toMatchObject({ host: 'realm.carrier.example', port: 5070, isIp: false });
  });

  it('adds register-proxy and outbound-proxy, with scheme, port and transport parsed', () => {
    const plan = planGateway(
      row({
        proxy: '198.51.100.10',
        register_proxy: 'sip:reg.carrier.example;transport=tcp',
        outbound_proxy: 'sips:out.carrier.example:5061',
        register_transport: 'udp',
      }),
      'pbx',
    );
    expect(plan.targets.map((t) => [t.role, t.host, t.port, t.transport, t.isIp])).toEqual([
      ['proxy', '198.51.100.10', null, 'udp', true],
      ['register-proxy', 'reg.carrier.example', null, 'tcp', false],
      ['outbound-proxy', 'out.carrier.example', 5061, 'tls', false],
    ]);
  });

  it('takes register_transport tcp/tls as written, anything else as udp (sofia.conf.lua:171-182)', () => {
    expect(planGateway(row({ proxy: 'a.example', register_transport: 'tls' }), 'pbx').targets[0]!.transport).toBe(
      'tls',
    );
    expect(planGateway(row({ proxy: 'a.example', register_transport: 'TCP' }), 'pbx').targets[0]!.transport).toBe(
      'udp',
    );
  });

  it('is not loaded when disabled, on another node, or registering without a username', () => {
    expect(planGateway(row({ proxy: 'a.example', enabled: 'True' }), 'pbx')).toMatchObject({ loaded: false });
    expect(planGateway(row({ proxy: 'a.example', hostname: 'pbx2' }), 'pbx').whyNot).toMatch(/another FreeSWITCH node/);
    expect(planGateway(row({ proxy: 'a.example', hostname: 'pbx' }), 'pbx').loaded).toBe(true);
    expect(planGateway(row({ proxy: 'a.example', hostname: '' }), 'pbx').loaded).toBe(true);
    expect(planGateway(row({ proxy: 'a.example', register: 'true', username: '' }), 'pbx').whyNot).toMatch(/username/);
    expect(planGateway(row({ proxy: null, realm: null }), 'pbx').whyNot).toMatch(/neither proxy nor realm/);
  });

  it('marks hostile text as not a host', () => {
    const t = parseSipHost("x'; touch /tmp/pwned; '", 'proxy', 'udp');
    expect(t.valid).toBe(false);
    const hostile = planGateway(row({ proxy: '$(touch /tmp/pwned)', realm: '-f/etc/shadow' }), 'pbx');
    expect(hostile.targets.map((t) => t.valid)).toEqual(hostile.targets.map(() => false));
    expect(hostile.targets.length).toBeGreaterThan(0);
  });
});

describe('sofia status gateway (mod_sofia.c:2938-2986)', () => {
  const line = '='.repeat(97);
  const text = [
    `${'Profile::Gateway-Name'.padStart(25)}\t${'    Data    '.padStart(32)}\tState\tPing Time\tIB Calls(F/T)\tOB Calls(F/T)`,
    line,
    `external::a1b2c3d4-0000-4000-8000-000000000001\t${'sip:acct@sip.carrier.example'.padStart(32)}\tREGED\t  12.50\t0/3\t1/7`,
    `external::ffffffff-0000-4000-8000-000000000002\t${'sip:FreeSWITCH@198.51.100.10'.padStart(32)}\tTRYING\t   0.00\t0/0\t0/0 (retry: NEVER)`,
    `external::eeeeeeee-0000-4000-8000-000000000003\t${'sip:x@y'.padStart(32)}\tFAIL_WAIT\t   0.00\t0/0\t0/0 (retry: 25s)`,
    line,
    '3 gateways: Inbound(Failed/Total): 0/3,Outbound(Failed/Total):1/7',
    '',
  ].join('\n');

  it('reads profile, name, register_to and state per row', () => {
    expect(parseGatewayStatus(text)).toEqual([
      {
        profile: 'external',
        name: 'a1b2c3d4-0000-4000-8000-000000000001',
        data: 'sip:acct@sip.carrier.example',
        state: 'REGED',
        pingMs: 12.5,
      },
      {
        profile: 'external',
        name: 'ffffffff-0000-4000-8000-000000000002',
        data: 'sip:FreeSWITCH@198.51.100.10',
        state: 'TRYING',
        pingMs: 0,
      },
      {
        profile: 'external',
        name: 'eeeeeeee-0000-4000-8000-000000000003',
        data: 'sip:x@y',
        state: 'FAIL_WAIT',
        pingMs: 0,
      },
    ]);
  });

  it('reads nothing from an empty list or an error', () => {
    expect(parseGatewayStatus(text.split('\n').slice(0, 2).join('\n'))).toEqual([]);
    expect(parseGatewayStatus('-ERR no reply\n')).toEqual([]);
  });
});

describe('gateways FreeSWITCH skips although FS PBX lists them', () => {
  it('register=true with an empty password (sofia.c:4000-4003), judged from has_password only', () => {
    const noPassword = planGateway(row({ register: 'true', proxy: '198.51.100.10', has_password: 'false' }), 'pbx');
    expect(noPassword).toMatchObject({ loaded: false, whyNot: expect.stringMatching(/no password/) });
    expect(planGateway(row({ register: 'true', proxy: '198.51.100.10', has_password: 'true' }), 'pbx').loaded).toBe(
      true,
    );
    // register=false needs no password (sofia.c:4013-4016).
    expect(planGateway(row({ proxy: '198.51.100.10', has_password: 'false' }), 'pbx').loaded).toBe(true);
    expect(GATEWAY_COLUMNS).not.toContain('password');
    expect(GATEWAY_COLUMN_SQL.has_password).toBe("coalesce(password <> '', false)::text");
  });

  it('a TLS gateway on a profile running without TLS (sofia.c:3961-3966)', () => {
    const tls = row({ proxy: '198.51.100.10', register_transport: 'tls' });
    expect(planGateway(tls, 'pbx', ['internal'])).toMatchObject({
      loaded: false,
      whyNot: expect.stringMatching(/TLS/),
    });
    expect(planGateway(tls, 'pbx', ['external']).loaded).toBe(true);
    expect(planGateway(tls, 'pbx', null).loaded).toBe(true);
  });

  it('reads the profiles running with TLS from sofia status (mod_sofia.c:3206-3208)', () => {
    const status = [
      '                     Name\t   Type\t                                      Data\tState',
      '='.repeat(97),
      '                 internal\tprofile\t  sip:mod_sofia@192.168.88.10:5060\tRUNNING (0)',
      '                 internal\tprofile\t  sip:mod_sofia@192.168.88.10:5061\tRUNNING (0) (TLS)',
      '                 external\tprofile\t  sip:mod_sofia@192.168.88.10:5080\tRUNNING (0)',
      '='.repeat(97),
      '2 profiles 0 aliases',
    ].join('\n');
    expect(tlsProfilesOf(status)).toEqual(['internal']);
  });
});
