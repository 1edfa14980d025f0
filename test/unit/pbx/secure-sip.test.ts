/**
 * Secure SIP listeners from plain profile rows, v_vars and running profiles:
 * FS PBX's stock rows (TLS off through $${internal_ssl_enable}, WSS on :7443),
 * TLS turned on the FS PBX way (the variable), a custom port, FreeSWITCH's
 * own truthiness and defaults, and rows FreeSWITCH never loads.
 */
import { describe, expect, it } from 'vitest';
import { expandVars, forwardableListeners, secureListeners, urlPort } from '../../../electron/pbx/plan/secure-sip';
import { switchTrue } from '../../../electron/pbx/model/switch-true';
import { parseSsListening } from '../../../electron/pbx/read/reader';
import type { PbxState, RunningProfile, SettingRow, SipProfileRow, VarRow } from '../../../electron/pbx/model/state';

const IDS = { internal: 'p-internal', external: 'p-external', internalV6: 'p-internal-v6' } as const;

function profile(uuid: string, name: string, extra: Partial<SipProfileRow> = {}): SipProfileRow {
  return {
    sip_profile_uuid: uuid,
    sip_profile_name: name,
    sip_profile_hostname: null,
    sip_profile_enabled: 'true',
    ...extra,
  };
}

let n = 0;
function row(profileUuid: string, name: string, value: string, enabled = 'true'): SettingRow {
  n += 1;
  return {
    sip_profile_setting_uuid: `s-${n}`,
    sip_profile_uuid: profileUuid,
    sip_profile_setting_name: name,
    sip_profile_setting_value: value,
    sip_profile_setting_enabled: enabled,
  };
}

function variable(name: string, value: string, extra: Partial<VarRow> = {}): VarRow {
  return {
    var_uuid: `v-${name}-${value}`,
    var_category: 'SIP Profile: Internal',
    var_name: name,
    var_value: value,
    var_command: 'set',
    var_hostname: null,
    var_enabled: 'true',
    var_order: null,
    ...extra,
  };
}

/** FS PBX's stock TLS/WebRTC rows (internal.xml.noload:190-196,313-317; external.xml.noload:78-84). */
function stockRows(): SettingRow[] {
  return [
    row(IDS.internal, 'sip-port', '5060'),
    row(IDS.internal, 'tls', '$${internal_ssl_enable}'),
    row(IDS.internal, 'tls-sip-port', '5061'),
    row(IDS.internal, 'ws-binding', ':5066'),
    row(IDS.internal, 'wss-binding', ':7443'),
    row(IDS.external, 'sip-port', '5080'),
    row(IDS.external, 'tls', '$${external_ssl_enable}'),
    row(IDS.external, 'tls-sip-port', '5081'),
    row(IDS.internalV6, 'tls', '$${internal_ssl_enable}'),
    row(IDS.internalV6, 'wss-binding', ':7443'),
  ];
}

function state(
  over: {
    settings?: SettingRow[];
    vars?: VarRow[];
    running?: RunningProfile[] | null;
    profiles?: SipProfileRow[];
  } = {},
): PbxState {
  return {
    hostname: 'pbx',
    switchname: 'pbx',
    profiles: over.profiles ?? [
      profile(IDS.internal, 'internal'),
      profile(IDS.external, 'external'),
      profile(IDS.internalV6, 'internal-ipv6'),
    ],
    settings: over.settings ?? stockRows(),
    vars: over.vars ?? [
      variable('internal_ssl_enable', 'false'),
      variable('external_ssl_enable', 'false', { var_category: 'SIP Profile: External' }),
    ],
    extensions: [],
    domains: [],
    cache: { method: 'file', location: '/var/cache/fusionpbx' },
    rtp: { start: 16384, end: 32768, source: 'default' },
    varsXml: null,
    firewall: null,
    running: over.running === undefined ? null : over.running,
  };
}

const brief = (s: PbxState) => secureListeners(s).map((l) => `${l.profile} ${l.kind} ${l.port}`);

