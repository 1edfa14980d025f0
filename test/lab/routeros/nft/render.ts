/**
 * Renders the router's firewall (filter, NAT, address lists, interface
 * lists) as one nftables table. Pure: configuration in, nft script out.
 * Matchers the lab cannot express make the rule never match (it is left
 * out), which is the conservative choice for accept rules such as IPsec.
 */
import { PROTOCOL_NUMBERS } from '../model/values';

export const TABLE = 'routeros_sim';

export interface RenderInput {
  filter: readonly { id: number; fields: Readonly<Record<string, string>> }[];
  nat: readonly { id: number; fields: Readonly<Record<string, string>> }[];
  addressLists: readonly { fields: Readonly<Record<string, string>> }[];
  interfaceLists: readonly string[];
  /** Interface list name → member interface names (enabled members only). */
  listMembers: ReadonlyMap<string, readonly string[]>;
  /** Interfaces an enabled HotSpot server runs on (model/hotspot.ts); none when absent. */
  hotspotInterfaces?: readonly string[];
  counters: ReadonlyMap<string, { packets: number; bytes: number }>;
}

export const counterKey = (menu: 'filter' | 'nat', id: number): string =>
  `${menu === 'filter' ? 'f' : 'n'}*${id.toString(16).toUpperCase()}`;

const MATCH_FIELDS = new Set([
  'protocol',
  'src-address',
  'dst-address',
  'src-address-list',
  'dst-address-list',
  'src-port',
  'dst-port',
  'in-interface',
  'out-interface',
  'in-interface-list',
  'out-interface-list',
  'connection-state',
  'connection-nat-state',
  'src-address-type',
  'dst-address-type',
  'ipsec-policy',
  'hotspot',
]);
const NON_MATCH_FIELDS = new Set([
  'chain',
  'action',
  'comment',
  'disabled',
  'log',
  'log-prefix',
  'hw-offload',
  'jump-target',
  'to-addresses',
  'to-ports',
  'reject-with',
  'address-list',
  'address-list-timeout',
  'bytes',
  'packets',
  'invalid',
  'dynamic',
]);

const nftString = (s: string): string => `"${s.replace(/[^\x20-\x7e]|["\\]/g, '_')}"`;

function neg(value: string): { not: boolean; v: string } {
  return value.startsWith('!') ? { not: true, v: value.slice(1) } : { not: false, v: value };
}

