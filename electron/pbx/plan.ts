/**
 * The PBX planner: state + inputs → the database Changes, what is already
 * right, the external profile's NAT settings for review, warnings, and the
 * steps to run after the transaction. Pure; a second run on the resulting
 * state plans nothing.
 */
import type { AppError } from '../../contract/errors';
import { isIPv4, type SiteInputs } from '../../contract/schemas';
import type { Plan, Warning } from '../../contract/types';
import { isCgnat, isPrivate } from '../lan/ipv4';
import { applyPbxChanges } from './apply-rows';
import { keyColumn, numberPbxChanges, type PbxChange } from './change';
import { droppedPorts, ipv4Span } from './host-firewall';
import type { PbxState, PortRange, SettingRow, SipProfileRow, VarRow } from './state';
import { stepsFor, type PbxStep } from './steps';
import { renderVarsXml } from './vars-xml';

export type MediaMode = 'proxy' | 'default' | 'leave';

export interface PbxPlanInputs {
  /** The public address: the router's WAN address, or entered by the technician. */
  publicIp: string;
  mediaMode: MediaMode;
  /** 'ext' or 'ext@domain'; empty = every extension with bypass media. */
  extensions: readonly string[];
  /** The RTP range the router plan forwards. */
  routerRtp?: PortRange;
  /** Ports the router forwards, to check against the host firewall (default SIP 5060/5080 UDP+TCP and the RTP range). */
  forwarded?: { protocol: 'udp' | 'tcp'; range: PortRange; what: string }[];
  /** The router's LAN address: event_guard blocking it breaks hairpin NAT. */
  routerLanAddress?: string;
  /**
   * Fresh uuids for rows the plan inserts, made by the caller (the planner has
   * no randomness). With them the rollback can name inserted rows before the
   * apply; without them the database makes the uuids.
   */
  newIds?: readonly string[];
}

/** Something already as the wizard wants it: shown as "already set". */
export interface Settled {
  path: string;
  item: string;
  value: string | null;
  message: string;
}

export interface ReviewedSetting {
  name: string;
  value: string | null;
  enabled: boolean;
  note: string;
}

export interface PbxPlan extends Plan {
  changes: PbxChange[];
  settled: Settled[];
  /** The external profile's NAT-relevant settings, shown for review. */
  review: { profile: string; settings: ReviewedSetting[] }[];
  steps: PbxStep[];
  profileActions: Record<string, 'restart' | 'rescan'>;
}

export type PbxPlanResult = { ok: true; plan: PbxPlan } | { ok: false; errors: AppError[] };

type Draft = Omit<PbxChange, 'id'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const BYPASS = new Set(['bypass-media', 'bypass-media-after-bridge']);

export const MEDIA_TRADE_OFF =
  'Proxy Media relays the audio through FreeSWITCH without touching it, so calls work behind NAT, but those calls ' +
  'cannot be recorded, transcoded or use in-band DTMF. The alternative, the PBX default media handling, keeps all ' +
  'of that and also works behind NAT, at the cost of more CPU on the PBX.';

function profilesNamed(state: PbxState, name: string): SipProfileRow[] {
  return state.profiles.filter(
    (p) =>
      p.sip_profile_name === name &&
      p.sip_profile_enabled !== 'false' &&
      (p.sip_profile_hostname === null || p.sip_profile_hostname === '' || p.sip_profile_hostname === state.hostname),
  );
}

function rowsOf(state: PbxState, profile: SipProfileRow, name: string): SettingRow[] {
  return state.settings.filter(
    (r) => r.sip_profile_uuid === profile.sip_profile_uuid && r.sip_profile_setting_name === name,
  );
}

const enabled = (r: SettingRow): boolean => r.sip_profile_setting_enabled === 'true';

function setRow(row: SettingRow, after: Record<string, string>, reason: string): Draft {
  const before: Record<string, string | null> = {};
  for (const key of Object.keys(after)) before[key] = row[key] ?? null;
  return {
    target: 'pbx',
    path: 'v_sip_profile_settings',
    action: 'set',
    key: row.sip_profile_setting_uuid,
    before,
    after,
    reason,
  };
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
  };
}

