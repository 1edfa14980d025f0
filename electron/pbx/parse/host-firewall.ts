/**
 * Would the PBX's own iptables INPUT chain let a forwarded port in? A small
 * model of iptables matching over `iptables -S` rules: every criterion answers
 * yes, no or maybe, and a maybe on a DROP counts as dropping. Pure.
 */
import type { HostFirewall, IptablesRule, PortRange } from '../model/state';

type Tri = 'yes' | 'no' | 'maybe';

export interface HostPacket {
  protocol: 'udp' | 'tcp';
  port: number;
  /** A known source address as an integer span; absent = "any peer". */
  source?: { lo: number; hi: number };
}

export type HostVerdict = { kind: 'accepted' } | { kind: 'dropped'; rule: IptablesRule | 'policy'; certain: boolean };

function ipv4Span(text: string): { lo: number; hi: number } | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  const prefix = m[5] === undefined ? 32 : Number(m[5]);
  if (prefix > 32) return undefined;
  const value = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const lo = (value & mask) >>> 0;
  return { lo, hi: (lo | (~mask >>> 0)) >>> 0 };
}

function portsMatch(spec: string, port: number): Tri {
  for (const part of spec.split(',')) {
    const [a, b] = part.split(':');
    const lo = Number(a);
    const hi = b === undefined ? lo : Number(b);
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) return 'maybe';
    if (port >= lo && port <= hi) return 'yes';
  }
  return 'no';
}

function sourceMatch(spec: string, source: HostPacket['source']): Tri {
  const span = ipv4Span(spec);
  if (!span) return 'maybe';
  if (!source) {
    // event_guard's per-address drops do not concern "any peer"; wide ranges might.
    return span.hi - span.lo < 65536 ? 'no' : 'maybe';
  }
  if (span.lo <= source.lo && source.hi <= span.hi) return 'yes';
  return span.hi < source.lo || source.hi < span.lo ? 'no' : 'maybe';
}

const VALUE_IGNORED = new Set([
  '-m',
  '--match',
  '--comment',
  '--reject-with',
  '--log-prefix',
  '--log-level',
  '-c',
  '--algo',
  '--to',
  '--from',
  '--icmp-type',
]);
const FLAGS_IGNORED = new Set(['--icase']);

interface ParsedRule {
  match: Tri;
  target?: string;
}

function evaluateRule(rule: IptablesRule, p: HostPacket): ParsedRule {
  let result: Tri = 'yes';
  let target: string | undefined;
  const words = rule.words;
  const and = (t: Tri, negate: boolean): void => {
    const v: Tri = negate && t !== 'maybe' ? (t === 'yes' ? 'no' : 'yes') : t;
    if (result === 'no' || v === 'no') result = 'no';
    else if (v === 'maybe') result = 'maybe';
  };
  let negate = false;
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!;
    const value = words[i + 1];
    if (word === '!') {
      negate = true;
      continue;
    }
    switch (word) {
      case '-p':
      case '--protocol':
        and(
          value === p.protocol || value === (p.protocol === 'udp' ? '17' : '6')
            ? 'yes'
            : value === 'all'
              ? 'yes'
              : 'no',
          negate,
        );
        i += 1;
        break;
      case '--dport':
      case '--dports':
      case '--destination-port':
      case '--destination-ports':
        and(value === undefined ? 'maybe' : portsMatch(value, p.port), negate);
        i += 1;
        break;
      case '-s':
      case '--source':
        and(value === undefined ? 'maybe' : sourceMatch(value, p.source), negate);
        i += 1;
        break;
      case '-i':
      case '--in-interface':
        // Forwarded traffic arrives on the LAN interface, never on lo.
        and(value === 'lo' ? 'no' : 'maybe', negate);
        i += 1;
        break;
      case '--ctstate':
      case '--state':
        and(value?.split(',').includes('NEW') ? 'yes' : 'no', negate);
        i += 1;
        break;
      case '-j':
      case '--jump':
      case '-g':
      case '--goto':
        target = value;
        i += 1;
        break;
      case '--string':
      case '--hex-string':
        // FS PBX drops SIP scanners by user-agent string; a trunk's or phone's SIP does not carry them.
        and('no', negate);
        i += 1;
        break;
      default:
        if (VALUE_IGNORED.has(word)) i += 1;
        else if (FLAGS_IGNORED.has(word)) break;
        else if (word.startsWith('-')) {
          and('maybe', negate);
          if (value !== undefined && !value.startsWith('-')) i += 1;
        }
    }
    negate = false;
  }
  return { match: result, ...(target === undefined ? {} : { target }) };
}

function walk(fw: HostFirewall, chain: string, p: HostPacket, depth: number): HostVerdict | 'return' {
  if (depth > 8) return 'return';
  for (const rule of fw.rules) {
    if (rule.chain !== chain) continue;
    const { match, target } = evaluateRule(rule, p);
    if (match === 'no' || target === undefined) continue;
    if (target === 'ACCEPT') {
      if (match === 'yes') return { kind: 'accepted' };
      continue;
    }
    if (target === 'DROP' || target === 'REJECT') return { kind: 'dropped', rule, certain: match === 'yes' };
    if (target === 'RETURN') {
      if (match === 'yes') return 'return';
      continue;
    }
    if (fw.chains.includes(target)) {
      const inner = walk(fw, target, p, depth + 1);
      if (inner === 'return') continue;
      if (inner.kind === 'accepted' && match !== 'yes') continue;
      return inner;
    }
  }
  return 'return';
}

export function evaluateInput(fw: HostFirewall, p: HostPacket): HostVerdict {
  const verdict = walk(fw, 'INPUT', p, 0);
  if (verdict !== 'return') return verdict;
  const policy = fw.policies.INPUT ?? 'ACCEPT';
  return policy === 'ACCEPT' ? { kind: 'accepted' } : { kind: 'dropped', rule: 'policy', certain: true };
}

/** The sub-ranges of `range` that INPUT drops, computed per segment between the rules' port boundaries. */
export function droppedPorts(
  fw: HostFirewall,
  protocol: 'udp' | 'tcp',
  range: PortRange,
  source?: HostPacket['source'],
): PortRange[] {
  const cuts = new Set<number>([range.start, range.end + 1]);
  for (const rule of fw.rules) {
    rule.words.forEach((w, i) => {
      if (!/^--(dports?|destination-ports?)$/.test(w)) return;
      for (const part of (rule.words[i + 1] ?? '').split(',')) {
        const [a, b] = part.split(':').map(Number);
        for (const edge of [a, b === undefined ? a : b].map((n, k) => (n === undefined ? n : n + k))) {
          if (edge !== undefined && edge > range.start && edge <= range.end) cuts.add(edge);
        }
      }
    });
  }
  const edges = [...cuts].sort((x, y) => x - y);
  const dropped: PortRange[] = [];
  for (let i = 0; i + 1 < edges.length; i += 1) {
    const start = edges[i]!;
    const end = edges[i + 1]! - 1;
    const verdict = evaluateInput(fw, { protocol, port: start, ...(source ? { source } : {}) });
    if (verdict.kind !== 'dropped') continue;
    const last = dropped.at(-1);
    if (last && last.end + 1 === start) last.end = end;
    else dropped.push({ start, end });
  }
  return dropped;
}

export { ipv4Span };
