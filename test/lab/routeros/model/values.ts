/**
 * Value checks for RouterOS parameters: each check turns the raw API string
 * into the value RouterOS stores (e.g. `yes` → `true`) or says why not.
 */

export type Checked = { ok: true; value: string } | { ok: false; message: string };

/** What a check may look up in the current configuration. */
export interface CheckContext {
  interfaceNames: readonly string[];
  interfaceListNames: readonly string[];
  groupNames: readonly string[];
  scriptNames: readonly string[];
}

export type Check = (raw: string, field: string, ctx: CheckContext) => Checked;

const good = (value: string): Checked => ({ ok: true, value });
const invalid = (field: string): Checked => ({ ok: false, message: `invalid value for argument ${field}` });
const noMatch = (field: string): Checked => ({ ok: false, message: `input does not match any value of ${field}` });

export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parsePrefix(text: string): { address: number; length: number } | undefined {
  const [addr, len, extra] = text.split('/');
  if (extra !== undefined || addr === undefined) return undefined;
  const address = parseIpv4(addr);
  if (address === undefined) return undefined;
  if (len === undefined) return { address, length: 32 };
  if (!/^\d{1,2}$/.test(len) || Number(len) > 32) return undefined;
  return { address, length: Number(len) };
}

export function networkOf(address: number, length: number): number {
  return length === 0 ? 0 : (address & (~0 << (32 - length))) >>> 0;
}

function negatable(inner: Check): Check {
  return (raw, field, ctx) => {
    if (!raw.startsWith('!')) return inner(raw, field, ctx);
    const rest = inner(raw.slice(1), field, ctx);
    return rest.ok ? good('!' + rest.value) : rest;
  };
}

export const anyString: Check = (raw) => good(raw);

export const bool: Check = (raw, field) => {
  if (raw === 'yes' || raw === 'true') return good('true');
  if (raw === 'no' || raw === 'false') return good('false');
  return invalid(field);
};

export const integer =
  (min: number, max: number): Check =>
  (raw, field) => {
    if (!/^\d+$/.test(raw)) return invalid(field);
    const n = Number(raw);
    return n >= min && n <= max ? good(String(n)) : invalid(field);
  };

export const ipv4: Check = (raw, field) => (parseIpv4(raw) === undefined ? invalid(field) : good(raw));

/** `/ip/address` address: an address with optional prefix length (RouterOS keeps what was written). */
export const interfaceAddress: Check = (raw, field) => {
  const p = parsePrefix(raw);
  return p ? good(raw.includes('/') ? raw : `${raw}/32`) : invalid(field);
};

/** Firewall address matchers: address, network or range, optionally negated. */
export const addressMatch: Check = negatable((raw, field) => {
  const range = raw.split('-');
  if (range.length === 2) {
    const a = parseIpv4(range[0]!);
    const b = parseIpv4(range[1]!);
    return a !== undefined && b !== undefined && a <= b ? good(raw) : invalid(field);
  }
  const p = parsePrefix(raw);
  if (!p) return invalid(field);
  if (!raw.includes('/')) return good(raw);
  // RouterOS normalises the host bits away (10.0.0.5/24 → 10.0.0.0/24).
  return good(`${formatIpv4(networkOf(p.address, p.length))}/${p.length}`);
});

/** `to-addresses`: one address or a range. */
export const addressOrRange: Check = (raw, field, ctx) =>
  raw.includes('/') || raw.startsWith('!') ? invalid(field) : addressMatch(raw, field, ctx);