/** A setting that may appear once: every enabled row gets the value; else one row is enabled or added. */
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
  if (on.length > 0 && on.every((r) => r.sip_profile_setting_value === value)) {
    out.settled.push({ path: 'v_sip_profile_settings', item: label, value, message: `${label} is already ${value}.` });
    return;
  }
  if (on.length > 0) {
    for (const row of on.filter((r) => r.sip_profile_setting_value !== value)) {
      out.changes.push(setRow(row, { sip_profile_setting_value: value }, why));
    }
    return;
  }
  const off = rows[0];
  if (off)
    out.changes.push(setRow(off, { sip_profile_setting_value: value, sip_profile_setting_enabled: 'true' }, why));
  else out.changes.push(insertSetting(profile, name, value, why));
}

/** apply-nat-acl is cumulative: never a second enabled row. */
function ensureNatAcl(state: PbxState, profile: SipProfileRow, out: Outcome): void {
  const name = 'apply-nat-acl';
  const value = 'nat.auto';
  const rows = rowsOf(state, profile, name);
  const on = rows.filter(enabled);
  const label = `${profile.sip_profile_name} ${name}`;
  const why =
    'Lets FreeSWITCH recognise phones behind NAT (private addresses) and answer them at their public address.';
  if (on.some((r) => r.sip_profile_setting_value === value)) {
    out.settled.push({ path: 'v_sip_profile_settings', item: label, value, message: `${label} is already ${value}.` });
    const others = on.filter((r) => r.sip_profile_setting_value !== value);
    if (others.length > 0) {
      out.warnings.push({
        code: 'nat-acl-cumulative',
        target: 'pbx',
        message: `${label} also has ${others.map((r) => r.sip_profile_setting_value ?? '').join(', ')}: these rows add up; check they are wanted.`,
      });
    }
    return;
  }
  const first = on[0];
  if (first) {
    out.changes.push(
      setRow(
        first,
        { sip_profile_setting_value: value },
        `${why} The rows add up, so the existing one is changed rather than a second one added.`,
      ),
    );
    return;
  }
  const off = rows.find((r) => r.sip_profile_setting_value === value) ?? rows[0];
  if (off)
    out.changes.push(setRow(off, { sip_profile_setting_value: value, sip_profile_setting_enabled: 'true' }, why));
  else out.changes.push(insertSetting(profile, name, value, why));
}

function ensureVar(state: PbxState, name: string, value: string, out: Outcome): void {
  const rows = state.vars.filter(
    (r) =>
      r.var_name === name && (r.var_hostname === null || r.var_hostname === '' || r.var_hostname === state.hostname),
  );
  const on = rows.filter((r) => r.var_enabled === 'true');
  const why = `${name} is the address FreeSWITCH puts in SIP and SDP for callers outside; it defaults to the LAN address, which breaks NAT. autonat: tells FreeSWITCH to use the public address for outside callers only.`;
  if (on.length > 0 && on.every((r) => r.var_value === value)) {
    out.settled.push({ path: 'v_vars', item: name, value, message: `${name} is already ${value}.` });
    return;
  }
  const set = (row: VarRow, after: Record<string, string>): Draft => {
    const before: Record<string, string | null> = {};
    for (const key of Object.keys(after)) before[key] = row[key] ?? null;
    return { target: 'pbx', path: 'v_vars', action: 'set', key: row.var_uuid, before, after, reason: why };
  };
  if (on.length > 0) {
    for (const row of on.filter((r) => r.var_value !== value)) out.changes.push(set(row, { var_value: value }));
    return;
  }
  if (rows[0]) {
    out.changes.push(set(rows[0], { var_value: value, var_enabled: 'true' }));
    return;
  }
  const orders = state.vars
    .filter((r) => r.var_category === 'IP Address' && r.var_order !== null)
    .map((r) => Number(r.var_order))
    .filter(Number.isFinite);
  out.changes.push({
    target: 'pbx',
    path: 'v_vars',
    action: 'add',
    before: null,
    after: {
      var_category: 'IP Address',
      var_name: name,
      var_value: value,
      var_command: 'set',
      var_hostname: null,
      var_enabled: 'true',
      var_order: String(orders.length ? Math.max(...orders) + 1 : 0),
      var_description: null,
    },
    reason: why,
  });
}

