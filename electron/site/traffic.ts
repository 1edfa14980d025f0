/**
 * Traffic checks: what really crosses the site, not only what is configured.
 * SIP OPTIONS from the laptop to the PBX (and to the public address when
 * hairpin NAT is on), a TLS handshake to each forwarded TLS/WSS listener the
 * same two ways, the router's per-rule packet counters before and after,
 * and the trunks' registration state. The pure part turns readings into
 * checks; runTraffic drives the I/O through a small interface, every step
 * bounded in time, every error a check result.
 */
import { causeWords, netCause } from '../../contract/net-errors';
import type { CheckStatus, VerifyCheck } from '../../contract/types';
import type { PortReport } from '../probe/outside';
import type { TlsProbe, TlsReport } from '../probe/tls';
import { isOwned } from '../routeros/change';
import { isDisabled, type RosItem } from '../routeros/state';
import type { HairpinRule } from './checks';
import type { SitePlan } from './combine';

type Check = Omit<VerifyCheck, 'status'> & { status: CheckStatus };

/** What the traffic checks need from the site. */
export interface TrafficIo {
  /** The router's dst-nat rules with their `packets` counters. */
  natCounters(): Promise<RosItem[]>;
  /** SIP OPTIONS from this laptop to `target` on each port. */
  sipOptions(target: string, ports: number[], timeoutMs: number): Promise<PortReport[]>;
  /** `fs_cli -x <command>` on the PBX; undefined when FreeSWITCH did not answer. */
  fsCli(command: string): Promise<string | undefined>;
  /** A TLS handshake from this laptop to `target` on each port (nothing sent after it). */
  tlsHandshakes?(target: string, probes: TlsProbe[], timeoutMs: number): Promise<TlsReport[]>;
}

export interface TrafficTargets {
  pbx: string;
  /** The public address, probed when hairpin NAT is on. */
  publicIp?: string;
  hairpin: boolean;
  sipPorts: number[];
  /**
   * The plan's hairpin forwards with their read-back (checks.ts hairpinRules): the hairpin probe
   * asks their ports only, and a failure names its rule. Absent: every SIP port is asked.
   */
  hairpinRules?: HairpinRule[];
  /** FS PBX's gateway names by gateway_uuid (FreeSWITCH's name for a gateway): trunks named as FS PBX shows them. */
  gatewayNames?: ReadonlyMap<string, string>;
  /** The TLS and WSS listeners the plan forwards: a handshake each, to the PBX (and the public address with hairpin). */
  tlsPorts?: TlsProbe[];
  /**
   * Extra time to keep counting between the two counter reads, while the
   * technician runs `fspbx-nat probe --from-outside` from outside the site.
   */
  watchMs?: number;
  /** Waits; injectable so tests need not. */
  sleep?: (ms: number) => Promise<void>;
}

/** Bounds of every step; a site that does not answer costs at most these. */
export const TRAFFIC_LIMITS = { sipTimeoutMs: 2_000, tlsTimeoutMs: 3_000, stepMs: 15_000 } as const;

function withinTime<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function message(caught: unknown): string {
  if (!(caught instanceof Error)) return String(caught);
  // A socket's own error ("connect EHOSTUNREACH …") in words: errno codes never reach the checklist.
  const failure = {
    code: 'code' in caught && typeof caught.code === 'string' ? caught.code : undefined,
    message: caught.message,
  };
  return failure.code !== undefined && netCause(failure) !== 'other'
    ? `The check could not run: ${causeWords(failure)}.`
    : caught.message;
}

