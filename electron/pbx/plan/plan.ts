/**
 * The PBX planner: state + inputs → the database Changes, what is already
 * right, the external profile's NAT settings for review, warnings, and the
 * steps to run after the transaction. Pure; a second run on the resulting
 * state plans nothing. Its parts: plan-profiles (the settings table on the
 * internal profile), plan-vars, plan-extensions, plan-warnings, stale, steps.
 */
import type { AppError } from '../../../contract/errors';
import { isIPv4 } from '../../../contract/ipv4';
import type { Plan } from '../../../contract/types';
import { isCgnat, isPrivate } from '../../lan/ipv4';
import { applyPbxChanges } from './apply-rows';
import { keyColumn, numberPbxChanges, type PbxChange } from '../model/change';
import { outsideManaged } from './managed';
import { planExtensions, type MediaMode } from './plan-extensions';
import { newOutcome, type Settled } from './plan-outcome';
import { planInternalProfile, reviewProfile, type ReviewedSetting } from './plan-profiles';
import { ensureVar, NAT_VARS, varsXmlDisagrees } from './plan-vars';
import { firewallWarnings, loopbackSettings, runningWarnings } from './plan-warnings';
import { profilesNamed } from '../model/profile-rows';
import { staleProfiles } from './stale';
import type { PbxState, PortRange } from '../model/state';
import { stepsFor, type PbxStep } from './steps';
import { renderVarsXml } from './vars-xml';

export { MEDIA_TRADE_OFF, type MediaMode } from './plan-extensions';
export type { Settled } from './plan-outcome';
export type { ReviewedSetting } from './plan-profiles';

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

export interface PbxPlan extends Plan {
  changes: PbxChange[];
  settled: Settled[];
  /** The external profile's NAT-relevant settings, shown for review. */
  review: { profile: string; settings: ReviewedSetting[] }[];
  steps: PbxStep[];
  profileActions: Record<string, 'restart' | 'rescan'>;
}

export type PbxPlanResult = { ok: true; plan: PbxPlan } | { ok: false; errors: AppError[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function planPbx(state: PbxState, inputs: PbxPlanInputs): PbxPlanResult {
  const out = newOutcome();
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

  for (const profile of internal) planInternalProfile(state, profile, out);
  const target = `autonat:${inputs.publicIp}`;
  for (const name of NAT_VARS) ensureVar(state, name, target, out);
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
  // The planner stays inside what the wizard manages (managed.ts), which is all a rollback restores.
  const outside = changes.map((c) => outsideManaged(c, state)).find((why) => why !== undefined);
  if (outside !== undefined) {
    return {
      ok: false,
      errors: [
        {
          code: 'invalid_input',
          field: 'pbx',
          message:
            'A row the plan would change is not one the wizard manages (a NAT variable asking for a command other than set, or an unusual value): correct it in FS PBX and plan again.',
          detail: outside,
        },
      ],
    };
  }
  const after = applyPbxChanges(state, changes);
  const rendered = renderVarsXml(after.vars, state.switchname, state.varsXml);
  if (!rendered.ok) return { ok: false, errors: [rendered.error] };
  const varsXml = rendered.value.xml;
  const stepPlan = stepsFor({
    before: state,
    after,
    changes,
    varsXml,
    staleProfiles: staleProfiles(state, after, inputs.publicIp),
    // vars.xml is what FreeSWITCH reads: checked against the rows even when they are right.
    rewriteVars: varsXmlDisagrees(state, varsXml),
  });
  const review = profilesNamed(state, 'external').map((p) => ({
    profile: p.sip_profile_name,
    settings: reviewProfile(state, p),
  }));
  return {
    ok: true,
    plan: {
      changes,
      warnings: [...out.warnings, ...rendered.value.warnings, ...stepPlan.warnings],
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