describe('secure SIP listeners', () => {
  it('stock FS PBX: TLS off on both profiles (the variables are false), WSS :7443 and WS :5066 on internal', () => {
    expect(brief(state())).toEqual(['internal wss 7443', 'internal ws 5066']);
    expect(forwardableListeners(state()).map((l) => `${l.profile} ${l.kind} ${l.port}`)).toEqual(['internal wss 7443']);
    expect(secureListeners(state())[0]!.setting).toBe('internal profile: wss-binding=:7443');
  });

  it('TLS turned on the FS PBX way (internal_ssl_enable=true): 5061 on internal, the setting names the variable', () => {
    const s = state({ vars: [variable('internal_ssl_enable', 'true'), variable('external_ssl_enable', 'false')] });
    expect(brief(s)).toEqual(['internal tls 5061', 'internal wss 7443', 'internal ws 5066']);
    expect(secureListeners(s)[0]!.setting).toBe(
      'internal profile: tls=$${internal_ssl_enable} (internal_ssl_enable=true), tls-sip-port=5061',
    );
  });

  it('TLS on both with a custom port; WSS unbound: external 5081 as shipped, internal on 5071', () => {
    const settings = stockRows()
      .filter((r) => !(r.sip_profile_setting_name === 'wss-binding' || r.sip_profile_setting_name === 'ws-binding'))
      .map((r) =>
        r.sip_profile_setting_name === 'tls'
          ? { ...r, sip_profile_setting_value: 'true' }
          : r.sip_profile_setting_name === 'tls-sip-port' && r.sip_profile_uuid === IDS.internal
            ? { ...r, sip_profile_setting_value: '5071' }
            : r,
      );
    expect(brief(state({ settings }))).toEqual(['internal tls 5071', 'external tls 5081']);
  });

  it('TLS off, WSS off: nothing to forward', () => {
    const settings = stockRows().filter((r) => !/ws/.test(r.sip_profile_setting_name ?? ''));
    expect(secureListeners(state({ settings }))).toEqual([]);
    expect(forwardableListeners(state({ settings }))).toEqual([]);
  });

  it("FreeSWITCH's truthiness and defaults: 'yes' and '1' are on, 'True ' is on, '0' is off; no port row means 5061", () => {
    for (const [value, on] of [
      ['yes', true],
      ['1', true],
      ['True', true],
      ['0', false],
      ['nope', false],
      ['', false],
    ] as const) {
      const settings = [row(IDS.internal, 'tls', value)];
      expect(brief(state({ settings })), value).toEqual(on ? ['internal tls 5061'] : []);
    }
    expect(switchTrue('-2')).toBe(true);
    expect(switchTrue('00')).toBe(false);
  });

  it('the last enabled row wins; disabled rows, disabled profiles and other switches do not count', () => {
    const settings = [
      row(IDS.internal, 'tls', 'true'),
      row(IDS.internal, 'tls', 'false'),
      row(IDS.external, 'tls', 'false'),
      row(IDS.external, 'tls', 'true', 'True'),
      row(IDS.internal, 'wss-binding', ':7443', 'false'),
    ];
    expect(brief(state({ settings }))).toEqual([]);
    const ha = state({
      settings: [row('p-peer', 'tls', 'true'), row(IDS.external, 'tls', 'true')],
      profiles: [
        profile('p-peer', 'internal', { sip_profile_hostname: 'pbx-b' }),
        profile(IDS.external, 'external', { sip_profile_enabled: 'True' }),
      ],
    });
    expect(brief(ha)).toEqual([]);
  });

  it('a binding without a port, or port 0, binds nothing (sofia.c:4299-4316); an address before the port is kept', () => {
    const settings = [
      row(IDS.internal, 'wss-binding', '7443'),
      row(IDS.internal, 'ws-binding', ':0'),
      row(IDS.external, 'wss-binding', '10.0.0.5:8443'),
    ];
    expect(brief(state({ settings }))).toEqual(['external wss 8443']);
  });

  it('variables: for this switch only, enabled exactly, last wins; an unknown one stays as written (and means off)', () => {
    const vars = [
      variable('internal_ssl_enable', 'true', { var_hostname: 'pbx-b' }),
      variable('internal_ssl_enable', 'true', { var_enabled: 'false' }),
      variable('external_ssl_enable', 'false'),
      variable('external_ssl_enable', 'true'),
    ];
    expect(brief(state({ vars })).filter((l) => l.includes('tls'))).toEqual(['external tls 5081']);
    expect(expandVars(state(), 'x $${nothing_here} y').text).toBe('x $${nothing_here} y');
  });

  it('running: listening on the same port, on another port (restart pending), absent, or unknown', () => {
    const vars = [variable('internal_ssl_enable', 'true')];
    const running = (info: Record<string, string>): RunningProfile[] => [{ name: 'internal', info }];
    const on = secureListeners(
      state({
        vars,
        running: running({
          'tls-url': 'sip:mod_sofia@192.168.88.10:5061;transport=tls',
          'wss-bind-url': 'sips:mod_sofia@192.168.88.10:7443;transport=wss',
        }),
      }),
    );
    expect(on.map((l) => [l.kind, l.running])).toEqual([
      ['tls', true],
      ['wss', true],
      ['ws', false],
    ]);
    const moved = secureListeners(
      state({ vars, running: running({ 'tls-url': 'sip:mod_sofia@192.168.88.10:5071;transport=tls' }) }),
    );
    expect(moved[0]).toMatchObject({ kind: 'tls', running: false, runningPort: 5071 });
    expect(secureListeners(state({ vars, running: [] }))[0]!.running).toBe(false);
    expect(secureListeners(state({ vars }))[0]!.running).toBeNull();
    expect(urlPort('sips:mod_sofia@[2001:db8::1]:7443;transport=wss')).toBe(7443);
  });

  it('shown by xmlstatus but not in the kernel list: a rescan turned it on, the socket waits for a restart', () => {
    const vars = [variable('internal_ssl_enable', 'true')];
    const info = {
      'tls-url': 'sip:mod_sofia@192.168.88.10:5061;transport=tls',
      'wss-bind-url': 'sips:mod_sofia@192.168.88.10:7443;transport=wss',
    };
    const ss = [
      'LISTEN 0      4096     0.0.0.0:7443      0.0.0.0:*',
      'LISTEN 0 128 [::]:22 [::]:*',
      'garbage',
      '',
    ].join('\n');
    const listening = parseSsListening(ss);
    expect(listening).toEqual([
      { address: '0.0.0.0', port: 7443 },
      { address: '[::]', port: 22 },
    ]);
    const pending = secureListeners({ ...state({ vars, running: [{ name: 'internal', info }] }), listening });
    expect(pending.map((l) => [l.kind, l.running, l.notBound])).toEqual([
      ['tls', false, true],
      ['wss', true, undefined],
      ['ws', false, undefined],
    ]);
    // No kernel list (an older snapshot, or ss failed): xmlstatus alone decides, as before.
    const unknown = secureListeners({ ...state({ vars, running: [{ name: 'internal', info }] }), listening: null });
    expect(unknown[0]).toMatchObject({ kind: 'tls', running: true });
  });
});