/** Why a hairpin probe got no answer, consistent with the Router group's read-back of its rule. */
function hairpinSilence(
  r: PortReport,
  via: string,
  host: string,
  rule: HairpinRule | undefined,
): { summary: string; fix: string; changeId?: string } {
  if (!rule) {
    return {
      summary: `No answer on ${r.port} ${via}: the hairpin NAT rule or the forward for LAN callers is missing.`,
      fix: 'Apply the plan again with hairpin NAT on, and check the masquerade rule for the LAN.',
    };
  }
  if (!rule.present) {
    return {
      summary: `No answer on ${r.port} ${via}: it depends on "${rule.rule}", which the router no longer holds (see the Router group).`,
      fix: 'Apply this plan entry again (someone removed or disabled it, or the revert timer ran out).',
      changeId: rule.changeId,
    };
  }
  return {
    summary: `No answer on ${r.port} ${via}, although its rule "${rule.rule}" is on the router: the PBX did not answer through it, or ${host} is not this router's own address (a router in front).`,
    fix: `Compare with the check from this laptop to the PBX on port ${r.port}: if that fails too, the PBX is the cause. If it passes, check that ${host} is on this router (IP › Addresses) and that the hairpin masquerade rule sits above other srcnat rules (IP › Firewall › NAT).`,
  };
}

export function sipProbeChecks(
  reports: PortReport[],
  where: 'lan' | 'hairpin',
  host: string,
  rules?: readonly HairpinRule[],
): Check[] {
  return reports.map((r) => {
    const via =
      where === 'lan'
        ? `from this laptop to the PBX (${host})`
        : `from this laptop to the public address ${host} (hairpin NAT)`;
    const base = { id: `sip-${where}-${r.port}`, title: `SIP OPTIONS ${via.split(' (')[0]}, port ${r.port}` };
    if (r.verdict === 'answered') {
      return {
        ...base,
        status: 'pass' as const,
        summary: `Answered on ${r.port}${r.server ? ` by ${r.server}` : ''}.`,
      };
    }
    if (r.verdict === 'rewritten') {
      return {
        ...base,
        status: 'fail' as const,
        summary: `${r.detail}`,
        fix: 'Disable IP › Firewall › Service Ports › sip on the router (and any SIP ALG on a router in front).',
      };
    }
    if (where === 'hairpin') {
      return {
        ...base,
        status: 'fail' as const,
        ...hairpinSilence(
          r,
          via,
          host,
          rules?.find((h) => h.port === r.port),
        ),
      };
    }
    return {
      ...base,
      status: 'fail' as const,
      summary: `No answer on ${r.port} ${via}: the ${r.port === 5080 ? 'external' : 'internal'} profile is not running, or the PBX's host firewall drops it.`,
      fix: `Check \`fs_cli -x "sofia status"\` on the PBX and that iptables lets UDP ${r.port} in.`,
    };
  });
}

/** A TLS handshake to a forwarded TLS/WSS listener: from the LAN to the PBX, or to the public address (hairpin). */
export function tlsProbeChecks(
  reports: TlsReport[],
  where: 'lan' | 'hairpin',
  host: string,
  rules?: readonly HairpinRule[],
): Check[] {
  return reports.map((r) => {
    const to = where === 'lan' ? `the PBX (${host})` : `the public address ${host} (hairpin NAT)`;
    const base = {
      id: `tls-${where}-${r.port}`,
      title: `TLS handshake from this laptop to ${to.split(' (')[0]}, port ${r.port}`,
    };
    if (r.verdict === 'handshake') return { ...base, status: 'pass' as const, summary: `${r.what}: ${r.detail}` };
    const rule = where === 'hairpin' ? rules?.find((h) => h.protocol === 'tcp' && h.port === r.port) : undefined;
    if (rule) {
      // Said as the Router group says it: the rule is there or it is not.
      return {
        ...base,
        status: 'fail' as const,
        summary: rule.present
          ? `${r.what} on ${to}: ${r.detail}, although its rule "${rule.rule}" is on the router.`
          : `${r.what} on ${to}: ${r.detail}; it depends on "${rule.rule}", which the router no longer holds (see the Router group).`,
        fix: rule.present
          ? `Compare with the handshake from this laptop to the PBX on TCP ${r.port}: if that fails too, the PBX is the cause; if it passes, check that ${host} is on this router (IP › Addresses).`
          : 'Apply this plan entry again (someone removed or disabled it, or the revert timer ran out).',
        ...(rule.present ? {} : { changeId: rule.changeId }),
      };
    }
    return {
      ...base,
      status: 'fail' as const,
      summary: `${r.what} on ${to}: ${r.detail}`,
      fix:
        where === 'lan'
          ? `On the PBX: check the profile was restarted after TLS/WSS was turned on (fs_cli -x "sofia status" lists a (TLS) or (WSS) row), its certificate files in the TLS folder, and that iptables lets TCP ${r.port} in.`
          : `Apply the plan again with hairpin NAT on; the hairpin rule for TCP ${r.port} and the LAN masquerade must both be there.`,
    };
  });
}

