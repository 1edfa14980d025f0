/**
 * What the wizard manages on the PBX (plan/managed.ts), rule by rule: the rows it may change,
 * insert or delete, the columns and the values it may write there, and the sentence for a
 * planned change outside it. The wizard writes v_vars rows that FS PBX turns into vars.xml
 * `<X-PRE-PROCESS cmd="set" data="name=value" />` lines (SwitchVariableService.php:151-203),
 * which FreeSWITCH's preprocessor reads up to the next quote (switch_xml.c:1570-1585): a quote,
 * markup or a control character in a value would be read another way. Plain data.
 */
import { describe, expect, it } from 'vitest';
import type { PbxChange } from '../../../electron/pbx/model/change';
import type { SettingRow, VarRow } from '../../../electron/pbx/model/state';
import {
  isManagedRow,
  MANAGED_SETTINGS,
  MANAGED_VARS,
  mayInsertRow,
  maySetColumns,
  outsideManaged,
} from '../../../electron/pbx/plan/managed';
import { PROFILE, stockPbx } from './fixtures/stock';

const state = stockPbx();
type VarColumn = 'var_name' | 'var_command' | 'var_category' | 'var_hostname' | 'var_value' | 'var_enabled';
const natVar = (extra: Partial<Record<VarColumn, string | null>> = {}): VarRow => ({
  ...state.vars.find((v) => v.var_name === 'external_sip_ip')!,
  ...extra,
});
const setting = (name: string, profile: string = PROFILE.internal): SettingRow => ({
  sip_profile_setting_uuid: 'a0000000-0000-4000-8000-000000000777',
  sip_profile_uuid: profile,
  sip_profile_setting_name: name,
  sip_profile_setting_value: 'nat.auto',
  sip_profile_setting_enabled: 'true',
});

describe('the rows the wizard manages', () => {
  it('are the NAT settings it wants on the internal profile, nowhere else', () => {
    expect([...MANAGED_SETTINGS].sort()).toEqual(['aggressive-nat-detection', 'apply-nat-acl']);
    expect(isManagedRow('v_sip_profile_settings', setting('apply-nat-acl'), state)).toBe(true);
    expect(isManagedRow('v_sip_profile_settings', setting('aggressive-nat-detection'), state)).toBe(true);
    expect(isManagedRow('v_sip_profile_settings', setting('apply-nat-acl', PROFILE.external), state)).toBe(false);
    expect(isManagedRow('v_sip_profile_settings', setting('auth-calls'), state)).toBe(false);
    expect(isManagedRow('v_sip_profile_settings', { ...setting('x'), sip_profile_setting_name: null }, state)).toBe(
      false,
    );
  });

  it('are the NAT variables asking for set (NULL and empty text mean set), in a plain category for any host or a plain one', () => {
    expect(MANAGED_VARS).toEqual(['external_rtp_ip', 'external_sip_ip']);
    for (const var_command of [null, '', 'set'])
      expect(isManagedRow('v_vars', natVar({ var_command }), state)).toBe(true);
    expect(isManagedRow('v_vars', natVar({ var_name: 'external_rtp_ip' }), state)).toBe(true);
    expect(isManagedRow('v_vars', natVar({ var_hostname: 'pbx' }), state)).toBe(true);
    expect(isManagedRow('v_vars', natVar({ var_category: null, var_hostname: null }), state)).toBe(true);
    for (const bad of [
      { var_name: 'domain' },
      { var_name: null },
      { var_command: 'exec-set' },
      { var_command: 'env-set' },
      { var_category: 'Exec-Set' },
      { var_category: 'IP "Address' },
      { var_category: 'IP\tAddress' },
      { var_category: 'IP Addr\u00e9ss' },
      { var_hostname: 'pbx<!--' },
      { var_hostname: 'pbx&' },
      { var_hostname: 'pbx\u007f' },
    ]) {
      expect(isManagedRow('v_vars', natVar(bad), state), JSON.stringify(bad)).toBe(false);
    }
  });

  it('take any extension, for its media field only', () => {
    const ext = state.extensions[0]!;
    expect(isManagedRow('v_extensions', ext, state)).toBe(true);
    expect(maySetColumns('v_extensions', ext, { sip_bypass_media: 'proxy-media' }, state)).toBe(true);
    expect(maySetColumns('v_extensions', ext, { user_context: 'other' }, state)).toBe(false);
  });
});