interface Outcome {
  changes: Draft[];
  settled: Settled[];
  warnings: Warning[];
  errors: AppError[];
}

function planExtensions(state: PbxState, inputs: PbxPlanInputs, out: Outcome): void {
  if (inputs.mediaMode === 'leave') return;
  const domainOf = new Map(state.domains.map((d) => [d.domain_uuid, d.domain_name]));
  let chosen = state.extensions.filter((e) => BYPASS.has(e.sip_bypass_media ?? ''));
  if (inputs.extensions.length > 0) {
    chosen = [];
    inputs.extensions.forEach((wanted, index) => {
      const [ext, domain] = wanted.split('@');
      const hits = state.extensions.filter(
        (e) =>
          e.extension === ext &&
          (domain === undefined || e.user_context === domain || domainOf.get(e.domain_uuid ?? '') === domain),
      );
      if (hits.length === 0) {
        out.errors.push({
          code: 'invalid_input',
          field: `options.extensions.${index}`,
          message: `There is no extension ${wanted} on this PBX.`,
        });
      }
      for (const hit of hits) if (!chosen.includes(hit)) chosen.push(hit);
    });
  }
  const target = inputs.mediaMode === 'proxy' ? 'proxy-media' : null;
  for (const ext of chosen) {
    const where = `${ext.extension ?? '?'}@${ext.user_context ?? '?'}`;
    const current = ext.sip_bypass_media;
    const already = target === null ? current === null || current === '' : current === target;
    if (already) {
      out.settled.push({
        path: 'v_extensions',
        item: where,
        value: current,
        message: `Extension ${where} already uses ${target === null ? 'the default media handling' : 'Proxy Media'}.`,
      });
      continue;
    }
    out.changes.push({
      target: 'pbx',
      path: 'v_extensions',
      action: 'set',
      key: ext.extension_uuid,
      before: { sip_bypass_media: current },
      after: { sip_bypass_media: target },
      reason:
        (BYPASS.has(current ?? '')
          ? `Extension ${where} uses bypass media: its audio would flow phone to phone and break behind NAT. `
          : `Extension ${where} was chosen by the technician. `) +
        (target === null ? 'It moves to the PBX default media handling. ' : 'It moves to Proxy Media. ') +
        MEDIA_TRADE_OFF,
    });
  }
}

const REVIEWED = [
  'sip-ip',
  'sip-port',
  'rtp-ip',
  'ext-sip-ip',
  'ext-rtp-ip',
  'apply-nat-acl',
  'aggressive-nat-detection',
  'local-network-acl',
  'apply-inbound-acl',
  'NDLB-force-rport',
];

function reviewProfile(state: PbxState, profile: SipProfileRow): ReviewedSetting[] {
  const out: ReviewedSetting[] = [];
  for (const name of REVIEWED) {
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
      let note = 'OK.';
      if (
        (name === 'ext-sip-ip' || name === 'ext-rtp-ip') &&
        enabled(row) &&
        !/\$\$\{external_(sip|rtp)_ip\}/.test(value ?? '')
      ) {
        note = 'Not the FS PBX variable: the external_*_ip fix does not reach this profile.';
      }
      out.push({ name, value, enabled: enabled(row), note: enabled(row) ? note : 'Disabled row: ignored.' });
    }
  }
  return out;
}