interface Counted {
  id: string;
  comment: string;
  packets: number;
}

function counted(items: RosItem[]): Counted[] {
  return items
    .filter((i) => i.action === 'dst-nat' && isOwned(i) && !isDisabled(i))
    .map((i) => ({ id: i['.id'], comment: i.comment ?? i['.id'], packets: Number(i.packets ?? 0) || 0 }));
}

/**
 * The wizard's forwards and the packets each has counted. A forward that
 * has counted nothing is not a fault by itself (no trunk may have called
 * yet), so nothing counted anywhere is a warning that points at the outside
 * probe, not a failure.
 */
export function counterCheck(before: RosItem[] | undefined, after: RosItem[] | undefined, problem?: string): Check {
  const base = { id: 'router-counters', title: 'Router forward counters' };
  if (!after) {
    return {
      ...base,
      status: 'warn',
      summary: `Could not read the router's counters${problem ? `: ${problem}` : ''}.`,
    };
  }
  const now = counted(after);
  const then = new Map(counted(before ?? []).map((c) => [c.id, c.packets]));
  if (now.length === 0) {
    return {
      ...base,
      status: 'fail',
      summary: "The router has none of the wizard's forwards: nothing from outside reaches the PBX.",
      fix: 'Apply the plan again.',
    };
  }
  const moved = now.filter((c) => c.packets > (then.get(c.id) ?? c.packets));
  const seen = now.filter((c) => c.packets > 0);
  const list = (cs: Counted[]) => cs.map((c) => `${c.comment.replace(/^fspbx-nat:\s*/, '')} (${c.packets})`).join(', ');
  if (seen.length === 0) {
    return {
      ...base,
      status: 'warn',
      summary: 'No forward has counted a packet yet: nothing from outside has come in through them.',
      fix: 'Run `fspbx-nat probe --from-outside <public IP>` from a trunk or phone address (or place a test call), then verify again.',
    };
  }
  return {
    ...base,
    status: 'pass',
    summary:
      `Forwards with traffic: ${list(seen)}.` +
      (moved.length > 0 ? ` During this check: ${list(moved)}.` : '') +
      (seen.length < now.length ? ` No traffic yet: ${list(now.filter((c) => c.packets === 0))}.` : ''),
  };
}

export interface GatewayState {
  /** `profile::name` */
  name: string;
  state: string;
}

const GATEWAY_STATES = /^(UNREGED|TRYING|REGISTER|REGED|UNREGISTER|FAILED|FAIL_WAIT|EXPIRED|NOREG|DOWN|TIMEOUT)$/;

/** The rows of `sofia status gateway`: `profile::gateway  data  STATE  …`. */
export function parseGateways(text: string): GatewayState[] {
  const out: GatewayState[] = [];
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    const name = words[0];
    if (!name || !name.includes('::') || name.startsWith('Profile::')) continue;
    const state = words.slice(1).find((w) => GATEWAY_STATES.test(w));
    if (state) out.push({ name, state });
  }
  return out;
}

