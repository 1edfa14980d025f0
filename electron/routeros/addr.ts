/** Address and port sets as RouterOS writes them, reduced to integer ranges. Pure. */
import { isIPv4, isIPv4Cidr } from '../../contract/ipv4';
import { fromInt, maskOf, toInt } from '../lan/ipv4';

export interface Span {
  lo: number;
  hi: number;
}

export interface PortRange {
  start: number;
  end: number;
}

/** '192.0.2.1', '192.0.2.0/24' or '192.0.2.1-192.0.2.9' as an integer span; undefined if unreadable. */
export function addressSpan(text: string): Span | undefined {
  const dash = text.split('-');
  if (dash.length === 2 && isIPv4(dash[0]!) && isIPv4(dash[1]!)) {
    const lo = toInt(dash[0]!);
    const hi = toInt(dash[1]!);
    return lo <= hi ? { lo, hi } : undefined;
  }
  if (!isIPv4Cidr(text)) return undefined;
  const [address, bits] = text.split('/');
  const prefix = bits === undefined ? 32 : Number(bits);
  const lo = (toInt(address!) & maskOf(prefix)) >>> 0;
  return { lo, hi: (lo | (~maskOf(prefix) >>> 0)) >>> 0 };
}

/** How RouterOS stores an address-list entry: host bits cleared, a single host without /32. */
export function normalizeCidr(text: string): string | undefined {
  if (!isIPv4Cidr(text)) return undefined;
  const [address, bits] = text.split('/');
  const prefix = bits === undefined ? 32 : Number(bits);
  if (prefix === 32) return address;
  return `${fromInt((toInt(address!) & maskOf(prefix)) >>> 0)}/${prefix}`;
}

export type Tri = 'yes' | 'no' | 'maybe';

/** Does every address of `inner` fall in one of `outer`? yes / no (disjoint) / maybe (partly). */
export function spanIn(inner: Span, outer: readonly Span[]): Tri {
  if (outer.some((o) => o.lo <= inner.lo && inner.hi <= o.hi)) return 'yes';
  if (outer.every((o) => o.hi < inner.lo || inner.hi < o.lo)) return 'no';
  return 'maybe';
}

/** '5060', '5060-5061', '80,443,16384-32768' as spans; undefined if unreadable. */
export function portSpans(text: string): Span[] | undefined {
  const spans: Span[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part.trim());
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > hi || hi > 65535) return undefined;
    spans.push({ lo, hi });
  }
  return spans;
}

export function formatPorts(range: PortRange): string {
  return range.start === range.end ? String(range.start) : `${range.start}-${range.end}`;
}

export function rangesOverlap(a: PortRange, b: PortRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}
