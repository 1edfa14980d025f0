/**
 * Verify a run: read both boxes now, run the read-back checks, then the
 * traffic checks (SIP probes from this laptop, router counters around them,
 * trunk registrations). The result goes into the run record.
 */
import { Failure } from '../../contract/errors';
import type { CheckGroup, SiteFacts, VerifyCheck, VerifyResult } from '../../contract/types';
import type { PbxState } from '../pbx/model/state';
import type { RouterState } from '../routeros/state';
import type { SiteRun } from '../store';
import { siteFacts } from './facts';
import { probeFromOutside } from '../probe/outside';
import { tlsHandshakes } from '../probe/tls';
import { conntrackCheck, conntrackTargets } from '../routeros/conntrack';
import type { Access, SiteDeps } from './run';
import type { RouterSide } from './sides';
import { runTraffic, sipPortsOf, type TrafficIo } from './traffic';
import {
  forwardedSecure,
  secureListenerChecks,
  secureProbes,
  secureRouterChecks,
  secureSipForwards,
} from './secure-forwards';
import {
  askableUser,
  forwardedPorts,
  gatewayContactChecks,
  hairpinRules,
  mediaChecks,
  natAclCheck,
  overall,
  pbxChecks,
  plannedMedia,
  routerChecks,
  routerAccountCheck,
  wanCheck,
  wanMovedCheck,
  type MediaAnswer,
} from './checks';

async function mediaAnswer(
  ask: (command: string) => Promise<string | undefined>,
  entry: ReturnType<typeof plannedMedia>[number],
): Promise<MediaAnswer> {
  if (!askableUser(entry.user)) return entry;
  const [proxyMedia, bypassMedia] = await Promise.all([
    ask(`user_data ${entry.user} var proxy_media`),
    ask(`user_data ${entry.user} var bypass_media`),
  ]);
  return {
    ...entry,
    ...(proxyMedia === undefined ? {} : { proxyMedia: proxyMedia.trim() }),
    ...(bypassMedia === undefined ? {} : { bypassMedia: bypassMedia.trim() }),
  };
}

/** The answers come from the one fs_cli batch already asked: no channel is opened per question. */
function mediaAnswers(
  ask: (command: string) => Promise<string | undefined>,
  planned: ReturnType<typeof plannedMedia>,
): Promise<MediaAnswer[]> {
  return Promise.all(planned.map((e) => mediaAnswer(ask, e)));
}

function trafficIo(router: RouterSide, ask: (command: string) => Promise<string | undefined>): TrafficIo {
  return {
    // The state reader prints /ip/firewall/nat, whose items carry the packets counter.
    natCounters: async () => (await router.read()).nat,
    sipOptions: (target, ports, timeoutMs) => probeFromOutside(target, { sipPorts: ports, rtpPorts: [], timeoutMs }),
    fsCli: ask,
    tlsHandshakes,
  };
}

/** A run recorded before site facts were kept, and that did not show them: the facts as the boxes give them now. */
function factsNow(run: SiteRun, routerState: RouterState, pbxState: PbxState): SiteFacts | undefined {
  try {
    return siteFacts(run.inputs, routerState, pbxState);
  } catch {
    return undefined;
  }
}

