/**
 * The secure SIP listeners' reading rules (plan/secure-sip.ts) at their edges, from FreeSWITCH's
 * source (signalwire/freeswitch @cc93a683): switch_true's words (src/include/switch_utils.h:518-528),
 * `tls-sip-port` read with atoi and 5061 when it gives no port (sofia.c:5862-5868, :4322-4325),
 * the ws/wss port after the last ':' (sofia.c:5806-5831), the port in a sofia URL; FS PBX's Lua
 * replaces `$${name}` from the globals vars.xml sets (sofia.conf.lua:256-263), which FS PBX writes
 * from the enabled v_vars rows of this switch, Provision rows apart (SwitchVariableService.php:168-188).
 */
import { describe, expect, it } from 'vitest';
import { expandVars, secureListeners, urlPort } from '../../../electron/pbx/plan/secure-sip';
import { switchTrue } from '../../../electron/pbx/model/switch-true';
import type { PbxState, SettingRow, VarRow } from '../../../electron/pbx/model/state';

let n = 0;
function row(profile: string, name: string, value: string | null, enabled = 'true'): SettingRow {
  n += 1;
  return {
    sip_profile_setting_uuid: `s-${n}`,
    sip_profile_uuid: profile,
    sip_profile_setting_name: name,
    sip_profile_setting_value: value,
    sip_profile_setting_enabled: enabled,
  };
}

