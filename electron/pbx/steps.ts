/**
 * What has to happen on the PBX host after the database transaction, as data:
 * vars.xml, cache entries, fs_cli commands in the order FS PBX itself uses,
 * and per profile a rescan or, where the reference's rollback traps say a
 * rescan is not enough, a restart. Pure.
 */
import type { Warning } from '../../contract/types';
import type { PbxChange } from './change';
import { VARS_XML_PATH, type PbxState, type SettingRow } from './state';

export type PbxStep =
  | { kind: 'write-file'; path: string; content: string; owner: string; group: string; why: string }
  | { kind: 'delete-cache-file'; path: string; why: string }
  | {
      kind: 'fs-cli';
      command: string;
      why: string;
      /** Retry while FreeSWITCH answers with this text (a restart within 10 s of the last start). */
      retry?: { whileOutputIncludes: string; attempts: number; delaySeconds: number };
    };

export const RESTART_REFUSED = 'must be up for at least 10 seconds';

/** Settings whose running value survives a rescan when their row is gone or disabled. */
const STICKY = new Set(['aggressive-nat-detection', 'ext-rtp-ip', 'ext-sip-ip']);
/** Settings that only take effect when the profile restarts. */
const RESTART_ONLY = new Set(['sip-ip', 'sip-port', 'rtp-ip']);
const EXTERNAL_VARS = /\$\$\{external_(rtp|sip)_ip\}/;

/** Names that are safe inside an fs_cli command and a cache file name. */
export const SAFE_NAME = /^[A-Za-z0-9._-]+$/;
const SAFE_DIR = /^\/[A-Za-z0-9._/-]*$/;
// eslint-disable-next-line no-control-regex
const UNSAFE_CACHE_KEY = /[/\s\u0000-\u001f\u007f]/;

function enabledValue(rows: readonly SettingRow[], profileUuid: string, name: string): boolean {
  return rows.some(
    (r) =>
      r.sip_profile_uuid === profileUuid &&
      r.sip_profile_setting_name === name &&
      r.sip_profile_setting_enabled === 'true',
  );
}

function usesExternalVars(state: PbxState, profileUuid: string): boolean {
  return state.settings.some(
    (r) =>
      r.sip_profile_uuid === profileUuid &&
      r.sip_profile_setting_enabled === 'true' &&
      EXTERNAL_VARS.test(r.sip_profile_setting_value ?? ''),
  );
}

export interface StepInputs {
  before: PbxState;
  after: PbxState;
  changes: readonly PbxChange[];
  /** vars.xml to write when v_vars changed: rendered for an apply, the snapshot's bytes for a restore. */
  varsXml?: string;
  /** Profiles to restart even without a change (their running values are stale). */
  staleProfiles?: readonly string[];
  /** vars.xml on disk differs from what it should be although v_vars did not change (an interrupted run). */
  rewriteVars?: boolean;
}

export interface StepPlan {
  steps: PbxStep[];
  warnings: Warning[];
  /** profile name → why it restarts or rescans, for the review. */
  profileActions: Record<string, 'restart' | 'rescan'>;
}

