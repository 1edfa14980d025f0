/**
 * IPv4 text checks shared by every side of the contract: the main process
 * validates with them at the boundary, the renderer gives instant feedback
 * with the same functions. Pure: no Node, no DOM.
 */

const IPV4_OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){3}$`);

export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

export function isIPv4Cidr(text: string): boolean {
  const [address, prefix, ...rest] = text.split('/');
  if (rest.length > 0 || address === undefined || !isIPv4(address)) return false;
  if (prefix === undefined) return true;
  return /^(3[0-2]|[12]?\d)$/.test(prefix);
}

/** A hostname as RFC 1123 allows it; anything else is refused before it reaches a socket. */
export function isHostname(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  const labels = text.split('.');
  // An all-digit last label is a mistyped IPv4 address, not a name.
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return false;
  return labels.every((label) => /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(label));
}

/** An empty string when the text is an IPv4 address or range, else what to fix (for the technician). */
export function addressProblem(text: string): string {
  const value = text.trim();
  if (value === '') return 'Enter an address.';
  if (isIPv4Cidr(value)) return '';
  const [address = '', prefix, extra] = value.split('/');
  if (extra === undefined && isIPv4(address) && prefix !== undefined) return 'A range ends in /0 to /32.';
  return 'Use an IPv4 address such as 198.51.100.10, or a range such as 198.51.100.0/24.';
}

/** [first, last] address of a range as unsigned 32-bit numbers; undefined for text that is not IPv4. */
export function rangeOf(text: string): [number, number] | undefined {
  const value = text.trim();
  if (!isIPv4Cidr(value)) return undefined;
  const [address = '', prefixText] = value.split('/');
  const prefix = prefixText === undefined ? 32 : Number(prefixText);
  const base = address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const size = 2 ** (32 - prefix);
  const first = Math.floor(base / size) * size;
  return [first, first + size - 1];
}

/** Addresses in the whole IPv4 space. */
const ALL = 2 ** 32;
/**
 * Ranges that together let this much of the Internet in count as "anyone":
 * judged by coverage, not by the literal /0 (0.0.0.0/1 + 128.0.0.0/1 is the
 * whole Internet too). A /8 or wider is already no restriction for a SIP scanner.
 */
export const ANY_SOURCE_SHARE = 1 / 256;

/** How many distinct addresses the ranges cover together (overlaps counted once). */
export function coveredAddresses(texts: readonly string[]): number {
  const ranges = texts
    .map(rangeOf)
    .filter((r): r is [number, number] => r !== undefined)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -1;
  for (const [first, last] of ranges) {
    if (last <= end) continue;
    total += last - Math.max(first, end + 1) + 1;
    end = last;
  }
  return total;
}

/** True when the ranges, alone or together, open the PBX to a large part of the Internet. */
export function opensToAnyone(texts: readonly string[]): boolean {
  return coveredAddresses(texts) >= ALL * ANY_SOURCE_SHARE;
}