export function gatewayChecks(gateways: GatewayState[], names?: ReadonlyMap<string, string>): Check[] {
  return gateways.map((g) => {
    const ok = g.state === 'REGED' || g.state === 'NOREG';
    // FreeSWITCH names an FS PBX gateway by its gateway_uuid; the technician knows the name FS PBX shows.
    const id = g.name.split('::')[1] ?? g.name;
    return {
      id: `gateway-${g.name}`,
      title: `Trunk gateway ${names?.get(id.toLowerCase()) ?? id}`,
      status: ok ? 'pass' : 'fail',
      summary: ok
        ? g.state === 'REGED'
          ? 'Registered with the provider.'
          : 'Does not register (register=false): the provider sends calls by IP.'
        : `Not registered (${g.state}): the provider did not accept or did not answer the REGISTER.`,
      ...(ok
        ? {}
        : {
            fix: "Check the trunk's credentials and proxy, that the provider's address is in the trunks address list, and that the SIP helper is off.",
          }),
    };
  });
}

/** The SIP ports the plan forwards (5060 internal, 5080 external by default). */
export function sipPortsOf(plan: SitePlan | undefined): number[] {
  const ports = new Set<number>([5060, 5080]);
  for (const change of plan?.router?.changes ?? []) {
    const port = Number(change.after?.['to-ports']);
    if (change.after?.action === 'dst-nat' && /sip/.test(change.after.comment ?? '') && Number.isInteger(port)) {
      ports.add(port);
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/** Counters, then the probes, then counters again; gateways alongside. Never throws. */
export async function runTraffic(io: TrafficIo, targets: TrafficTargets): Promise<Check[]> {
  const { stepMs, sipTimeoutMs, tlsTimeoutMs } = TRAFFIC_LIMITS;
  const read = () => withinTime(io.natCounters(), stepMs, 'Reading the router counters');
  let before: RosItem[] | undefined;
  let problem: string | undefined;
  try {
    before = await read();
  } catch (caught) {
    problem = message(caught);
  }
  const probe = async (where: 'lan' | 'hairpin', host: string): Promise<Check[]> => {
    const ports =
      where === 'hairpin' && targets.hairpinRules
        ? targets.hairpinRules.filter((h) => h.protocol === 'udp').map((h) => h.port)
        : targets.sipPorts;
    if (ports.length === 0) return [];
    try {
      const reports = await withinTime(io.sipOptions(host, ports, sipTimeoutMs), stepMs, 'The SIP probe');
      return sipProbeChecks(reports, where, host, targets.hairpinRules);
    } catch (caught) {
      return [{ id: `sip-${where}`, title: `SIP OPTIONS to ${host}`, status: 'warn', summary: message(caught) }];
    }
  };
  const tlsProbe = async (where: 'lan' | 'hairpin', host: string): Promise<Check[]> => {
    const probes = targets.tlsPorts ?? [];
    if (probes.length === 0 || !io.tlsHandshakes) return [];
    try {
      const reports = await withinTime(io.tlsHandshakes(host, probes, tlsTimeoutMs), stepMs, 'The TLS probe');
      return tlsProbeChecks(reports, where, host, targets.hairpinRules);
    } catch (caught) {
      return [{ id: `tls-${where}`, title: `TLS handshake to ${host}`, status: 'warn', summary: message(caught) }];
    }
  };
  const [lan, hairpin, tlsLan, tlsHairpin, gateways] = await Promise.all([
    probe('lan', targets.pbx),
    targets.hairpin && targets.publicIp ? probe('hairpin', targets.publicIp) : Promise.resolve([]),
    tlsProbe('lan', targets.pbx),
    targets.hairpin && targets.publicIp ? tlsProbe('hairpin', targets.publicIp) : Promise.resolve([]),
    withinTime(io.fsCli('sofia status gateway'), stepMs, 'sofia status gateway').then(
      (text) => (text === undefined ? [] : gatewayChecks(parseGateways(text), targets.gatewayNames)),
      (caught: unknown) => [
        { id: 'gateways', title: 'Trunk gateways', status: 'warn' as const, summary: message(caught) },
      ],
    ),
  ]);
  if (targets.watchMs && targets.watchMs > 0) {
    await (targets.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))))(targets.watchMs);
  }
  let after: RosItem[] | undefined;
  try {
    after = await read();
  } catch (caught) {
    problem ??= message(caught);
  }
  return [...lan, ...hairpin, ...tlsLan, ...tlsHairpin, counterCheck(before, after, problem), ...gateways];
}
