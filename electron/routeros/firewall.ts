/**
 * A small model of RouterOS firewall matching, enough to tell whether an
 * existing rule would catch the traffic the wizard forwards. Every matcher
 * answers yes, no or maybe; anything it does not understand is "maybe", so
 * the planner errs towards adding an explicit accept. Pure.
 */
import { addressSpan, portSpans, spanIn, type Span, type Tri } from './addr';
import { NON_MATCH_FIELDS } from './menus';
import { isDisabled, READ_ONLY_FIELDS, type RosItem } from './state';

export interface Packet {
  protocol: 'udp' | 'tcp';
  dstPorts: Span;
  /** Source: one peer address or range. */
  source: Span;
  dstAddress: Span;
  /** Is the destination one of the router's own addresses (before dst-nat)? */
  dstLocal: boolean;
  inInterface: string;
  outInterface?: string;
  connectionState: 'new';
  /** dst-nat already happened (forward chain) or not (dstnat chain). */
  dstNatted: boolean;
}

export interface MatchContext {
  listMembers: ReadonlyMap<string, ReadonlySet<string>>;
  /** Interfaces a HotSpot server runs on (`/ip/hotspot` interface); absent: the router has none. */
  hotspotInterfaces?: ReadonlySet<string>;
  /** Address list name → its entries, including the wizard's planned entries. */
  addressLists: ReadonlyMap<string, readonly Span[]>;
}

function negated(value: string): [boolean, string] {
  return value.startsWith('!') ? [true, value.slice(1)] : [false, value];
}

function flip(result: Tri, negate: boolean): Tri {
  if (!negate || result === 'maybe') return result;
  return result === 'yes' ? 'no' : 'yes';
}

function both(a: Tri, b: Tri): Tri {
  if (a === 'no' || b === 'no') return 'no';
  return a === 'yes' && b === 'yes' ? 'yes' : 'maybe';
}

const PROTOCOL_NUMBERS: Record<string, string> = { '6': 'tcp', '17': 'udp' };

/**
 * The `hotspot` matcher: a comma list of conditions, each negatable, all of which must hold.
 * from-client: the packet comes from a HotSpot client (it entered on a HotSpot interface);
 * auth: from an authenticated client; local-dst: to the router itself; http: a client's web
 * request; to-client: sent to a HotSpot client (leaves on a HotSpot interface). Sources: the
 * RouterOS v2.9 manual, firewall filter "hotspot (multiple choice: from-client | auth | local-dst
 * | http) ... All values can be negated"; the dynamic rule `chain=forward action=jump
 * jump-target=hs-unauth hotspot=from-client,!auth` read as "coming from the client and the client
 * is not authenticated" (https://forum.mikrotik.com/t/a-little-question-about-firewall-rules-to-hotspot/34467).
 * A packet from the WAN to the PBX is never a HotSpot client's: every client-side condition is
 * "no" for it, `to-client` is "yes" only when it leaves on a HotSpot interface.
 */
function matchHotspot(value: string, p: Packet, ctx: MatchContext): Tri {
  const hotspots = ctx.hotspotInterfaces ?? new Set<string>();
  let result: Tri = 'yes';
  for (const part of value.split(',')) {
    const [neg, condition] = negated(part);
    let hit: Tri;
    switch (condition) {
      case 'from-client':
        hit = hotspots.has(p.inInterface) ? 'maybe' : 'no';
        break;
      case 'to-client':
        hit = p.outInterface === undefined ? 'maybe' : hotspots.has(p.outInterface) ? 'maybe' : 'no';
        break;
      case 'auth':
      case 'http':
        // Both describe a HotSpot client's packet: one that did not come from a client is neither.
        hit = hotspots.has(p.inInterface) ? 'maybe' : 'no';
        break;
      case 'local-dst':
        hit = p.dstNatted ? 'no' : p.dstLocal ? 'yes' : 'no';
        break;
      default:
        hit = 'maybe';
    }
    result = both(result, flip(hit, neg));
    if (result === 'no') return 'no';
  }
  return result;
}