function firewallWarnings(state: PbxState, inputs: PbxPlanInputs): Warning[] {
  const warnings: Warning[] = [];
  if (!state.firewall) {
    warnings.push({
      code: 'host-firewall-unknown',
      target: 'pbx',
      message: 'The PBX host firewall could not be read; check it allows SIP and RTP.',
    });
    return warnings;
  }
  const rtp = inputs.routerRtp ?? state.rtp;
  const forwarded = inputs.forwarded ?? [
    ...(['udp', 'tcp'] as const).flatMap((protocol) => [
      { protocol, range: { start: 5060, end: 5060 }, what: `SIP ${protocol.toUpperCase()} 5060` },
      { protocol, range: { start: 5080, end: 5080 }, what: `SIP ${protocol.toUpperCase()} 5080` },
    ]),
    { protocol: 'udp' as const, range: rtp, what: 'RTP' },
  ];
  for (const f of forwarded) {
    const dropped = droppedPorts(state.firewall, f.protocol, f.range);
    if (dropped.length === 0) continue;
    const ports = dropped.map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`)).join(', ');
    warnings.push({
      code: 'host-firewall-drops',
      target: 'pbx',
      message: `The PBX host firewall (iptables) drops ${f.what} on ${f.protocol.toUpperCase()} ${ports}: the router would forward it, but the PBX would not let it in.`,
    });
  }
  if (inputs.routerLanAddress && isIPv4(inputs.routerLanAddress)) {
    const source = ipv4Span(inputs.routerLanAddress)!;
    if (droppedPorts(state.firewall, 'udp', { start: 5060, end: 5060 }, source).length > 0) {
      warnings.push({
        code: 'host-firewall-blocks-router',
        target: 'pbx',
        message: `The PBX host firewall drops SIP from the router (${inputs.routerLanAddress}), probably event_guard after failed logins; with hairpin NAT every phone then looks like the router. Unblock it in FS PBX.`,
      });
    }
  }
  return warnings;
}

function loopbackSettings(state: PbxState): Warning[] {
  const warnings: Warning[] = [];
  for (const profile of state.profiles.filter((p) => p.sip_profile_enabled !== 'false')) {
    const bound = state.settings.some(
      (r) =>
        r.sip_profile_uuid === profile.sip_profile_uuid &&
        enabled(r) &&
        (r.sip_profile_setting_name === 'sip-ip' || r.sip_profile_setting_name === 'rtp-ip') &&
        (r.sip_profile_setting_value ?? '').startsWith('127.'),
    );
    if (bound) {
      warnings.push({
        code: 'profile-on-loopback',
        target: 'pbx',
        message: `SIP profile ${profile.sip_profile_name} is configured on a 127.x address: nothing outside the PBX can reach it.`,
      });
    }
  }
  return warnings;
}

function runningWarnings(state: PbxState): Warning[] {
  if (!state.running) {
    return [
      {
        code: 'freeswitch-not-answering',
        target: 'pbx',
        message: 'FreeSWITCH did not report its SIP profiles; running values cannot be checked.',
      },
    ];
  }
  const warnings: Warning[] = [];
  for (const profile of state.running) {
    const bound = Object.entries(profile.info).filter(
      ([k, v]) => /^(sip-ip|rtp-ip|url|bind-url)$/.test(k) && v.includes('127.0.0.1'),
    );
    if (bound.length > 0) {
      warnings.push({
        code: 'profile-on-loopback',
        target: 'pbx',
        message: `SIP profile ${profile.name} is bound to 127.0.0.1: nothing outside the PBX can reach it. Check its sip-ip and the local_ip_v4 variable.`,
      });
    }
  }
  return warnings;
}

/** Profiles whose running ext-rtp-ip / ext-sip-ip differ from the public address although the configuration has it. */
function staleProfiles(state: PbxState, after: PbxState, publicIp: string): string[] {
  if (!state.running) return [];
  const target = `autonat:${publicIp}`;
  const varsOk = ['external_rtp_ip', 'external_sip_ip'].every((name) =>
    after.vars.some((v) => v.var_name === name && v.var_enabled === 'true' && v.var_value === target),
  );
  if (!varsOk) return [];
  return state.running
    .filter((p) => {
      const profile = state.profiles.find((row) => row.sip_profile_name === p.name);
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

export function planPbx(state: PbxState, inputs: PbxPlanInputs): PbxPlanResult {
  const out: Outcome = { changes: [], settled: [], warnings: [], errors: [] };
  if (!isIPv4(inputs.publicIp)) {
    out.errors.push({
      code: 'invalid_input',
      field: 'options.publicIp',
      message: `"${inputs.publicIp}" is not an IPv4 address; enter the public address.`,
    });
  }
  const internal = profilesNamed(state, 'internal');
  if (internal.length === 0) {
    out.errors.push({
      code: 'invalid_input',
      field: 'pbx',
      message: 'This PBX has no enabled "internal" SIP profile; it does not look like a stock FS PBX.',
    });
  }
  if (out.errors.length > 0) return { ok: false, errors: out.errors };

  for (const profile of internal) {
    ensureSingle(
      state,
      profile,
      'aggressive-nat-detection',
      'true',
      'Makes the internal profile look for NAT in every request, so remote phones behind NAT keep working.',
      out,
    );
    ensureNatAcl(state, profile, out);
  }
  const target = `autonat:${inputs.publicIp}`;
  ensureVar(state, 'external_rtp_ip', target, out);
  ensureVar(state, 'external_sip_ip', target, out);
  planExtensions(state, inputs, out);
  if (out.errors.length > 0) return { ok: false, errors: out.errors };

  if (isPrivate(inputs.publicIp) || isCgnat(inputs.publicIp)) {
    out.warnings.push({
      code: 'public-ip-private',
      target: 'pbx',
      message: `${inputs.publicIp} is not a public address: phones outside would be told to send audio to an address they cannot reach.`,
    });
  }
  const routerRtp = inputs.routerRtp;
  if (routerRtp && (routerRtp.start !== state.rtp.start || routerRtp.end !== state.rtp.end)) {
    out.warnings.push({
      code: 'rtp-range-mismatch',
      target: 'pbx',
      message: `The router forwards RTP ${routerRtp.start}-${routerRtp.end} but FreeSWITCH uses ${state.rtp.start}-${state.rtp.end} (${state.rtp.source}): audio would be lost.`,
    });
  }
  out.warnings.push(...firewallWarnings(state, inputs), ...loopbackSettings(state), ...runningWarnings(state));

  const ids = [...(inputs.newIds ?? [])];
  for (const draft of out.changes) {
    if (draft.action !== 'add' || ids.length === 0) continue;
    const id = ids.shift()!;
    if (!UUID.test(id)) {
      return { ok: false, errors: [{ code: 'internal', message: 'A fresh row id is not a uuid.', detail: id }] };
    }
    draft.after = { [keyColumn(draft.path)]: id, ...draft.after };
  }
  const changes = numberPbxChanges(out.changes, 'pbx');
  const after = applyPbxChanges(state, changes);
  const stepPlan = stepsFor({
    before: state,
    after,
    changes,
    varsXml: renderVarsXml(after.vars, state.switchname),
    staleProfiles: staleProfiles(state, after, inputs.publicIp),
  });
  const review = profilesNamed(state, 'external').map((p) => ({
    profile: p.sip_profile_name,
    settings: reviewProfile(state, p),
  }));
  return {
    ok: true,
    plan: {
      changes,
      warnings: [...out.warnings, ...stepPlan.warnings],
      facts: {
        'pbx.publicIp': inputs.publicIp,
        'pbx.rtp': `${state.rtp.start}-${state.rtp.end} (${state.rtp.source})`,
        'pbx.switchname': state.switchname,
        'pbx.cache': `${state.cache.method} ${state.cache.location}`,
      },
      settled: out.settled,
      review,
      steps: stepPlan.steps,
      profileActions: stepPlan.profileActions,
    },
  };
}

/**
 * The PBX planner's inputs from the site inputs: the public address is the one
 * the technician entered, else the router's WAN address.
 */
export function pbxInputsFrom(
  site: Pick<SiteInputs, 'options'>,
  router: { wanAddress?: string; rtp?: PortRange; lanAddress?: string },
): PbxPlanInputs | undefined {
  const publicIp = site.options.publicIp ?? router.wanAddress;
  if (publicIp === undefined) return undefined;
  const inputs: PbxPlanInputs = {
    publicIp,
    mediaMode: site.options.mediaMode,
    extensions: site.options.extensions,
  };
  if (router.rtp) inputs.routerRtp = router.rtp;
  if (router.lanAddress) inputs.routerLanAddress = router.lanAddress;
  return inputs;
}