function variable(
  name: string,
  value: string | null,
  extra: Partial<Record<'var_category' | 'var_hostname', string | null>> = {},
): VarRow {
  return {
    var_uuid: `v-${name}-${n++}`,
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

function state(settings: SettingRow[], vars: VarRow[] = [], names = ['internal', 'external']): PbxState {
  return {
    hostname: 'pbx',
    switchname: 'pbx',
    profiles: names.map((name) => ({
      sip_profile_uuid: `p-${name}`,
      sip_profile_name: name,
      sip_profile_hostname: null,
      sip_profile_enabled: 'true',
    })),
    settings,
    vars,
    extensions: [],
    domains: [],
    cache: { method: 'file', location: '/var/cache/fusionpbx' },
    rtp: { start: 16384, end: 32768, source: 'default' },
    varsXml: null,
    firewall: null,
    running: null,
  };
}

const brief = (s: PbxState) => secureListeners(s).map((l) => `${l.profile} ${l.kind} ${l.port}`);

describe('switchTrue, as FreeSWITCH reads a flag', () => {
  // switch_true (switch_utils.h:518-528): seven words in any case, or switch_is_number (switch_utils.c
  // :1636-1653: an optional sign, then digits and dots only) with atoi not 0. Nothing is trimmed: FS
  // PBX's Lua writes the row's value as it is (sofia.conf.lua:271-279).
  it('is on for its seven words in any case, and for a number whose leading digits are not 0', () => {
    for (const v of [
      'yes',
      'on',
      'true',
      't',
      'enabled',
      'active',
      'allow',
      'ON',
      'T',
      '7',
      '-1',
      '+1',
      '1.5',
      '1..2',
    ]) {
      expect(switchTrue(v), v).toBe(true);
    }
  });

  it('is off for anything else: other words, padding, 0, no leading digit, a letter among the digits', () => {
    for (const v of [
      'no',
      'off',
      'false',
      'y',
      'enable',
      ' on',
      'true ',
      '0',
      '-0',
      '0.9',
      '.5',
      '-',
      '',
      '1x',
      '1 ',
    ]) {
      expect(switchTrue(v), JSON.stringify(v)).toBe(false);
    }
  });
});

describe('the TLS port', () => {
  // atoi cast to a 16-bit port (sofia.c:5867): 65536 becomes 0, and 0 means the default (:4323-4325).
  it('is the leading number of tls-sip-port, 5061 when it gives none, 0 or 65536', () => {
    for (const [value, port] of [
      ['5071', 5071],
      [' +5072abc', 5072],
      ['65535', 65535],
      ['65536', 5061],
      ['0', 5061],
      ['abc', 5061],
      ['x5071', 5061],
    ] as const) {
      const s = state([row('p-internal', 'tls', 'true'), row('p-internal', 'tls-sip-port', value)]);
      expect(brief(s), value).toEqual([`internal tls ${port}`]);
    }
  });

  it('says where it comes from: the rows as written, or FreeSWITCH’s default', () => {
    expect(secureListeners(state([row('p-external', 'tls', 'on')]))).toEqual([
      {
        profile: 'external',
        kind: 'tls',
        port: 5061,
        setting: "external profile: tls=on, no tls-sip-port (FreeSWITCH's default 5061)",
        running: null,
      },
    ]);
    const s = state(
      [row('p-internal', 'tls', '$${ssl}'), row('p-internal', 'tls-sip-port', '$${port}')],
      [variable('ssl', 'true'), variable('port', '5099')],
    );
    expect(secureListeners(s)[0]!.setting).toBe(
      'internal profile: tls=$${ssl} (ssl=true), tls-sip-port=$${port} (port=5099)',
    );
    const two = state(
      [row('p-internal', 'tls', 'true'), row('p-internal', 'tls-sip-port', '$${a}$${b}')],
      [variable('a', '50'), variable('b', '71')],
    );
    expect(secureListeners(two)[0]).toMatchObject({
      port: 5071,
      setting: 'internal profile: tls=true, tls-sip-port=$${a}$${b} (a=50, b=71)',
    });
  });

  it('is running when the profile of that name shows it, whatever profile comes first', () => {
    const s = state([row('p-internal', 'tls', 'true')]);
    s.running = [
      { name: 'external', info: {} },
      { name: 'internal', info: { 'tls-url': 'sip:mod_sofia@10.0.0.5:5061;transport=tls' } },
    ];
    expect(secureListeners(s)[0]!.running).toBe(true);
  });

  it('needs a tls row with a value', () => {
    expect(brief(state([row('p-internal', 'tls', null), row('p-internal', 'tls-sip-port', '5061')]))).toEqual([]);
  });
});

describe('the ws and wss ports', () => {
  // atol cast to a 16-bit port (sofia.c:5812-5814, :5825-5827): 65536 becomes 0, which binds nothing.
  it('are the number after the last colon, 1-65535 only', () => {
    const s = state([
      row('p-internal', 'wss-binding', '10.0.0.5:+8443x'),
      row('p-internal', 'ws-binding', ':65536'),
      row('p-external', 'wss-binding', ':65535'),
      row('p-external', 'ws-binding', '[::1]:abc'),
    ]);
    expect(brief(s)).toEqual(['internal wss 8443', 'external wss 65535']);
  });

  it('are not looked for on a profile the PBX does not have', () => {
    expect(brief(state([row('p-external', 'wss-binding', ':7443')], [], ['internal']))).toEqual([]);
  });
});

describe('expandVars', () => {
  it('takes the last enabled row of this switch or of every switch, never a Provision one or a NULL value', () => {
    const vars = [
      variable('a', '1'),
      variable('a', '2', { var_hostname: '' }),
      variable('a', '3', { var_hostname: 'pbx' }),
      variable('a', '4', { var_hostname: 'other' }),
      variable('a', '5', { var_category: 'Provision' }),
      variable('e', '1', { var_hostname: 'pbx' }),
      variable('e', '2', { var_hostname: '' }),
      variable('b', null),
    ];
    expect(expandVars(state([], vars), '$${a}:$${b}:$${c}:$${e}')).toEqual({
      text: '3:$${b}:$${c}:2',
      used: ['a=3', 'e=2'],
    });
  });

  it('reads names of letters, digits, _ . and - only', () => {
    const vars = [variable('x.y-z_1', 'v'), variable('a b', 'w')];
    expect(expandVars(state([], vars), '$${x.y-z_1} $${a b}').text).toBe('v $${a b}');
  });
});

describe('urlPort', () => {
  it('is the port before a parameter, a closing bracket or the end, of five digits at most', () => {
    expect(urlPort('sip:mod_sofia@10.0.0.5:5061;transport=tls')).toBe(5061);
    expect(urlPort('<sip:mod_sofia@10.0.0.5:5062>')).toBe(5062);
    expect(urlPort('sip:mod_sofia@10.0.0.5:5063')).toBe(5063);
    expect(urlPort('sip:mod_sofia@10.0.0.5:506399')).toBeUndefined();
    expect(urlPort('sip:mod_sofia@10.0.0.5:5064x')).toBeUndefined();
    expect(urlPort('sip:mod_sofia@10.0.0.5')).toBeUndefined();
    expect(urlPort(undefined)).toBeUndefined();
  });
});