describe('the values the wizard may write', () => {
  it('on a NAT variable: printable text without quotes or markup, and an enabled flag of exactly true or false', () => {
    const row = natVar();
    expect(maySetColumns('v_vars', row, { var_value: 'autonat:203.0.113.2' }, state)).toBe(true);
    expect(maySetColumns('v_vars', row, { var_value: '' }, state)).toBe(true);
    expect(maySetColumns('v_vars', row, { var_value: null }, state)).toBe(true);
    expect(maySetColumns('v_vars', row, { var_value: 'autonat:203.0.113.2', var_enabled: 'true' }, state)).toBe(true);
    expect(maySetColumns('v_vars', row, { var_enabled: 'false' }, state)).toBe(true);
    for (const var_value of ['a"b', 'a<b', 'a>b', 'a&b', 'a\nb', 'caf\u00e9']) {
      expect(maySetColumns('v_vars', row, { var_value }, state), var_value).toBe(false);
    }
    for (const var_enabled of ['yes', 'TRUE', '', null]) {
      expect(maySetColumns('v_vars', row, { var_enabled }, state), String(var_enabled)).toBe(false);
    }
    expect(maySetColumns('v_vars', row, { var_name: 'external_rtp_ip' }, state)).toBe(false);
    expect(maySetColumns('v_vars', row, { var_command: 'set' }, state)).toBe(false);
    // Every column must pass: a managed one beside an unmanaged one, or a bad value beside a good one, is refused.
    expect(maySetColumns('v_vars', row, { var_value: 'x', var_command: 'exec-set' }, state)).toBe(false);
    expect(maySetColumns('v_vars', row, { var_value: 'x', var_enabled: 'maybe' }, state)).toBe(false);
    expect(maySetColumns('v_vars', natVar({ var_command: 'exec-set' }), { var_value: 'x' }, state)).toBe(false);
  });

  it('on a NAT setting: any value (it goes to the database, quoted) and an enabled flag of exactly true or false', () => {
    const row = setting('apply-nat-acl');
    expect(maySetColumns('v_sip_profile_settings', row, { sip_profile_setting_value: 'a"<b>' }, state)).toBe(true);
    expect(maySetColumns('v_sip_profile_settings', row, { sip_profile_setting_enabled: 'false' }, state)).toBe(true);
    expect(maySetColumns('v_sip_profile_settings', row, { sip_profile_setting_enabled: 'no' }, state)).toBe(false);
    expect(maySetColumns('v_sip_profile_settings', row, { sip_profile_setting_name: 'auth-calls' }, state)).toBe(false);
    expect(
      maySetColumns('v_sip_profile_settings', setting('auth-calls'), { sip_profile_setting_value: 'x' }, state),
    ).toBe(false);
  });

  it('on an extension: one of the media modes FS PBX offers, empty text or NULL', () => {
    const ext = state.extensions[0]!;
    for (const mode of ['bypass-media', 'bypass-media-after-bridge', 'proxy-media', '', null]) {
      expect(maySetColumns('v_extensions', ext, { sip_bypass_media: mode }, state), String(mode)).toBe(true);
    }
    expect(maySetColumns('v_extensions', ext, { sip_bypass_media: 'proxy_media' }, state)).toBe(false);
  });
});