const DNS_NAME =
  /^(?=.{1,253}$)([a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?\.)*[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.?$/;

/** Address-list entries: an address, network, range, or a DNS name that RouterOS resolves. */
export const addressListEntry: Check = (raw, field, ctx) => {
  const asAddress = addressMatch(raw, field, ctx);
  if (asAddress.ok && !raw.startsWith('!')) return asAddress;
  if (DNS_NAME.test(raw) && !/^[\d.]+$/.test(raw)) return good(raw);
  return { ok: false, message: `failure: ${raw} is not a valid dns name` };
};

/** Port list: `5060`, `5060,5080`, `10000-20000`, optionally negated. */
export const ports: Check = negatable((raw, field) => {
  const parts = raw.split(',');
  for (const part of parts) {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
    if (!m) return invalid(field);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a > 65535 || b > 65535 || a > b) return invalid(field);
  }
  return good(raw);
});

/** `to-ports`: one port or one range. */
export const portOrRange: Check = (raw, field, ctx) =>
  raw.includes(',') || raw.startsWith('!') ? invalid(field) : ports(raw, field, ctx);

export const PROTOCOL_NAMES = [
  'icmp',
  'igmp',
  'ggp',
  'ip-encap',
  'st',
  'tcp',
  'egp',
  'pup',
  'udp',
  'hmp',
  'xns-idp',
  'rdp',
  'iso-tp4',
  'dccp',
  'xtp',
  'ddp',
  'idpr-cmtp',
  'ipv6-encap',
  'ipv6',
  'rsvp',
  'gre',
  'ipsec-esp',
  'ipsec-ah',
  'rspf',
  'vmtp',
  'ospf',
  'ipip',
  'etherip',
  'encap',
  'pim',
  'vrrp',
  'l2tp',
  'sctp',
  'udp-lite',
  'icmpv6',
] as const;

export const PROTOCOL_NUMBERS: Record<string, number> = {
  icmp: 1,
  igmp: 2,
  ggp: 3,
  'ip-encap': 4,
  st: 5,
  tcp: 6,
  egp: 8,
  pup: 12,
  udp: 17,
  hmp: 20,
  'xns-idp': 22,
  rdp: 27,
  'iso-tp4': 29,
  dccp: 33,
  xtp: 36,
  ddp: 37,
  'idpr-cmtp': 38,
  'ipv6-encap': 41,
  ipv6: 41,
  rsvp: 46,
  gre: 47,
  'ipsec-esp': 50,
  'ipsec-ah': 51,
  rspf: 73,
  vmtp: 81,
  ospf: 89,
  ipip: 94,
  etherip: 97,
  encap: 98,
  pim: 103,
  vrrp: 112,
  l2tp: 115,
  sctp: 132,
  'udp-lite': 136,
  icmpv6: 58,
};

export const protocol: Check = negatable((raw, field) => {
  if ((PROTOCOL_NAMES as readonly string[]).includes(raw)) return good(raw);
  if (/^\d{1,3}$/.test(raw) && Number(raw) <= 255) return good(raw);
  return noMatch(field);
});

export const oneOf =
  (values: readonly string[], allowNegation = false): Check =>
  (raw, field) => {
    const v = allowNegation && raw.startsWith('!') ? raw.slice(1) : raw;
    return values.includes(v) ? good(raw) : noMatch(field);
  };

/** Comma-separated subset of `values`, optionally negated as a whole. */
export const setOf =
  (values: readonly string[], allowNegation = false): Check =>
  (raw, field) => {
    const v = allowNegation && raw.startsWith('!') ? raw.slice(1) : raw;
    if (v === '') return good(raw);
    return v.split(',').every((x) => values.includes(x)) ? good(raw) : noMatch(field);
  };

const DURATION_PART = /^(\d+)(w|d|h|ms|m|s)/;

/** Parses `1d2h`, `5m`, `30s`, `500ms`, `00:05:00`, `1d 00:00:10`, or a bare number of seconds. */
export function parseDurationMs(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const clock = /^(?:(\d+)d\s*)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(t);
  if (clock) {
    const [, d, h, m, s, frac] = clock;
    if (Number(m) > 59 || Number(s) > 59) return undefined;
    return (
      ((Number(d ?? 0) * 24 + Number(h)) * 3600 + Number(m) * 60 + Number(s)) * 1000 +
      Number((frac ?? '0').padEnd(3, '0'))
    );
  }
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  const unit: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let rest = t;
  let total = 0;
  while (rest.length > 0) {
    const m = DURATION_PART.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * unit[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** RouterOS prints durations as `1d2h3m4s` (zero as `0s`). */
export function formatDuration(ms: number): string {
  let s = Math.floor(ms / 1000);
  const rem = ms % 1000;
  const parts: string[] = [];
  for (const [u, n] of [
    ['w', 604800],
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (s >= n) {
      parts.push(`${Math.floor(s / n)}${u}`);
      s %= n;
    }
  }
  if (s > 0) parts.push(`${s}s`);
  if (rem > 0) parts.push(`${rem}ms`);
  return parts.length === 0 ? '0s' : parts.join('');
}

export const duration: Check = (raw, field) => {
  const ms = parseDurationMs(raw);
  return ms === undefined ? invalid(field) : good(formatDuration(ms));
};

/** Scheduler start-time: `startup` or a time of day. */
export const timeOfDay: Check = (raw, field) => {
  if (raw === 'startup') return good(raw);
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(raw);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) return invalid(field);
  return good(`${m[1]!.padStart(2, '0')}:${m[2]}:${(m[3] ?? '00').padStart(2, '0')}`);
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Parses RouterOS dates: `2026-11-25` (7.10+) or `nov/25/2026`; returns `YYYY-MM-DD`. */
export function parseDate(text: string): string | undefined {
  let y: number, mo: number, d: number;
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const old = /^([a-z]{3})\/(\d{2})\/(\d{4})$/i.exec(text);
  if (iso) [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (old) [y, mo, d] = [Number(old[3]), MONTHS.indexOf(old[1]!.toLowerCase()) + 1, Number(old[2])];
  else return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (mo < 1 || date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return undefined;
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export const date: Check = (raw, field) => {
  const v = parseDate(raw);
  return v === undefined ? invalid(field) : good(v);
};

export const interfaceName: Check = negatable((raw, field, ctx) =>
  ctx.interfaceNames.includes(raw) ? good(raw) : noMatch(field),
);

/** Interface lists include the built-in all/none/dynamic/static. */
export const interfaceListName: Check = negatable((raw, field, ctx) =>
  ['all', 'none', 'dynamic', 'static'].includes(raw) || ctx.interfaceListNames.includes(raw)
    ? good(raw)
    : noMatch(field),
);

export const groupName: Check = (raw, field, ctx) => (ctx.groupNames.includes(raw) ? good(raw) : noMatch(field));

/** Names that RouterOS refuses: empty, or with characters it cannot store. */
export const itemName: Check = (raw, field) =>
  raw === '' || [...raw].some((c) => c.charCodeAt(0) < 0x20) ? invalid(field) : good(raw);
