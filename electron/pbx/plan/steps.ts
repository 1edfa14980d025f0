/**
 * What has to happen on the PBX host after the database transaction, as data,
 * in the order the sources require: vars.xml, then `reloadxml` (FS PBX's Lua
 * handler substitutes $${external_rtp_ip} from the globals of the moment and
 * caches the result, nemerald-voip/fspbx sofia.conf.lua:256-263, :308), then
 * the cached sofia.conf deleted, then per profile a rescan (what FS PBX itself
 * runs after a profile change, SofiaProfileRuntimeService.php:100-140) or, where
 * FreeSWITCH's source shows a rescan is not enough, a restart. Pure.
 */
import type { Warning } from '../../../contract/types';
import type { PbxChange } from '../model/change';
import { RESTART_REFUSED } from '../parse/fs-cli-output';
import { varsXmlValues } from './plan-vars';
import { ruleFor } from '../model/profile-settings';
import { VARS_XML_PATH, type PbxState, type SettingRow } from '../model/state';

export { RESTART_REFUSED } from '../parse/fs-cli-output';

export type PbxStep =
  | { kind: 'write-file'; path: string; content: string; owner: string; group: string; why: string }
  | { kind: 'delete-cache-file'; path: string; why: string }
  | {
      kind: 'fs-cli';
      command: string;
      why: string;
      /** Retry while FreeSWITCH answers with this text (a restart within 10 s of the last start). */
      retry?: { whileOutputIncludes: string; attempts: number; delaySeconds: number };
      /** A restart returns at once: wait until this profile runs again (mod_sofia.c:3779-3783). */
      waitRunning?: string;
    };

const EXTERNAL_VARS = /\$\$\{external_(rtp|sip)_ip\}/;

/** Names that are safe inside an fs_cli command and a cache file name. */
export const SAFE_NAME = /^[A-Za-z0-9._-]+$/;
const SAFE_DIR = /^\/[A-Za-z0-9._/-]*$/;
// eslint-disable-next-line no-control-regex
const UNSAFE_CACHE_KEY = /[/\\\s\u0000-\u001f\u007f]/;

function enabledValues(rows: readonly SettingRow[], profileUuid: string, name: string): (string | null)[] {
  return rows
    .filter(
      (r) =>
        r.sip_profile_uuid === profileUuid &&
        r.sip_profile_setting_name === name &&
        r.sip_profile_setting_enabled === 'true',
    )
    .map((r) => r.sip_profile_setting_value);
}

function usesExternalVars(state: PbxState, profileUuid: string): boolean {
  return state.settings.some(
    (r) =>
      r.sip_profile_uuid === profileUuid &&
      r.sip_profile_setting_enabled === 'true' &&
      EXTERNAL_VARS.test(r.sip_profile_setting_value ?? ''),
  );
}

/**
 * Why a changed setting needs a restart, or undefined when a rescan applies
 * it. The rule comes from the settings table (profile-settings.ts).
 */
export function restartReason(
  name: string | null,
  before: (string | null)[],
  after: (string | null)[],
): string | undefined {
  const rule = ruleFor(name);
  const label = name ?? 'a setting';
  if (rule.rescan === 'bound') return `${label} is bound when the profile starts; a rescan does not change it`;
  if (rule.rescan === 'rebuilt') return undefined;
  if (rule.rescan === 'appends') {
    // A rescan only adds: an entry changed, disabled or removed stays in the running list.
    const dropped = before.filter((v) => !after.includes(v));
    if (dropped.length > 0) return `a rescan adds ${label} entries but never removes the old one`;
    // Every rescan appends the enabled rows again to a list of 25 at most: a new entry may no longer fit.
    const added = after.filter((v) => !before.includes(v));
    return added.length > 0 ? `a rescan appends ${label} entries to a list that may already be full` : undefined;
  }
  if (before.length > 0 && after.length === 0)
    return `a rescan keeps the running ${label} when its row is removed or disabled`;
  if ((name === 'ext-rtp-ip' || name === 'ext-sip-ip') && after.some((v) => v?.toLowerCase() === 'auto-nat')) {
    return `${label} auto-nat sets no address, so a rescan keeps the old one`;
  }
  return undefined;
}

/**
 * Does the profile's enabled ext-sip-ip row take its value from one of these variables
 * (every variable when `names` is undefined: vars.xml rewritten as a whole)?
 */
function extSipIpUsesVars(state: PbxState, profileUuid: string, names: ReadonlySet<string> | undefined): boolean {
  return enabledValues(state.settings, profileUuid, 'ext-sip-ip').some((v) =>
    [...(v ?? '').matchAll(/\$\$\{([^}]*)\}/g)].some((m) => names === undefined || names.has(m[1]!)),
  );
}