function set(items: readonly string[]): string {
  return items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`;
}

interface Names {
  addressSet: (list: string) => string;
  ifaceSet: (list: string) => string;
  chain: (table: 'filter' | 'nat', name: string) => string;
}

/** Returns nft match expressions, or undefined when the rule cannot match in the lab. */
function matches(f: Readonly<Record<string, string>>, names: Names): string[] | undefined {
  const out: string[] = [];
  for (const key of Object.keys(f)) {
    if (!MATCH_FIELDS.has(key) && !NON_MATCH_FIELDS.has(key)) return undefined; // unsupported matcher
  }
  const proto = f.protocol !== undefined ? neg(f.protocol) : undefined;
  if (proto) {
    const n = PROTOCOL_NUMBERS[proto.v] ?? Number(proto.v);
    out.push(`meta l4proto ${proto.not ? '!= ' : ''}${n}`);
  }
  const hasPorts = f['src-port'] !== undefined || f['dst-port'] !== undefined || f['to-ports'] !== undefined;
  if (hasPorts && (!proto || proto.not || !['tcp', 'udp', 'udp-lite', 'dccp', 'sctp'].includes(proto.v)))
    return undefined;
  for (const [key, dir] of [
    ['src-address', 'saddr'],
    ['dst-address', 'daddr'],
  ] as const) {
    if (f[key] === undefined) continue;
    const { not, v } = neg(f[key]);
    out.push(`ip ${dir} ${not ? '!= ' : ''}${v}`);
  }
  for (const [key, dir] of [
    ['src-address-list', 'saddr'],
    ['dst-address-list', 'daddr'],
  ] as const) {
    if (f[key] === undefined) continue;
    const { not, v } = neg(f[key]);
    out.push(`ip ${dir} ${not ? '!= ' : ''}@${names.addressSet(v)}`);
  }
  for (const [key, dir] of [
    ['src-port', 'sport'],
    ['dst-port', 'dport'],
  ] as const) {
    if (f[key] === undefined) continue;
    const { not, v } = neg(f[key]);
    out.push(`th ${dir} ${not ? '!= ' : ''}${set(v.split(','))}`);
  }
  for (const [key, meta] of [
    ['in-interface', 'iifname'],
    ['out-interface', 'oifname'],
  ] as const) {
    if (f[key] === undefined) continue;
    const { not, v } = neg(f[key]);
    out.push(`${meta} ${not ? '!= ' : ''}${nftString(v)}`);
  }
  for (const [key, meta] of [
    ['in-interface-list', 'iifname'],
    ['out-interface-list', 'oifname'],
  ] as const) {
    if (f[key] === undefined) continue;
    const { not, v } = neg(f[key]);
    if (v === 'all' || v === 'static' || v === 'dynamic') {
      if (not) return undefined;
      continue;
    }
    if (v === 'none') {
      if (!not) return undefined;
      continue;
    }
    out.push(`${meta} ${not ? '!= ' : ''}@${names.ifaceSet(v)}`);
  }
  if (f['connection-state'] !== undefined && f['connection-state'] !== '') {
    const { not, v } = neg(f['connection-state']);
    out.push(`ct state ${not ? '!= ' : ''}${set(v.split(','))}`);
  }
  if (f['connection-nat-state'] !== undefined && f['connection-nat-state'] !== '') {
    const { not, v } = neg(f['connection-nat-state']);
    const bits = v.split(',').map((s) => (s === 'dstnat' ? 'dnat' : 'snat'));
    const mask = bits.join(' | ');
    out.push(not ? `ct status & (${mask}) == 0` : `ct status & (${mask}) != 0`);
  }
  for (const [key, dir] of [
    ['src-address-type', 'saddr'],
    ['dst-address-type', 'daddr'],
  ] as const) {
    if (f[key] === undefined || f[key] === '') continue;
    const { not, v } = neg(f[key]);
    out.push(`fib ${dir} type ${not ? '!= ' : ''}${set(v.split(','))}`);
  }
  if (f['ipsec-policy'] !== undefined && f['ipsec-policy'].endsWith(',ipsec')) return undefined; // no IPsec in the lab
  if (f.hotspot !== undefined) {
    const hotspot = hotspotMatches(f.hotspot);
    if (hotspot === undefined) return undefined;
    out.push(...hotspot);
  }
  return out;
}

/**
 * The `hotspot=` conditions (model/hotspot.ts has the sources), each negatable: from-client /
 * to-client are the packet entering / leaving on a HotSpot interface (set `hs_if`); no client
 * ever logs in in the lab, so `auth` never holds and `!auth` always does; local-dst is a
 * destination of the router's own; `http` (a client's proxied web request) is not modelled.
 */
function hotspotMatches(value: string): string[] | undefined {
  const out: string[] = [];
  for (const part of value.split(',')) {
    const { not, v } = neg(part);
    const op = not ? '!= ' : '';
    if (v === 'from-client') out.push(`iifname ${op}@hs_if`);
    else if (v === 'to-client') out.push(`oifname ${op}@hs_if`);
    else if (v === 'local-dst') out.push(`fib daddr type ${op}local`);
    else if (v === 'auth') {
      if (!not) return undefined;
    } else return undefined;
  }
  return out;
}

function verdict(f: Readonly<Record<string, string>>, table: 'filter' | 'nat', names: Names): string | undefined {
  const to = f['to-addresses'];
  const port = f['to-ports'];
  switch (f.action ?? 'accept') {
    case 'accept':
      return 'accept';
    case 'drop':
      return 'drop';
    case 'reject':
      return 'reject with icmp type net-unreachable';
    case 'return':
      return 'return';
    case 'jump':
      return f['jump-target'] ? `jump ${names.chain(table, f['jump-target'])}` : undefined;
    case 'passthrough':
    case 'log':
    case 'fasttrack-connection':
    case 'add-src-to-address-list':
    case 'add-dst-to-address-list':
      return ''; // counts and continues
    case 'dst-nat':
      if (!to) return undefined;
      return `dnat to ${to}${port ? `:${port}` : ''}`;
    case 'src-nat':
      if (!to) return undefined;
      return `snat to ${to}${port ? `:${port}` : ''}`;
    case 'masquerade':
      return port ? `masquerade to :${port}` : 'masquerade';
    case 'redirect':
      return port ? `redirect to :${port}` : 'redirect';
    default:
      return undefined;
  }
}

const BUILTIN = {
  filter: {
    input: 'type filter hook input priority filter',
    forward: 'type filter hook forward priority filter',
    output: 'type filter hook output priority filter',
  },
  nat: { dstnat: 'type nat hook prerouting priority dstnat', srcnat: 'type nat hook postrouting priority srcnat' },
} as const;

export function renderRuleset(input: RenderInput): string {
  const addressLists = [...new Set(input.addressLists.map((e) => e.fields.list ?? ''))];
  const usedLists = new Set<string>(addressLists);
  const ifaceLists = [...input.interfaceLists];
  const customChains = { filter: [] as string[], nat: [] as string[] };
  const names: Names = {
    addressSet: (list) => {
      if (!usedLists.has(list)) {
        usedLists.add(list);
        addressLists.push(list);
      }
      return `al_${addressLists.indexOf(list)}`;
    },
    ifaceSet: (list) => {
      if (!ifaceLists.includes(list)) ifaceLists.push(list);
      return `il_${ifaceLists.indexOf(list)}`;
    },
    chain: (table, name) => {
      if (name in BUILTIN[table]) return name;
      if (!customChains[table].includes(name)) customChains[table].push(name);
      return `${table === 'filter' ? 'fc' : 'nc'}_${customChains[table].indexOf(name)}`;
    },
  };
  const chainRules = new Map<string, string[]>();
  for (const table of ['filter', 'nat'] as const) {
    for (const chain of Object.keys(BUILTIN[table])) chainRules.set(chain, []);
    for (const rule of input[table]) {
      const f = rule.fields;
      if (f.disabled === 'true') continue;
      const chain = names.chain(table, f.chain ?? '');
      if (!chainRules.has(chain)) chainRules.set(chain, []);
      const m = matches(f, names);
      const v = verdict(f, table, names);
      if (m === undefined || v === undefined) continue;
      const key = counterKey(table, rule.id);
      const c = input.counters.get(key) ?? { packets: 0, bytes: 0 };
      chainRules
        .get(chain)!
        .push(
          [...m, `counter packets ${c.packets} bytes ${c.bytes}`, v, `comment "${key}"`]
            .filter((x) => x !== '')
            .join(' '),
        );
    }
  }
  customChains.filter.forEach((_, i) => chainRules.has(`fc_${i}`) || chainRules.set(`fc_${i}`, []));
  customChains.nat.forEach((_, i) => chainRules.has(`nc_${i}`) || chainRules.set(`nc_${i}`, []));
  const lines: string[] = [`table ip ${TABLE}`, `delete table ip ${TABLE}`, `table ip ${TABLE} {`];
  addressLists.forEach((list, i) => {
    const elements = input.addressLists
      .filter((e) => e.fields.list === list && e.fields.disabled !== 'true')
      .map((e) => e.fields.address ?? '')
      .filter((a) => /^[\d./-]+$/.test(a)); // DNS names are not resolved in the lab
    lines.push(`  set al_${i} {`, '    type ipv4_addr; flags interval; auto-merge;');
    if (elements.length) lines.push(`    elements = { ${elements.join(', ')} }`);
    lines.push('  }');
  });
  const hotspots = input.hotspotInterfaces ?? [];
  lines.push('  set hs_if {', '    type ifname;');
  if (hotspots.length) lines.push(`    elements = { ${hotspots.map(nftString).join(', ')} }`);
  lines.push('  }');
  ifaceLists.forEach((list, i) => {
    const members = input.listMembers.get(list) ?? [];
    lines.push(`  set il_${i} {`, '    type ifname;');
    if (members.length) lines.push(`    elements = { ${members.map(nftString).join(', ')} }`);
    lines.push('  }');
  });
  for (const [chain, rules] of chainRules) {
    const base = (BUILTIN.filter as Record<string, string>)[chain] ?? (BUILTIN.nat as Record<string, string>)[chain];
    lines.push(`  chain ${chain} {`);
    if (base) lines.push(`    ${base}; policy accept;`);
    for (const r of rules) lines.push(`    ${r}`);
    lines.push('  }');
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