describe('rows the wizard may insert', () => {
  it('are managed rows whose managed columns hold values it may write; never an extension', () => {
    expect(mayInsertRow('v_vars', natVar(), state)).toBe(true);
    expect(mayInsertRow('v_vars', natVar({ var_enabled: 'yes' }), state)).toBe(false);
    expect(mayInsertRow('v_vars', natVar({ var_value: 'a"b' }), state)).toBe(false);
    expect(mayInsertRow('v_vars', natVar({ var_name: 'domain' }), state)).toBe(false);
    // A column the row does not carry counts as NULL.
    const { var_enabled: _dropped, ...withoutFlag } = natVar();
    expect(mayInsertRow('v_vars', withoutFlag, state)).toBe(false);
    const { var_value: _gone, ...withoutValue } = natVar();
    expect(mayInsertRow('v_vars', withoutValue, state)).toBe(true);
    expect(mayInsertRow('v_sip_profile_settings', setting('apply-nat-acl'), state)).toBe(true);
    expect(mayInsertRow('v_extensions', state.extensions[0]!, state)).toBe(false);
  });
});

describe('a planned change outside what the wizard manages', () => {
  const base = { id: 'pbx-001', target: 'pbx' as const, reason: 'test' };
  const varRow = natVar();

  it('is named by its table and what is wrong with it', () => {
    const cases: [PbxChange, string | undefined][] = [
      [{ ...base, path: 'v_vars', action: 'add', before: null, after: natVar({ var_value: 'x' }) }, undefined],
      [
        { ...base, path: 'v_vars', action: 'add', before: null, after: natVar({ var_command: 'exec-set' }) },
        'v_vars: an insert the wizard does not make',
      ],
      [
        { ...base, path: 'v_vars', action: 'add', before: null, after: null },
        'v_vars: an insert the wizard does not make',
      ],
      [
        { ...base, path: 'v_extensions', action: 'add', before: null, after: state.extensions[0]! },
        'v_extensions: an insert the wizard does not make',
      ],
      [
        { ...base, path: 'v_vars', action: 'set', key: 'nope', before: {}, after: { var_value: 'x' } },
        'v_vars nope: no such row',
      ],
      [{ ...base, path: 'v_vars', action: 'set', before: {}, after: { var_value: 'x' } }, 'v_vars ?: no such row'],
      [
        { ...base, path: 'v_vars', action: 'set', key: varRow.var_uuid, before: {}, after: { var_value: 'x' } },
        undefined,
      ],
      [
        { ...base, path: 'v_vars', action: 'set', key: varRow.var_uuid, before: {}, after: { var_value: 'a"b' } },
        'v_vars: columns or values the wizard does not write',
      ],
      [
        { ...base, path: 'v_vars', action: 'set', key: varRow.var_uuid, before: {}, after: null },
        'v_vars: columns or values the wizard does not write',
      ],
      [{ ...base, path: 'v_vars', action: 'remove', key: varRow.var_uuid, before: {}, after: null }, undefined],
      [
        {
          ...base,
          path: 'v_vars',
          action: 'remove',
          key: state.vars.find((v) => v.var_name === 'domain')!.var_uuid,
          before: {},
          after: null,
        },
        'v_vars: a row the wizard does not manage',
      ],
      [
        {
          ...base,
          path: 'v_sip_profile_settings',
          action: 'remove',
          key: state.settings.find((s) => s.sip_profile_setting_name === 'apply-nat-acl')!.sip_profile_setting_uuid,
          before: {},
          after: null,
        },
        undefined,
      ],
      [
        {
          ...base,
          path: 'v_sip_profile_settings',
          action: 'set',
          key: state.settings.find((s) => s.sip_profile_setting_name === 'sip-ip')!.sip_profile_setting_uuid,
          before: {},
          after: { sip_profile_setting_value: 'x' },
        },
        'v_sip_profile_settings: columns or values the wizard does not write',
      ],
      [
        {
          ...base,
          path: 'v_extensions',
          action: 'set',
          key: state.extensions[0]!.extension_uuid,
          before: {},
          after: { sip_bypass_media: 'proxy-media' },
        },
        undefined,
      ],
      [
        { ...base, path: 'v_extensions', action: 'set', key: 'gone', before: {}, after: {} },
        'v_extensions gone: no such row',
      ],
    ];
    for (const [change, why] of cases) expect(outsideManaged(change, state), JSON.stringify(change)).toBe(why);
  });
});