/** Variables a new vars.xml gives another value than the old one (as the preprocessor reads both). */
function varsXmlDiff(old: string | null, next: string | undefined): string[] {
  if (old === null || next === undefined) return [];
  const a = varsXmlValues(old);
  const b = varsXmlValues(next);
  return [...new Set([...a.keys(), ...b.keys()])].filter((name) => a.get(name) !== b.get(name));
}

/** The variable names the plan's v_vars changes touch, before or after. */
function changedVarNames(before: PbxState, after: PbxState, changes: readonly PbxChange[]): Set<string> {
  const names = new Set<string>();
  for (const c of changes) {
    if (c.path !== 'v_vars') continue;
    const rows = [...before.vars, ...after.vars].filter((v) => v.var_uuid === c.key);
    for (const n of [...rows.map((r) => r.var_name), c.before?.var_name, c.after?.var_name]) if (n) names.add(n);
  }
  return names;
}

/**
 * The loaded gateways of a running profile that register (every state but NOREG,
 * mod_sofia.c:2783-2796): their Contact was built once from the profile's
 * ext-sip-ip when they were loaded (sofia.c:4133-4197) and a rescan skips them
 * as duplicates (sofia.c:3783-3789), so they keep registering with the old address.
 */
export function registeringGateways(state: PbxState, profile: string): string[] {
  const running = state.running?.find((r) => r.name === profile);
  return (running?.gateways ?? []).filter((g) => g.state !== 'NOREG' && SAFE_NAME.test(g.name)).map((g) => g.name);
}

export interface StepInputs {
  before: PbxState;
  after: PbxState;
  changes: readonly PbxChange[];
  /** vars.xml to write when v_vars changed: rendered for an apply, the snapshot's bytes for a restore. */
  varsXml?: string;
  /** Profiles to reload even without a change (their running values are stale). */
  staleProfiles?: readonly string[];
  /** vars.xml on disk does not say what v_vars says (an interrupted run, a hand edit): write it. */
  rewriteVars?: boolean;
}

export interface StepPlan {
  steps: PbxStep[];
  warnings: Warning[];
  /** profile name → how it takes the change, for the review. */
  profileActions: Record<string, 'restart' | 'rescan'>;
}