/** Checks an applied run against the boxes as they are now: the run as read once by the caller (store/visit.ts). */
export async function verifySite(
  deps: SiteDeps,
  run: SiteRun,
  access: Access,
  watchSeconds = 0,
): Promise<VerifyResult> {
  const runId = run.runId;
  // Before apply every check would read "someone removed it": one sentence instead, and no login.
  if (run.status === 'planned') {
    throw new Failure({
      code: 'invalid_input',
      message: `Run ${runId} is not applied yet, so there is nothing to verify: apply it first.`,
      field: 'runId',
    });
  }
  const plan = run.plan;
  const inputs = { ...run.inputs, ...access };
  const router = await deps.openRouter(access.router);
  try {
    const pbx = await deps.openPbx(access.pbx);
    // Every fs_cli question of this verify is asked in one exec (batch.ts), password values blanked on the PBX.
    let answers = new Map<string, string | undefined>();
    const ask = (command: string) => Promise.resolve(answers.get(command));
    try {
      const [routerState, pbxState] = await Promise.all([router.read(), pbx.read()]);
      // The boxes are judged as they are now; the plan's site facts say what they were made for,
      // and a public address that moved since is named (the PBX still announces the old one).
      const now = factsNow(run, routerState, pbxState);
      const planned = run.facts ?? now;
      const publicIp = now?.publicIp ?? planned?.publicIp;
      const rtp = planned?.rtp ?? pbxState.rtp;
      const moved = planned && now ? wanMovedCheck(planned, now) : undefined;
      const forwards = forwardedPorts(plan, routerState.nat);
      // Entries from the peers that still bypass the forwards (made before them, kept alive): named below.
      const stale = await router
        .staleConnections?.(conntrackTargets(routerState, plan.router?.changes ?? []), inputs.pbx.host)
        .catch(() => undefined);
      // TLS/WSS the PBX asks for, where the site has peers of that role (as the planner forwards them).
      const secure = secureSipForwards(pbxState).filter((f) => inputs[f.role].length > 0);
      const registering = (pbxState.running ?? []).flatMap((p) =>
        (p.gateways ?? []).filter((g) => g.state !== 'NOREG').map((g) => g.name),
      );
      const questions = [
        ...registering.map((name) => `sofia status gateway ${name}`),
        'sofia status profile internal',
        'xml_locate configuration configuration name sofia.conf',
        'sofia status gateway',
        ...plannedMedia(plan, pbxState)
          .filter((e) => askableUser(e.user))
          .flatMap((e) => [`user_data ${e.user} var proxy_media`, `user_data ${e.user} var bypass_media`]),
      ];
      answers = await pbx.askFsCli(questions).catch(() => answers);
      // Trunks named as FS PBX shows them, not by the gateway uuid FreeSWITCH uses; without it, the uuid.
      // The hairpin probe asks the ports the plan's hairpin rules forward; none planned (they were there
      // before): every SIP port, as before.
      const hairpin = hairpinRules(plan, routerState);
      const gatewayNames = await pbx.gatewayNames().catch(() => undefined);
      const [natAcl, sofiaConf, media, traffic] = await Promise.all([
        ask('sofia status profile internal'),
        ask('xml_locate configuration configuration name sofia.conf'),
        mediaAnswers(ask, plannedMedia(plan, pbxState)),
        runTraffic(trafficIo(router, ask), {
          pbx: inputs.pbx.host,
          ...(publicIp ? { publicIp } : {}),
          hairpin: inputs.options.hairpin,
          sipPorts: sipPortsOf(plan),
          ...(hairpin.length > 0 ? { hairpinRules: hairpin } : {}),
          ...(gatewayNames ? { gatewayNames } : {}),
          tlsPorts: secureProbes(forwardedSecure(secure, plan, routerState)),
          watchMs: watchSeconds * 1000,
        }),
      ]);
      // Grouped where they are made, so the checklist never guesses from an id.
      const inGroup = (group: CheckGroup, list: VerifyCheck[]) => list.map((c) => ({ ...c, group }));
      const checks = [
        ...inGroup('router', [
          ...routerChecks(plan, routerState),
          ...secureRouterChecks(secure, plan, routerState, inputs.pbx.host),
          ...(publicIp ? [wanCheck(publicIp)] : []),
          ...(moved ? [moved] : []),
          ...[routerAccountCheck(access.router.username, access.router.password)].filter((c) => c !== undefined),
          ...(stale ? [conntrackCheck(stale)] : []),
        ]),
        ...inGroup('pbx', [
          ...(publicIp ? pbxChecks(pbxState, publicIp, { plan, rtp, forwards, pbxAddress: inputs.pbx.host }) : []),
          ...(publicIp
            ? gatewayContactChecks(
                pbxState,
                new Map(registering.map((name) => [name, answers.get(`sofia status gateway ${name}`)])),
                publicIp,
                gatewayNames,
              )
            : []),
          ...(pbxState.running?.some((p) => p.name === 'internal') ? [natAclCheck(natAcl, sofiaConf, plan)] : []),
          ...secureListenerChecks(pbxState, secure),
          ...mediaChecks(media),
        ]),
        ...inGroup('traffic', traffic),
      ];
      const result: VerifyResult = { runId, checks, status: overall(checks) };
      const previous = run.result ?? {};
      const status = run.status === 'applied' && result.status !== 'fail' ? 'verified' : run.status;
      deps.store.setRunStatus(runId, status, { result: { ...previous, verification: result } });
      return result;
    } finally {
      await pbx.close();
    }
  } finally {
    await router.close();
  }
}
