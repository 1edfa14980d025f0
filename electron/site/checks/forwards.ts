/** What the router forwards to the PBX: the plan's hairpin rules for single SIP ports, and every forwarded range. */
import type { PortRange } from '../../pbx/model/state';
import { isOwned } from '../../routeros/change';
import { MENUS, menuOf } from '../../routeros/menus';
import { isDisabled, type RosItem, type RouterState } from '../../routeros/state';
import type { SitePlan } from '../combine';
import { present } from './router';
import { withChange } from './shared';

/** A hairpin forward the plan made for one SIP port, and whether the router holds it now. */
export interface HairpinRule {
  /** SIP OPTIONS go over UDP; a TLS or WSS handshake over TCP. */
  protocol: 'udp' | 'tcp';
  port: number;
  /** How verify names the rule ("Hairpin forward UDP 5060 for 192.168.88.0/24"). */
  rule: string;
  present: boolean;
  changeId: string;
}

/**
 * The plan's hairpin forwards for single ports (a SIP OPTIONS probe to the public address goes
 * through the UDP ones, a TLS/WSS handshake through the TCP ones), each with its read-back. The
 * hairpin probe asks only these ports: a
 * port the plan never forwarded (5060 on a site without remote phones) has no hairpin rule,
 * and its silence says nothing about the rules the Router group lists present.
 */
export function hairpinRules(plan: SitePlan, state: RouterState): HairpinRule[] {
  const speak = menuOf(MENUS.nat)?.verify;
  return (plan.router?.changes ?? []).flatMap((change) => {
    const a = change.after;
    const port = Number(a?.['dst-port']);
    if (change.path !== MENUS.nat || change.action !== 'add' || !a || a.action !== 'dst-nat') return [];
    const protocol = a.protocol;
    if (a['src-address-list'] !== undefined || (protocol !== 'udp' && protocol !== 'tcp') || !Number.isInteger(port))
      return [];
    const rule = speak?.describe(a) ?? 'Hairpin forward';
    return [{ protocol, port, rule, present: present(state, change), changeId: change.id }];
  });
}

/** A forwarded port range as the router sends it on to the PBX. */
export interface ForwardedPorts {
  protocol: 'udp' | 'tcp';
  range: PortRange;
  /** The plan entry that makes this forward. */
  changeId?: string;
}

function parseRange(text: string | null | undefined): PortRange | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec((text ?? '').trim());
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  return start <= end && end <= 65535 ? { start, end } : undefined;
}

/**
 * The ports the router forwards to the PBX: the plan's dst-nat entries, and
 * the wizard's own dst-nat rules on the router now (a run that planned
 * nothing new still has them). Kept apart per protocol and range.
 */
export function forwardedPorts(plan: SitePlan | undefined, nat: readonly RosItem[]): ForwardedPorts[] {
  const out: ForwardedPorts[] = [];
  const add = (fields: Record<string, string | null | undefined>, changeId?: string) => {
    if (fields.action !== 'dst-nat') return;
    const protocol = fields.protocol === 'tcp' ? 'tcp' : fields.protocol === 'udp' ? 'udp' : undefined;
    const range = parseRange(fields['to-ports'] ?? fields['dst-port']);
    if (!protocol || !range) return;
    const same = out.find((f) => f.protocol === protocol && f.range.start === range.start && f.range.end === range.end);
    if (same) same.changeId ??= changeId;
    else out.push({ protocol, range, ...withChange(changeId) });
  };
  for (const change of plan?.router?.changes ?? []) {
    if (change.path === MENUS.nat && change.action !== 'remove' && change.after) add(change.after, change.id);
  }
  for (const item of nat) if (isOwned(item) && !isDisabled(item)) add(item);
  return out;
}