function sofiaCacheSteps(state: PbxState, warnings: Warning[]): PbxStep[] {
  const switchname = state.switchname;
  if (!SAFE_NAME.test(switchname)) {
    warnings.push({
      code: 'unsafe-switchname',
      target: 'pbx',
      message: 'The switch name has unusual characters; clear the sofia cache by hand (FS PBX: Flush Cache).',
    });
    return [];
  }
  const why =
    'FS PBX caches the generated SIP profile configuration, with the variables of that moment, and never expires it.';
  if (state.cache.method === 'memcache') {
    return [{ kind: 'fs-cli', command: `memcache delete configuration:sofia.conf:${switchname}`, why }];
  }
  if (SAFE_DIR.test(state.cache.location) && !state.cache.location.includes('..')) {
    return [
      {
        kind: 'delete-cache-file',
        path: `${state.cache.location.replace(/\/$/, '')}/configuration.sofia.conf.${switchname}`,
        why,
      },
    ];
  }
  warnings.push({
    code: 'unsafe-cache-location',
    target: 'pbx',
    message: 'The cache location is unusual; clear the cache by hand.',
  });
  return [];
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
  /** Profiles whose ext-sip-ip may change with this plan: their gateways' Contact must be rebuilt. */
  const extSipIpMoves = new Set<string>();
  for (const change of changes) {
    if (change.path !== 'v_sip_profile_settings') continue;
    const row = change.key ? settingRows.get(change.key) : undefined;
    const profileUuid = row?.sip_profile_uuid ?? change.after?.sip_profile_uuid ?? undefined;
    const name = row?.sip_profile_setting_name ?? change.after?.sip_profile_setting_name ?? null;
    if (!profileUuid) continue;
    touched.add(profileUuid);
    if (name === 'ext-sip-ip') extSipIpMoves.add(profileUuid);
    if (name === null) continue;
    const why = restartReason(
      name,
      enabledValues(before.settings, profileUuid, name),
      enabledValues(after.settings, profileUuid, name),
    );
    if (why && !restartWhy.has(profileUuid)) restartWhy.set(profileUuid, why);
  }
  // The variables whose value FreeSWITCH will see change: the rows the plan changes, and what the
  // vars.xml written differs in from the one on disk (unknown when either text is missing: all).
  const varNames =
    input.rewriteVars === true && (before.varsXml === null || input.varsXml === undefined)
      ? undefined
      : new Set([...changedVarNames(before, after, changes), ...varsXmlDiff(before.varsXml, input.varsXml)]);
  if (varsChanged) {
    for (const profile of after.profiles) {
      if (usesExternalVars(after, profile.sip_profile_uuid) || usesExternalVars(before, profile.sip_profile_uuid)) {
        touched.add(profile.sip_profile_uuid);
      }
      if (
        extSipIpUsesVars(after, profile.sip_profile_uuid, varNames) ||
        extSipIpUsesVars(before, profile.sip_profile_uuid, varNames)
      ) {
        extSipIpMoves.add(profile.sip_profile_uuid);
      }
    }
  }
  for (const name of input.staleProfiles ?? []) {
    const profile = after.profiles.find((p) => p.sip_profile_name === name);
    if (profile) {
      touched.add(profile.sip_profile_uuid);
      // Its running ext-sip-ip is not what the configuration says: neither is its gateways' Contact.
      extSipIpMoves.add(profile.sip_profile_uuid);
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
  }
  if (varsChanged || needsSofia) {
    // Before the cache goes: the next generation of sofia.conf copies the globals of that moment.
    steps.push({
      kind: 'fs-cli',
      command: 'reloadxml',
      why: 'Loads vars.xml into FreeSWITCH’s variables before the SIP profile configuration is generated again.',
    });
  }
  if (needsSofia) steps.push(...sofiaCacheSteps(before, warnings));
  const profileActions: Record<string, 'restart' | 'rescan'> = {};
  for (const profile of after.profiles) {
    if (!touched.has(profile.sip_profile_uuid)) continue;
    const name = profile.sip_profile_name;
    if (!SAFE_NAME.test(name)) {
      warnings.push({
        code: 'unsafe-profile-name',
        target: 'pbx',
        message: 'A SIP profile name has unusual characters; rescan it by hand.',
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
        waitRunning: name,
      });
    } else {
      profileActions[name] = 'rescan';
      if (extSipIpMoves.has(profile.sip_profile_uuid)) {
        for (const gateway of registeringGateways(before, name)) {
          steps.push({
            kind: 'fs-cli',
            command: `sofia profile ${name} killgw ${gateway}`,
            why:
              'A rescan keeps a loaded gateway with the Contact it built from the old ext-sip-ip (FreeSWITCH sofia.c:3783-3789, :4133-4197); ' +
              'removing it lets the rescan load it again with the new address, without dropping calls, as FS PBX does (GatewayService.php:104-109, :148).',
          });
        }
      }
      steps.push({
        kind: 'fs-cli',
        command: `sofia profile ${name} rescan`,
        why: 'Re-reads the profile’s settings (ext-rtp-ip, ext-sip-ip, NAT detection) without dropping calls.',
      });
    }
  }
  steps.push(...directorySteps(before, changes, warnings));
  return { steps, warnings, profileActions };
}

function directorySteps(state: PbxState, changes: readonly PbxChange[], warnings: Warning[]): PbxStep[] {
  const steps: PbxStep[] = [];
  const domainOf = new Map(state.domains.map((d) => [d.domain_uuid, d.domain_name]));
  const seen = new Set<string>();
  for (const change of changes) {
    if (change.path !== 'v_extensions') continue;
    const ext = state.extensions.find((e) => e.extension_uuid === change.key);
    if (!ext) continue;
    // FS PBX's directory.lua keys by the domain name (directory.lua:160, :707, :716-721); its PHP
    // clears by user_context (ExtensionsController.php:1043). Clear both where they differ.
    const domains = [domainOf.get(ext.domain_uuid ?? '') ?? null, ext.user_context].filter(
      (d, i, all): d is string => !!d && all.indexOf(d) === i,
    );
    for (const domain of domains) {
      for (const user of [ext.extension, ext.number_alias]) {
        if (!user) continue;
        const key = `${user}@${domain}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const unsafeDir =
          state.cache.method === 'file' &&
          (!SAFE_DIR.test(state.cache.location) || state.cache.location.includes('..'));
        if (UNSAFE_CACHE_KEY.test(key) || unsafeDir) {
          warnings.push({
            code: 'unsafe-extension-name',
            target: 'pbx',
            message:
              'An extension has unusual characters in its name; its change applies once FS PBX clears its cache.',
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
  }
  return steps;
}
