/**
 * SIP over TLS and WebRTC (WSS) from the PBX to the router plan and back:
 * which listeners get a forward (the internal profile's for the phones, the
 * external profile's for the trunks), and the read-back checks of verify:
 * the forward is on the router, the listener runs on the PBX. Pure.
 */
import type { CheckStatus, VerifyCheck } from '../../contract/types';
import { forwardableListeners, type SecureListener } from '../pbx/plan/secure-sip';
import type { PbxState } from '../pbx/model/state';
import { isOwned } from '../routeros/change';
import { tagComment } from '../routeros/change';
import type { SecureSipForward } from '../routeros/inputs';
import { isDisabled, type RouterState } from '../routeros/state';
import type { SitePlan } from './combine';

type Check = Omit<VerifyCheck, 'status'> & { status: CheckStatus };

export function secureSipForwards(pbx: PbxState): SecureSipForward[] {
  return forwardableListeners(pbx).map((l) => ({
    kind: l.kind === 'tls' ? 'tls' : 'wss',
    role: l.profile === 'internal' ? 'phones' : 'trunks',
    port: l.port,
    setting: l.setting,
  }));
}

/** The comment the router planner gives the forward (desired.ts natEntry). */
export function secureForwardComment(f: Pick<SecureSipForward, 'kind' | 'role'>): string {
  return tagComment(`forward ${f.kind} ${f.role} tcp`);
}

const NAME: Record<SecureSipForward['kind'], string> = { tls: 'SIP over TLS', wss: 'WebRTC (WSS)' };

/**
 * Router read-back for the TLS/WSS forwards the PBX asks for that this run's
 * plan did not add (routerChecks reads back every planned entry already): one
 * an earlier run made must still be there, enabled, TCP, to the PBX on the
 * listener's port; one never planned (TLS turned on since) asks for a new plan.
 */
export function secureRouterChecks(
  forwards: SecureSipForward[],
  plan: SitePlan | undefined,
  router: RouterState,
  pbxAddress: string,
): Check[] {
  const planned = new Set((plan?.router?.changes ?? []).map((c) => c.after?.comment));
  return forwards
    .filter((f) => !planned.has(secureForwardComment(f)))
    .map((f) => {
      const comment = secureForwardComment(f);
      const port = String(f.port);
      const ok = router.nat.some(
        (i) =>
          i.comment === comment &&
          !isDisabled(i) &&
          i.action === 'dst-nat' &&
          i.protocol === 'tcp' &&
          i['dst-port'] === port &&
          i['to-addresses'] === pbxAddress &&
          (i['to-ports'] ?? port) === port,
      );
      const base = { id: `secure-forward-${f.kind}-${f.role}`, title: `${NAME[f.kind]} forward, TCP ${f.port}` };
      if (ok) {
        return {
          ...base,
          status: 'pass' as const,
          summary: `TCP ${f.port} from the ${f.role} goes to the PBX (${f.setting}).`,
        };
      }
      const owned = router.nat.some((i) => isOwned(i) && i.comment === comment);
      if (!owned) {
        // Turned on in the PBX after this plan was made: not a fault of this run, but the site needs it.
        return {
          ...base,
          status: 'warn' as const,
          summary: `The PBX listens for ${NAME[f.kind]} on TCP ${f.port} (${f.setting}), but this run's plan has no forward for it.`,
          fix: 'Plan again: the new plan forwards it from the same address list.',
        };
      }
      return {
        ...base,
        status: 'fail' as const,
        summary: `The router has no enabled forward of TCP ${f.port} to ${pbxAddress}:${port}, though the PBX listens for it (${f.setting}): ${f.role} cannot reach ${NAME[f.kind]} from outside.`,
        fix: 'Plan again and apply: the new plan puts it back (someone changed or disabled it).',
      };
    });
}

/** PBX side: is each forwarded listener running where the settings say (a profile restart pending otherwise)? */
export function secureListenerChecks(pbx: PbxState, forwards: SecureSipForward[]): Check[] {
  const listeners = forwardableListeners(pbx);
  const checks: Check[] = [];
  for (const f of forwards) {
    const l: SecureListener | undefined = listeners.find(
      (x) => x.port === f.port && (x.kind === 'tls') === (f.kind === 'tls'),
    );
    if (!l || l.running === null) continue;
    const profile = l.profile;
    const base = { id: `secure-listener-${f.kind}-${profile}`, title: `${NAME[f.kind]} on the ${profile} profile` };
    checks.push(
      l.running
        ? { ...base, status: 'pass', summary: `FreeSWITCH listens on TCP ${l.port}.` }
        : {
            ...base,
            status: 'warn',
            summary: l.notBound
              ? `Restart pending: FreeSWITCH shows TCP ${l.port} for it (${l.setting}) but no socket listens on TCP ${l.port}; a rescan changed the setting, and the ${profile} profile binds its sockets only when it starts.`
              : l.runningPort === undefined
                ? `Restart pending: set in the PBX (${l.setting}) but FreeSWITCH does not listen on it yet: the ${profile} profile was not restarted since.`
                : `Restart pending: set to TCP ${l.port} but FreeSWITCH still listens on ${l.runningPort}: the ${profile} profile was not restarted since.`,
            fix: `On the PBX: fs_cli -x "sofia profile ${profile} restart" (drops the calls on that profile), or in FS PBX: Status › SIP Status, restart ${profile}.`,
          },
    );
  }
  return checks;
}

/** One TLS handshake per forwarded listener, named as the technician knows it. */
export function secureProbes(forwards: SecureSipForward[]): { port: number; what: string }[] {
  return forwards.map((f) => ({
    port: f.port,
    what: `${NAME[f.kind]} (${f.role === 'phones' ? 'internal profile: phones' : 'external profile: trunks'})`,
  }));
}

/** The ones the router forwards: in this run's plan, or the wizard's rule already there. */
export function forwardedSecure(
  forwards: SecureSipForward[],
  plan: SitePlan | undefined,
  router: RouterState,
): SecureSipForward[] {
  const comments = new Set([
    ...(plan?.router?.changes ?? []).filter((c) => c.action !== 'remove').map((c) => c.after?.comment),
    ...router.nat.filter(isOwned).map((i) => i.comment),
  ]);
  return forwards.filter((f) => comments.has(secureForwardComment(f)));
}
