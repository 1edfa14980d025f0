/**
 * The internal profile's NAT settings, driven by the settings table
 * (profile-settings.ts): a single setting gets its value on every enabled
 * row, a cumulative one (rows add up) gets one row with the value and never a
 * second. Also the external profile's review. Pure.
 */
import { setColumns, type Draft, type Outcome } from './plan-outcome';
import { enabled, rowsOf } from '../model/profile-rows';
import { REVIEWED_SETTINGS, WANTED_ON_INTERNAL } from '../model/profile-settings';
import type { PbxState, SettingRow, SipProfileRow } from '../model/state';

export interface ReviewedSetting {
  name: string;
  value: string | null;
  enabled: boolean;
  note: string;
}

/** `label`: the setting as FS PBX shows it, "profile › setting" (Advanced › SIP Profiles). */
function setRow(row: SettingRow, after: Record<string, string>, reason: string, label: string): Draft {
  return setColumns('v_sip_profile_settings', row.sip_profile_setting_uuid, row, after, reason, label);
}

function menuLabel(profile: SipProfileRow, name: string): string {
  return `${profile.sip_profile_name} › ${name}`;
}

function insertSetting(profile: SipProfileRow, name: string, value: string, reason: string): Draft {
  return {
    target: 'pbx',
    path: 'v_sip_profile_settings',
    action: 'add',
    before: null,
    after: {
      sip_profile_uuid: profile.sip_profile_uuid,
      sip_profile_setting_name: name,
      sip_profile_setting_value: value,
      sip_profile_setting_enabled: 'true',
      sip_profile_setting_description: null,
    },
    reason,
    label: `${profile.sip_profile_name} › ${name}`,
  };
}

function settled(out: Outcome, label: string, value: string): void {
  out.settled.push({ path: 'v_sip_profile_settings', item: label, value, message: `${label} is already ${value}.` });
}

/** One value: every enabled row gets it; else a disabled row is enabled, else one is added. */
function ensureSingle(
  state: PbxState,
  profile: SipProfileRow,
  name: string,
  value: string,
  why: string,
  out: Outcome,
): void {
  const rows = rowsOf(state, profile, name);
  const on = rows.filter(enabled);
  const label = `${profile.sip_profile_name} ${name}`;
  if (on.length > 0 && on.every((r) => r.sip_profile_setting_value === value)) return settled(out, label, value);
  if (on.length > 0) {
    for (const row of on.filter((r) => r.sip_profile_setting_value !== value)) {
      out.changes.push(setRow(row, { sip_profile_setting_value: value }, why, menuLabel(profile, name)));
    }
    return;
  }
  const off = rows[0];
  if (off)
    out.changes.push(
      setRow(
        off,
        { sip_profile_setting_value: value, sip_profile_setting_enabled: 'true' },
        why,
        menuLabel(profile, name),
      ),
    );
  else out.changes.push(insertSetting(profile, name, value, why));
}

/** Rows add up (apply-nat-acl): the value on one row, never a second enabled row; `none` flagged. */
function ensureCumulative(
  state: PbxState,
  profile: SipProfileRow,
  name: string,
  value: string,
  why: string,
  out: Outcome,
): void {
  const rows = rowsOf(state, profile, name);
  const on = rows.filter(enabled);
  const label = `${profile.sip_profile_name} ${name}`;
  const none = on.filter((r) => (r.sip_profile_setting_value ?? '').toLowerCase() === 'none');
  if (none.length > 0) {
    // sofia.c:5708-5712: 'none' empties the list parsed before it, and FS PBX emits rows in no set order.
    out.warnings.push({
      code: 'nat-acl-none',
      target: 'pbx',
      message: `${label} has an enabled row "none", which wipes the ${value} entry when FreeSWITCH reads it after it (the order is not fixed). Disable that row in FS PBX (Advanced › SIP Profiles › ${profile.sip_profile_name}).`,
    });
  }
  if (on.some((r) => r.sip_profile_setting_value === value)) {
    settled(out, label, value);
    const others = on.filter((r) => r.sip_profile_setting_value !== value && !none.includes(r));
    if (others.length > 0) {
      out.warnings.push({
        code: 'nat-acl-cumulative',
        target: 'pbx',
        message: `${label} also has ${others.map((r) => r.sip_profile_setting_value ?? '').join(', ')}: these rows add up; check they are wanted.`,
      });
    }
    return;
  }
  const first = on.find((r) => !none.includes(r));
  if (first) {
    out.changes.push(
      setRow(
        first,
        { sip_profile_setting_value: value },
        `${why} The rows add up, so the existing one is changed rather than a second one added.`,
        menuLabel(profile, name),
      ),
    );
    return;
  }
  const off = rows.find((r) => !enabled(r) && r.sip_profile_setting_value === value) ?? rows.find((r) => !enabled(r));
  if (off)
    out.changes.push(
      setRow(
        off,
        { sip_profile_setting_value: value, sip_profile_setting_enabled: 'true' },
        why,
        menuLabel(profile, name),
      ),
    );
  else out.changes.push(insertSetting(profile, name, value, why));
}

/** Every wanted setting of the table on one internal profile. */
export function planInternalProfile(state: PbxState, profile: SipProfileRow, out: Outcome): void {
  for (const wanted of WANTED_ON_INTERNAL) {
    const ensure = wanted.kind === 'cumulative' ? ensureCumulative : ensureSingle;
    ensure(state, profile, wanted.name, wanted.value, wanted.why, out);
  }
}

const EXTERNAL_VARIABLE = /\$\$\{external_(sip|rtp)_ip\}/;

export function reviewProfile(state: PbxState, profile: SipProfileRow): ReviewedSetting[] {
  const out: ReviewedSetting[] = [];
  for (const name of REVIEWED_SETTINGS) {
    const rows = rowsOf(state, profile, name);
    if (rows.length === 0) {
      out.push({
        name,
        value: null,
        enabled: false,
        note:
          name === 'aggressive-nat-detection'
            ? 'No row: fine for trunks, which are not behind NAT.'
            : 'No row: FreeSWITCH’s default applies.',
      });
      continue;
    }
    for (const row of rows) {
      const value = row.sip_profile_setting_value;
      const on = enabled(row);
      let note = 'OK.';
      if ((name === 'ext-sip-ip' || name === 'ext-rtp-ip') && on && !EXTERNAL_VARIABLE.test(value ?? '')) {
        note = 'Not the FS PBX variable: the external_*_ip fix does not reach this profile.';
      }
      out.push({ name, value, enabled: on, note: on ? note : 'Disabled row: ignored.' });
    }
  }
  return out;
}
