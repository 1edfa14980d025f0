/**
 * Connection-tracking entries the forwards' changes leave behind. NAT decides only a
 * connection's first packet; the router keeps the decision in its connection table ("Whenever
 * NAT rules are changed or added, the connection tracking table should be cleared otherwise NAT
 * rules may seem to be not functioning correctly until connection entry expires",
 * https://help.mikrotik.com/docs/display/ROS/NAT). A trunk's OPTIONS every ≤ 30 s keep a UDP
 * entry made before the forward (to the router itself, or through the SIP helper) alive for
 * ever, and after a rollback an entry still carries calls to the PBX. So after an apply and
 * after a rollback the entries from the peers to the forwarded ports are removed; verify says
 * when some that bypass the forward remain.
 *
 * The targets are read from the changes themselves (a forward added, set or removed, and the
 * address lists it names), so an apply and the restore that undoes it clear the same entries.
 */
import type { RouterChange } from './change';
import { addressSpan, portSpans, type Span } from './addr';
import { menuPath, type RosItem, type RouterState } from './state';

export interface ConntrackTarget {
  protocol: string;
  /** Forwarded destination ports, as RouterOS writes them (`5080`, `16384-32768`). */
  ports: string;
  /** The peers' addresses or ranges (`198.51.100.10`, `192.0.2.0/24`). */
  sources: string[];
}

const NAT = menuPath('nat');
const LISTS = menuPath('addressLists');

/** Address-list name → entries, as the router holds them before the changes plus the entries they add. */
function listEntries(state: RouterState, changes: readonly RouterChange[]): Map<string, Set<string>> {
  const lists = new Map<string, Set<string>>();
  const put = (list: string | null | undefined, address: string | null | undefined) => {
    if (!list || !address) return;
    lists.set(list, (lists.get(list) ?? new Set()).add(address));
  };
  for (const item of state.addressLists) put(item.list, item.address);
  for (const change of changes) if (change.path === LISTS) put(change.after?.list, change.after?.address);
  return lists;
}

/** Every forward a change adds, moves or takes away, with the sources it lets in. */
export function conntrackTargets(state: RouterState, changes: readonly RouterChange[]): ConntrackTarget[] {
  const lists = listEntries(state, changes);
  const byId = new Map(state.nat.map((item) => [item['.id'], item]));
  const out = new Map<string, ConntrackTarget>();
  for (const change of changes) {
    if (change.path !== NAT) continue;
    const old = change.itemId === undefined ? undefined : byId.get(change.itemId);
    for (const side of [change.before, change.after, old]) {
      const rule = { ...(old ?? {}), ...(side ?? {}) } as Partial<Record<string, string | null>>;
      if (rule.action !== 'dst-nat' || !rule.protocol || !rule['dst-port']) continue;
      const list = rule['src-address-list'];
      const sources = list ? [...(lists.get(list) ?? [])] : rule['src-address'] ? [rule['src-address']] : [];
      if (sources.length === 0) continue;
      const key = `${rule.protocol} ${rule['dst-port']}`;
      const target = out.get(key) ?? { protocol: rule.protocol, ports: rule['dst-port'], sources: [] };
      for (const s of sources) if (!target.sources.includes(s)) target.sources.push(s);
      out.set(key, target);
    }
  }
  return [...out.values()];
}

/**
 * Sources given as DNS names stand for the addresses the router resolved them to: its dynamic
 * address-list entries whose comment is the name (peer-names.ts). A name not resolved yet stands
 * for nothing, so no entry is taken for it.
 */
export function expandNamedSources(targets: readonly ConntrackTarget[], items: readonly RosItem[]): ConntrackTarget[] {
  const resolved = new Map<string, string[]>();
  for (const item of items) {
    if ((item.dynamic !== 'true' && item.dynamic !== 'yes') || !item.comment || !item.address) continue;
    const name = item.comment.toLowerCase();
    resolved.set(name, [...(resolved.get(name) ?? []), item.address]);
  }
  return targets.map((t) => ({
    ...t,
    sources: [...new Set(t.sources.flatMap((s) => (addressSpan(s) ? [s] : (resolved.get(s.toLowerCase()) ?? []))))],
  }));
}

/** The sources that are names, not addresses: the router resolves them. */
export function namedSources(targets: readonly ConntrackTarget[]): string[] {
  return [...new Set(targets.flatMap((t) => t.sources.filter((s) => addressSpan(s) === undefined)))];
}

/** One line a technician reads in the plan. */
export function describeTargets(targets: readonly ConntrackTarget[]): string {
  return targets.map((t) => `${t.protocol.toUpperCase()} ${t.ports} from ${t.sources.join(', ')}`).join('; ');
}

/** `198.51.100.10:5060` → address and port; RouterOS prints the original direction so. */
function endpoint(text: string | undefined): { address: string; port: number } | undefined {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(text ?? '');
  return m ? { address: m[1]!, port: Number(m[2] ?? 0) } : undefined;
}

function within(address: string, spans: readonly Span[]): boolean {
  const a = addressSpan(address);
  return a !== undefined && spans.some((s) => s.lo <= a.lo && a.hi <= s.hi);
}

/** Does the entry's original direction (peer → router) fall under a target? */
export function entryMatches(entry: RosItem, targets: readonly ConntrackTarget[]): boolean {
  const src = endpoint(entry['src-address']);
  const dst = endpoint(entry['dst-address']);
  if (!src || !dst) return false;
  return targets.some((t) => {
    if (entry.protocol !== t.protocol) return false;
    const ports = portSpans(t.ports) ?? [];
    if (!ports.some((p) => p.lo <= dst.port && dst.port <= p.hi)) return false;
    const sources = t.sources.map(addressSpan).filter((s): s is Span => s !== undefined);
    return within(src.address, sources);
  });
}

/**
 * An entry under a target whose replies do not come from the PBX: the traffic it carries
 * bypasses the forward (made before it, to the router itself).
 */
export function bypassesForward(entry: RosItem, targets: readonly ConntrackTarget[], pbxAddress: string): boolean {
  return entryMatches(entry, targets) && endpoint(entry['reply-src-address'])?.address !== pbxAddress;
}

export interface ConntrackCheck {
  id: 'router-conntrack';
  title: string;
  status: 'pass' | 'warn';
  summary: string;
  fix?: string;
}

/** Verify's word on entries that still bypass the forwards (`stale`, from staleConntrack). */
export function conntrackCheck(stale: readonly RosItem[]): ConntrackCheck {
  const title = 'Connection tracking';
  if (stale.length === 0)
    return {
      id: 'router-conntrack',
      title,
      status: 'pass',
      summary: 'No connection from the peers bypasses the forwards.',
    };
  const shown = stale
    .slice(0, 3)
    .map((e) => `${e.protocol?.toUpperCase() ?? ''} ${e['src-address'] ?? '?'} → ${e['dst-address'] ?? '?'}`)
    .join(', ');
  return {
    id: 'router-conntrack',
    title,
    status: 'warn',
    summary: `${stale.length} connection${stale.length === 1 ? '' : 's'} from the peers still reach${stale.length === 1 ? 'es' : ''} the router itself, not the PBX (${shown}${stale.length > 3 ? ', …' : ''}): made before the forward, kept alive by the peer's keep-alives.`,
    fix: 'Remove them on the router (IP › Firewall › Connections, or /ip firewall connection remove [find where dst-address~":5080"]) and verify again.',
  };
}
