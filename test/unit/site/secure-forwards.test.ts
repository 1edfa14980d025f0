/**
 * TLS/WSS in verify: the PBX's listeners become router forwards for the right
 * role, verify reads back the ones a plan did not add, tells a listener that
 * waits for a profile restart, and turns TLS handshakes into checks. Plain
 * data; the probe itself is exercised on a real TLS socket in test/unit/probe/tls.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { PbxState } from '../../../electron/pbx/model/state';
import type { TlsReport } from '../../../electron/probe/tls';
import type { RosItem, RouterState } from '../../../electron/routeros/state';
import type { SitePlan } from '../../../electron/site/combine';
import {
  forwardedSecure,
  secureListenerChecks,
  secureProbes,
  secureRouterChecks,
  secureSipForwards,
} from '../../../electron/site/secure-forwards';
import { runTraffic, tlsProbeChecks, type TrafficIo } from '../../../electron/site/traffic';

function pbx(settings: [string, string, string][], running: PbxState['running'] = null): PbxState {
  return {
    hostname: 'pbx',
    switchname: 'pbx',
    profiles: ['internal', 'external'].map((name) => ({
      sip_profile_uuid: `p-${name}`,
      sip_profile_name: name,
      sip_profile_hostname: null,
      sip_profile_enabled: 'true',
    })),
    settings: settings.map(([profile, name, value], i) => ({
      sip_profile_setting_uuid: `s-${i}`,
      sip_profile_uuid: `p-${profile}`,
      sip_profile_setting_name: name,
      sip_profile_setting_value: value,
      sip_profile_setting_enabled: 'true',
    })),
    vars: [],
    extensions: [],
    domains: [],
    cache: { method: 'file', location: '/var/cache/fusionpbx' },
    rtp: { start: 16384, end: 32768, source: 'default' },
    varsXml: null,
    firewall: null,
    running,
  };
}

const ALL_ON = pbx([
  ['internal', 'tls', 'true'],
  ['internal', 'tls-sip-port', '5061'],
  ['internal', 'wss-binding', ':7443'],
  ['internal', 'ws-binding', ':5066'],
  ['external', 'tls', 'true'],
  ['external', 'tls-sip-port', '5081'],
]);

const nat = (comment: string, port: string, extra: Partial<RosItem> = {}): RosItem => ({
  '.id': `*${port}`,
  chain: 'dstnat',
  action: 'dst-nat',
  protocol: 'tcp',
  'dst-port': port,
  'to-addresses': '192.168.88.10',
  'to-ports': port,
  comment,
  disabled: 'false',
  ...extra,
});

const router = (items: RosItem[]): RouterState => ({ nat: items }) as unknown as RouterState;

describe('secure forwards from the PBX', () => {
  it('internal TLS and WSS for the phones, external TLS for the trunks, never plain WS', () => {
    expect(secureSipForwards(ALL_ON).map((f) => `${f.kind} ${f.role} ${f.port}`)).toEqual([
      'tls phones 5061',
      'wss phones 7443',
      'tls trunks 5081',
    ]);
    expect(secureProbes(secureSipForwards(ALL_ON)).map((p) => p.what)).toEqual([
      'SIP over TLS (internal profile: phones)',
      'WebRTC (WSS) (internal profile: phones)',
      'SIP over TLS (external profile: trunks)',
    ]);
    expect(secureSipForwards(pbx([['internal', 'tls', 'false']]))).toEqual([]);
  });

  it('read-back: planned ones are left to the plan read-back; earlier ones pass, changed ones fail, unplanned ones warn', () => {
    const forwards = secureSipForwards(ALL_ON);
    const plan = {
      router: { changes: [{ id: 'r-9', after: { comment: 'fspbx-nat: forward tls phones tcp' } }] },
    } as unknown as SitePlan;
    const checks = secureRouterChecks(
      forwards,
      plan,
      router([
        nat('fspbx-nat: forward wss phones tcp', '7443'),
        nat('fspbx-nat: forward tls trunks tcp', '5081', { disabled: 'true' }),
      ]),
      '192.168.88.10',
    );
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['secure-forward-wss-phones', 'pass'],
      ['secure-forward-tls-trunks', 'fail'],
    ]);
    expect(checks[0]!.summary).toMatch(/wss-binding=:7443/);
    const none = secureRouterChecks(forwards, undefined, router([]), '192.168.88.10');
    expect(none.map((c) => c.status)).toEqual(['warn', 'warn', 'warn']);
    expect(none[0]!.fix).toMatch(/Plan again/);
    // A forward that goes elsewhere is not the one the PBX needs.
    const moved = secureRouterChecks(
      forwards.slice(1, 2),
      undefined,
      router([nat('fspbx-nat: forward wss phones tcp', '7443', { 'to-addresses': '192.168.88.99' })]),
      '192.168.88.10',
    );
    expect(moved.map((c) => c.status)).toEqual(['fail']);
  });

  it('only forwarded ones are probed: planned now, or the rule from an earlier run', () => {
    const forwards = secureSipForwards(ALL_ON);
    const plan = {
      router: { changes: [{ id: 'r-1', action: 'add', after: { comment: 'fspbx-nat: forward tls phones tcp' } }] },
    } as unknown as SitePlan;
    const picked = forwardedSecure(forwards, plan, router([nat('fspbx-nat: forward tls trunks tcp', '5081')]));
    expect(picked.map((f) => `${f.kind} ${f.role}`)).toEqual(['tls phones', 'tls trunks']);
  });

  it('PBX: running where set passes; set but not restarted warns with the restart; unknown says nothing', () => {
    const running = (info: Record<string, string>) => [{ name: 'internal', info }];
    const forwards = secureSipForwards(ALL_ON).filter((f) => f.role === 'phones');
    const on = {
      ...ALL_ON,
      running: running({
        'tls-url': 'sip:mod_sofia@10.0.0.5:5061;transport=tls',
        'wss-bind-url': 'sips:mod_sofia@10.0.0.5:7443;transport=wss',
      }),
    };
    expect(secureListenerChecks(on, forwards).map((c) => c.status)).toEqual(['pass', 'pass']);
    const pending = { ...ALL_ON, running: running({ 'wss-bind-url': 'sips:mod_sofia@10.0.0.5:7443;transport=wss' }) };
    const checks = secureListenerChecks(pending, forwards);
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['secure-listener-tls-internal', 'warn'],
      ['secure-listener-wss-internal', 'pass'],
    ]);
    expect(checks[0]!.fix).toMatch(/sofia profile internal restart/);
    expect(secureListenerChecks(ALL_ON, forwards)).toEqual([]);
  });
});

describe('TLS handshake checks', () => {
  const report = (port: number, verdict: TlsReport['verdict']): TlsReport => ({
    protocol: 'tcp',
    port,
    what: 'SIP over TLS (internal profile: phones)',
    verdict,
    detail: verdict === 'handshake' ? 'TLS handshake completed (TLSv1.3).' : 'No answer.',
  });

  it('a handshake passes; anything else fails with a fix for where it was tried', () => {
    const lan = tlsProbeChecks([report(5061, 'handshake'), report(7443, 'refused')], 'lan', '192.168.88.10');
    expect(lan.map((c) => [c.id, c.status])).toEqual([
      ['tls-lan-5061', 'pass'],
      ['tls-lan-7443', 'fail'],
    ]);
    expect(lan[1]!.fix).toMatch(/restarted.*iptables lets TCP 7443 in/);
    const hairpin = tlsProbeChecks([report(5061, 'no-answer')], 'hairpin', '203.0.113.2');
    expect(hairpin[0]).toMatchObject({ id: 'tls-hairpin-5061', status: 'fail' });
    expect(hairpin[0]!.fix).toMatch(/hairpin/);
  });

  it('runTraffic asks for the handshakes on the PBX and, with hairpin, the public address; none when nothing is forwarded', async () => {
    const asked: string[] = [];
    const io: TrafficIo = {
      natCounters: () => Promise.resolve([]),
      sipOptions: () => Promise.resolve([]),
      fsCli: () => Promise.resolve(undefined),
      tlsHandshakes: (target, probes) => {
        asked.push(`${target} ${probes.map((p) => p.port).join(',')}`);
        return Promise.resolve(probes.map((p) => report(p.port, 'handshake')));
      },
    };
    const tlsPorts = [{ port: 5061, what: 'SIP over TLS' }];
    const checks = await runTraffic(io, {
      pbx: '192.168.88.10',
      publicIp: '203.0.113.2',
      hairpin: true,
      sipPorts: [],
      tlsPorts,
    });
    expect(asked.sort()).toEqual(['192.168.88.10 5061', '203.0.113.2 5061']);
    expect(checks.filter((c) => c.id.startsWith('tls-')).map((c) => c.id)).toEqual([
      'tls-lan-5061',
      'tls-hairpin-5061',
    ]);
    asked.length = 0;
    await runTraffic(io, { pbx: '192.168.88.10', hairpin: false, sipPorts: [] });
    expect(asked).toEqual([]);
  });
});