export function stepsFor(input: StepInputs): StepPlan {
  const { before, after, changes } = input;
  const steps: PbxStep[] = [];
  const warnings: Warning[] = [];
  const varsChanged = input.rewriteVars === true || changes.some((c) => c.path === 'v_vars');
  const settingRows = new Map<string, SettingRow>();
  for (const row of [...before.settings, ...after.settings]) settingRows.set(row.sip_profile_setting_uuid, row);
  const touched = new Set<string>();
  const restartWhy = new Map<string, string>();
  for (const change of changes) {
    if (change.path !== 'v_sip_profile_settings') continue;
    const row = change.key ? settingRows.get(change.key) : undefined;
    const profileUuid = row?.sip_profile_uuid ?? change.after?.sip_profile_uuid ?? undefined;
    const name = row?.sip_profile_setting_name ?? change.after?.sip_profile_setting_name ?? null;
    if (!profileUuid) continue;
    touched.add(profileUuid);
    if (name && RESTART_ONLY.has(name)) restartWhy.set(profileUuid, `${name} changes only on a restart`);
    if (
      name &&
      STICKY.has(name) &&
      enabledValue(before.settings, profileUuid, name) &&
      !enabledValue(after.settings, profileUuid, name)
    ) {
      restartWhy.set(profileUuid, `a rescan keeps the running ${name} when its row is removed or disabled`);
    }
  }
  if (varsChanged) {
    for (const profile of after.profiles) {
      if (usesExternalVars(after, profile.sip_profile_uuid) || usesExternalVars(before, profile.sip_profile_uuid)) {
        touched.add(profile.sip_profile_uuid);
        restartWhy.set(profile.sip_profile_uuid, 'ext-rtp-ip / ext-sip-ip are resolved only when a profile loads');
      }
    }
  }
  for (const name of input.staleProfiles ?? []) {
    const profile = after.profiles.find((p) => p.sip_profile_name === name);
    if (profile) {
      touched.add(profile.sip_profile_uuid);
      restartWhy.set(profile.sip_profile_uuid, 'its running NAT values differ from the configuration');
    }
  }

  const needsSofia = touched.size > 0;
  if (varsChanged) {
    steps.push({
      kind: 'write-file',
      path: VARS_XML_PATH,
      content: input.varsXml ?? '',
      owner: 'www-data',
      group: 'www-data',
      why: 'FreeSWITCH reads the variables from vars.xml, which FS PBX writes from v_vars.',
    });
    steps.push({ kind: 'fs-cli', command: 'reloadxml', why: 'Loads the new vars.xml.' });
  }
  if (needsSofia) {
    const switchname = before.switchname;
    if (!SAFE_NAME.test(switchname)) {
      warnings.push({
        code: 'unsafe-switchname',
        target: 'pbx',
        message: 'The switch name has unusual characters; clear the sofia cache by hand (FS PBX: Flush Cache).',
      });
    } else if (before.cache.method === 'memcache') {
      steps.push({
        kind: 'fs-cli',
        command: `memcache delete configuration:sofia.conf:${switchname}`,
        why: 'The generated SIP profile configuration is cached; the cached copy must go.',
      });
    } else if (SAFE_DIR.test(before.cache.location) && !before.cache.location.includes('..')) {
      steps.push({
        kind: 'delete-cache-file',
        path: `${before.cache.location.replace(/\/$/, '')}/configuration.sofia.conf.${switchname}`,
        why: 'The generated SIP profile configuration is cached in this file, which never expires.',
      });
    } else {
      warnings.push({
        code: 'unsafe-cache-location',
        target: 'pbx',
        message: 'The cache location is unusual; clear the cache by hand.',
      });
    }
    steps.push({
      kind: 'fs-cli',
      command: 'xml_locate configuration configuration name sofia.conf',
      why: 'Makes FreeSWITCH fetch the SIP profile configuration again, as FS PBX does after a change.',
    });
  }
  const profileActions: Record<string, 'restart' | 'rescan'> = {};
  for (const profile of after.profiles) {
    if (!touched.has(profile.sip_profile_uuid)) continue;
    const name = profile.sip_profile_name;
    if (!SAFE_NAME.test(name)) {
      warnings.push({
        code: 'unsafe-profile-name',
        target: 'pbx',
        message: 'A SIP profile name has unusual characters; restart it by hand.',
      });
      continue;
    }
    if (before.running && !before.running.some((r) => r.name === name)) continue;
    const why = restartWhy.get(profile.sip_profile_uuid);
    if (why) {
      profileActions[name] = 'restart';
      steps.push({
        kind: 'fs-cli',
        command: `sofia profile ${name} restart`,
        why: `Restart needed: ${why}. Calls on this profile drop.`,
        retry: { whileOutputIncludes: RESTART_REFUSED, attempts: 6, delaySeconds: 5 },
      });
    } else {
      profileActions[name] = 'rescan';
      steps.push({
        kind: 'fs-cli',
        command: `sofia profile ${name} rescan`,
        why: 'Applies the changed settings without dropping calls.',
      });
    }
  }
  steps.push(...directorySteps(before, changes, warnings));
  return { steps, warnings, profileActions };
}

function directorySteps(state: PbxState, changes: readonly PbxChange[], warnings: Warning[]): PbxStep[] {
  const steps: PbxStep[] = [];
  for (const change of changes) {
    if (change.path !== 'v_extensions') continue;
    const ext = state.extensions.find((e) => e.extension_uuid === change.key);
    if (!ext || !ext.user_context) continue;
    for (const user of [ext.extension, ext.number_alias]) {
      if (!user) continue;
      const key = `${user}@${ext.user_context}`;
      const unsafeDir =
        state.cache.method === 'file' && (!SAFE_DIR.test(state.cache.location) || state.cache.location.includes('..'));
      if (UNSAFE_CACHE_KEY.test(key) || unsafeDir) {
        warnings.push({
          code: 'unsafe-extension-name',
          target: 'pbx',
          message: 'An extension has unusual characters in its name; its change applies once FS PBX clears its cache.',
        });
        continue;
      }
      const why = 'FS PBX caches each extension; the change applies at the phone’s next REGISTER or call.';
      if (state.cache.method === 'memcache')
        steps.push({ kind: 'fs-cli', command: `memcache delete directory:${key}`, why });
      else
        steps.push({
          kind: 'delete-cache-file',
          path: `${state.cache.location.replace(/\/$/, '')}/directory.${key}`,
          why,
        });
    }
  }
  return steps;
}
