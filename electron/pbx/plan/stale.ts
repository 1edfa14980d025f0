/**
 * Profiles that run with the wrong ext-rtp-ip / ext-sip-ip although the
 * configuration is right (the cached sofia.conf of an earlier run, a reloadxml
 * that never happened): they need the reload sequence without a database
 * change. Pure.
 */
import { enabled, isTrue, loadedProfiles, varsForThisSwitch } from '../model/profile-rows';
import type { PbxState } from '../model/state';

/** Profiles whose running ext-rtp-ip / ext-sip-ip differ from the public address although the configuration has it. */
export function staleProfiles(state: PbxState, after: PbxState, publicIp: string): string[] {
  if (!state.running) return [];
  const target = `autonat:${publicIp}`;
  const varsOk = ['external_rtp_ip', 'external_sip_ip'].every((name) =>
    varsForThisSwitch(after, name).some((v) => isTrue(v.var_enabled) && v.var_value === target),
  );
  if (!varsOk) return [];
  return state.running
    .filter((p) => {
      const profile = loadedProfiles(state).find((row) => row.sip_profile_name === p.name);
      const usesVars = profile
        ? state.settings.some(
            (r) =>
              r.sip_profile_uuid === profile.sip_profile_uuid &&
              enabled(r) &&
              /\$\$\{external_(rtp|sip)_ip\}/.test(r.sip_profile_setting_value ?? ''),
          )
        : false;
      const ext = [p.info['ext-rtp-ip'], p.info['ext-sip-ip']];
      return usesVars && ext.some((v) => v !== undefined && v !== publicIp && v !== target);
    })
    .map((p) => p.name);
}