function matchField(field: string, raw: string, p: Packet, ctx: MatchContext): Tri {
  const [neg, value] = negated(raw);
  switch (field) {
    case 'connection-state':
      return flip(value.split(',').includes(p.connectionState) ? 'yes' : 'no', neg);
    case 'connection-nat-state': {
      const states = value.split(',');
      const hit = p.dstNatted ? states.includes('dstnat') : false;
      // srcnat is unknown before the packet leaves: only the dstnat part is decided here.
      if (states.includes('srcnat') && !hit) return 'maybe';
      return flip(hit ? 'yes' : 'no', neg);
    }
    case 'protocol':
      return flip((PROTOCOL_NUMBERS[value] ?? value) === p.protocol ? 'yes' : 'no', neg);
    case 'dst-port': {
      const spans = portSpans(value);
      return spans ? flip(spanIn(p.dstPorts, spans), neg) : 'maybe';
    }
    case 'dst-address': {
      const span = addressSpan(value);
      return span ? flip(spanIn(p.dstAddress, [span]), neg) : 'maybe';
    }
    case 'src-address': {
      const span = addressSpan(value);
      return span ? flip(spanIn(p.source, [span]), neg) : 'maybe';
    }
    case 'src-address-list': {
      const entries = ctx.addressLists.get(value);
      return entries ? flip(spanIn(p.source, entries), neg) : flip('no', neg);
    }
    case 'in-interface':
      return flip(value === p.inInterface ? 'yes' : 'no', neg);
    case 'out-interface':
      return p.outInterface === undefined ? 'maybe' : flip(value === p.outInterface ? 'yes' : 'no', neg);
    case 'in-interface-list': {
      const members = ctx.listMembers.get(value);
      return flip(members?.has(p.inInterface) ? 'yes' : 'no', neg);
    }
    case 'out-interface-list': {
      if (p.outInterface === undefined) return 'maybe';
      return flip(ctx.listMembers.get(value)?.has(p.outInterface) ? 'yes' : 'no', neg);
    }
    case 'hotspot':
      // Each condition carries its own `!` (hotspot=from-client,!auth): the raw value is read.
      return matchHotspot(raw, p, ctx);
    case 'dst-address-type':
      if (value === 'local') return flip(p.dstLocal ? 'yes' : 'no', neg);
      return value === 'unicast' ? flip('yes', neg) : 'maybe';
    case 'ipsec-policy': {
      // Forwarded SIP and RTP never travel in an IPsec policy.
      const [, policy] = value.split(',');
      return flip(policy === 'none' ? 'yes' : 'no', neg);
    }
    case 'connection-mark':
    case 'packet-mark':
    case 'routing-mark':
      return flip(value === 'no-mark' ? 'yes' : 'maybe', neg);
    default:
      return 'maybe';
  }
}

export function matchItem(item: RosItem, p: Packet, ctx: MatchContext): Tri {
  let result: Tri = 'yes';
  for (const [field, value] of Object.entries(item)) {
    if (NON_MATCH_FIELDS.has(field) || READ_ONLY_FIELDS.has(field)) continue;
    result = both(result, matchField(field, value, p, ctx));
    if (result === 'no') return 'no';
  }
  return result;
}

const TERMINAL_DROP = new Set(['drop', 'reject', 'tarpit']);
const TERMINAL_PASS = new Set(['accept', 'fasttrack-connection']);

export type Verdict =
  | { kind: 'accepted'; by?: RosItem }
  /**
   * `by` drops, or may drop, the packet. `at` is the rule of the chain that
   * was walked through which the packet reached `by`: `by` itself, or the
   * jump that led to it. An accept must go before `at`: a rule placed before
   * a drop inside a jumped-to chain would sit after the jump, where it never
   * matches (https://manual.mikrotik.com/docs/firewall-and-quality-of-service/firewall/filter.md;
   * "jump"/"return" semantics in routeros-facts.md §4).
   */
  | { kind: 'blocked'; by: RosItem; at: RosItem; certain: boolean };

/**
 * Walks `chain` of the filter in order. A maybe-match on an accept is not
 * relied on; a maybe-match on a drop counts as blocking. Jumps are followed
 * (bounded depth); a maybe-match on a jump is followed too.
 */
export function evaluateChain(
  items: readonly RosItem[],
  chain: string,
  p: Packet,
  ctx: MatchContext,
  depth = 0,
): Verdict | { kind: 'fell-through' } {
  if (depth > 8) return { kind: 'fell-through' };
  for (const item of items) {
    if (item.chain !== chain || isDisabled(item)) continue;
    const match = matchItem(item, p, ctx);
    if (match === 'no') continue;
    const action = item.action ?? 'accept';
    if (TERMINAL_DROP.has(action)) return { kind: 'blocked', by: item, at: item, certain: match === 'yes' };
    if (TERMINAL_PASS.has(action) && match === 'yes') return { kind: 'accepted', by: item };
    if (action === 'return' && match === 'yes') return { kind: 'fell-through' };
    if (action === 'jump' && item['jump-target']) {
      const inner = evaluateChain(items, item['jump-target'], p, ctx, depth + 1);
      if (inner.kind !== 'fell-through') {
        if (inner.kind === 'accepted' && match !== 'yes') continue;
        // A drop behind a jump that only may match only may drop.
        return inner.kind === 'blocked' ? { ...inner, at: item, certain: inner.certain && match === 'yes' } : inner;
      }
    }
  }
  return { kind: 'fell-through' };
}

/** The forward chain's verdict; RouterOS chains accept what falls through. */
export function evaluateForward(items: readonly RosItem[], p: Packet, ctx: MatchContext): Verdict {
  const verdict = evaluateChain(items, 'forward', p, ctx);
  return verdict.kind === 'fell-through' ? { kind: 'accepted' } : verdict;
}

/** The first rule of the dstnat chain that takes (or may take) the packet. */
export function firstNatCatch(items: readonly RosItem[], p: Packet, ctx: MatchContext): RosItem | undefined {
  for (const item of items) {
    if (item.chain !== 'dstnat' || isDisabled(item)) continue;
    if (matchItem(item, p, ctx) !== 'no') return item;
  }
  return undefined;
}
