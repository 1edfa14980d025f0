/**
 * Which SIP profile rows FreeSWITCH loads on this switch, as FS PBX's Lua
 * handler selects them (nemerald-voip/fspbx sofia.conf.lua:88-95): flags are
 * exactly 'true', and the hostname column is NULL, '' or the switchname
 * (`fs_cli -x switchname`, not the OS host name). Pure.
 */
import type { PbxState, SettingRow, SipProfileRow, VarRow } from './state';

export const isTrue = (value: string | null | undefined): boolean => value === 'true';

/** NULL or '' means every host; otherwise it must be this switch's name. */
export function forThisSwitch(hostname: string | null, switchname: string): boolean {
  return hostname === null || hostname === '' || hostname === switchname;
}

/** Profiles FreeSWITCH loads here. */
export function loadedProfiles(state: PbxState): SipProfileRow[] {
  return state.profiles.filter(
    (p) => isTrue(p.sip_profile_enabled) && forThisSwitch(p.sip_profile_hostname, state.switchname),
  );
}

export function profilesNamed(state: PbxState, name: string): SipProfileRow[] {
  return loadedProfiles(state).filter((p) => p.sip_profile_name === name);
}

export function rowsOf(state: PbxState, profile: SipProfileRow, name: string): SettingRow[] {
  return state.settings.filter(
    (r) => r.sip_profile_uuid === profile.sip_profile_uuid && r.sip_profile_setting_name === name,
  );
}

export const enabled = (r: SettingRow): boolean => isTrue(r.sip_profile_setting_enabled);

/** v_vars rows that vars.xml carries on this switch (FS PBX SwitchVariableService.php:168-188). */
export function varsForThisSwitch(state: PbxState, name: string): VarRow[] {
  return state.vars.filter((r) => r.var_name === name && forThisSwitch(r.var_hostname, state.switchname));
}
