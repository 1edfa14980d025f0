/**
 * Who the PBX talks to, read in ONE SSH exec (its own, apart from the main read): the gateways
 * (v_gateways, only the columns in GATEWAY_COLUMNS: never a password), what FreeSWITCH runs
 * (`sofia status gateway`), who is registered (`sofia xmlstatus profile internal reg`), and the
 * gateways' host names resolved by the PBX itself, as FreeSWITCH would (RFC 3263: NAPTR, SRV for
 * _sip._udp, _sip._tcp and _sips._tcp — the services of sofia_reg.c:2439-2458 — and A), with dig,
 * else host, else `getent ahostsv4` (A only, and said so).
 *
 * The names come from the database inside the script: the script text is constant and no value
 * is ever pasted into it. In the shell each name is a quoted variable ("$name"), checked against
 * a host-name pattern before any tool sees it, passed after `-q` to dig, with globbing off, so a
 * hostile realm can neither run a command nor become a tool option.
 */
import { Failure } from '../../../contract/errors';
import { runBatch, fsCliText, type BatchAnswers } from '../session/batch';
import { jsonFromPsql, PSQL_AS_POSTGRES_SH } from '../session/db';
import {
  GATEWAY_COLUMN_SQL,
  GATEWAY_COLUMNS,
  parseGatewayStatus,
  tlsProfilesOf,
  type GatewayRow,
  type RunningGateway,
} from '../parse/gateways';
import { isRegistrationList, parseRegistrations, type Registration } from '../parse/registrations';
import { scrubSecrets } from '../parse/scrub';
import type { SshSession } from '../session/ssh';

export type Resolver = 'dig' | 'host' | 'getent' | 'none';

export type DnsRecord =
  | { type: 'A'; address: string; ttl: number | null }
  | { type: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { type: 'NAPTR'; order: number; preference: number; flags: string; service: string; replacement: string };

/** One question the PBX asked its resolver. `label` is A, A2 (the same A asked again), SRV or NAPTR. */
export interface DnsAnswer {
  label: string;
  name: string;
  records: DnsRecord[];
  /** The tool's exit code: dig 9 = no server answered; host 1 = no such name or no answer. */
  exitCode: number;
}

export interface DnsReading {
  resolver: Resolver;
  answers: DnsAnswer[];
  /** The script stopped asking because its time budget ran out. */
  truncated: boolean;
}

export interface PeersReading {
  switchname: string;
  gateways: GatewayRow[];
  /** null: FreeSWITCH did not answer. */
  running: RunningGateway[] | null;
  /** Profiles running with TLS (`sofia status`); null or absent: unknown. */
  tlsProfiles?: string[] | null;
  registrations: Registration[] | null;
  dns: DnsReading;
}

const columns = GATEWAY_COLUMNS.map((c) => `'${c}', ${GATEWAY_COLUMN_SQL[c] ?? c}`).join(', ');

/** v_gateways without passwords (only whether one is set), as JSON. Constant SQL. */
export const GATEWAYS_QUERY = `select coalesce(json_agg(json_build_object(${columns}) order by gateway, gateway_uuid), '[]'::json) from v_gateways;`;

/**
 * Host names of enabled gateways, one a line, cut as gateways.ts parseSipHost cuts them
 * (scheme, params, user@, port). Constant SQL.
 */
export const NAMES_QUERY = `select distinct h from (
  select lower(regexp_replace(regexp_replace(regexp_replace(regexp_replace(btrim(v), '^sips?:', '', 'i'),
    '[;?].*$', ''), '^.*@', ''), ':[0-9]{1,5}$', '')) as h
  from v_gateways g cross join lateral unnest(array[g.proxy, g.realm, g.register_proxy, g.outbound_proxy]) as v
  where g.enabled = 'true' and v is not null) s
where h <> '' order by h limit 64;`;

/** Seconds the DNS part may take in all; a dead resolver then costs this, not minutes. */
export const DNS_BUDGET_SECONDS = 40;

/** The script after the batch prelude. Constant text: no value from anywhere is pasted into it. */
export const PEERS_SCRIPT = `set -f
d=$(mktemp) || exit 97
trap 'rm -f "$t" "$e" "$d"' EXIT
${PSQL_AS_POSTGRES_SH} >"$t" 2>"$e" <<'FSPBX_NAT_SQL'
${GATEWAYS_QUERY}
FSPBX_NAT_SQL
emit gateways $?
${PSQL_AS_POSTGRES_SH} >"$d" 2>"$e" <<'FSPBX_NAT_SQL'
${NAMES_QUERY}
FSPBX_NAT_SQL
cp "$d" "$t"; emit names $?
fs switchname >"$t" 2>"$e"; emit switchname $?
fs 'sofia status gateway' >"$t" 2>"$e"; emit gwstatus $?
fs 'sofia status' >"$t" 2>"$e"; emit status $?
fs 'sofia xmlstatus profile internal reg' >"$t" 2>"$e"; emit reg $?
if command -v dig >/dev/null 2>&1; then tool=dig
elif command -v host >/dev/null 2>&1; then tool=host
elif command -v getent >/dev/null 2>&1; then tool=getent
else tool=none; fi
deadline=$(( $(date +%s) + ${DNS_BUDGET_SECONDS} ))
bounded() { if command -v timeout >/dev/null 2>&1; then timeout 6 "$@"; else "$@"; fi; }
okname() {
  case "$1" in ''|[!A-Za-z0-9_]*|*[!A-Za-z0-9._-]*|*..*) return 1 ;; esac
  case "$1" in *[A-Za-z]*) return 0 ;; esac
  return 1
}
ask() {
  okname "$3" || return 0
  if [ "$(date +%s)" -ge "$deadline" ]; then printf '@budget\\n'; return 0; fi
  printf '@q %s %s\\n' "$2" "$3"
  case $tool in
    dig) bounded dig +noall +answer +time=2 +tries=1 -t "$1" -q "$3" 2>/dev/null ;;
    host) bounded host -W 2 -t "$1" "$3" 2>/dev/null ;;
    getent) if [ "$1" = A ]; then bounded getent ahostsv4 "$3" 2>/dev/null; fi ;;
    *) false ;;
  esac
  printf '\\n@e %s\\n' "$?"
}
targets() { grep -E "IN[[:space:]]+$1[[:space:]]|has $1 record" | awk '{ print $NF }' | sed 's/\\.$//' | head -n 8; }
{
  printf '@tool %s\\n' "$tool"
  while IFS= read -r name; do
    okname "$name" || continue
    ask A A "$name"
    ask A A2 "$name"
    case $tool in dig|host) ;; *) continue ;; esac
    out=$(ask NAPTR NAPTR "$name"); printf '%s\\n' "$out"
    srvs=$( { printf '%s\\n' "$out" | targets NAPTR; printf '_sip._udp.%s\\n_sip._tcp.%s\\n_sips._tcp.%s\\n' "$name" "$name" "$name"; } | sort -u)
    for srv in $srvs; do
      out=$(ask SRV SRV "$srv"); printf '%s\\n' "$out"
      for target in $(printf '%s\\n' "$out" | targets SRV); do ask A A "$target"; done
    done
  done <"$d"
} >"$t" 2>"$e"
emit dns 0
`;

const num = (s: string | undefined): number => Number(s);

/** One answer line of dig (+noall +answer), host or getent ahostsv4, for the question asked. */
function parseRecord(line: string, type: string, resolver: Resolver): DnsRecord | undefined {
  const words = line.trim().split(/\s+/);
  let rdata: string[];
  let ttl: number | null = null;
  if (resolver === 'getent') {
    // "198.51.100.10   STREAM sip.carrier.example": the address first (one line per socket type).
    return /^\d+\.\d+\.\d+\.\d+$/.test(words[0] ?? '') ? { type: 'A', address: words[0]!, ttl: null } : undefined;
  }
  if (resolver === 'host') {
    const m = / has (?:address|(\S+) record) (.*)$/.exec(line.trim());
    if (!m) return undefined;
    if ((m[1] ?? 'A') !== type) return undefined;
    rdata = m[2]!.trim().split(/\s+/);
  } else {
    // dig: "owner. TTL IN TYPE rdata…"; CNAME lines on the way are skipped.
    if (words.length < 5 || words[2] !== 'IN' || words[3] !== type) return undefined;
    ttl = Number.isInteger(num(words[1])) ? num(words[1]) : null;
    rdata = words.slice(4);
  }
  const strip = (s: string) => s.replace(/\.$/, '').toLowerCase();
  if (type === 'A') {
    return /^\d+\.\d+\.\d+\.\d+$/.test(rdata[0] ?? '') ? { type: 'A', address: rdata[0]!, ttl } : undefined;
  }
  if (type === 'SRV' && rdata.length >= 4) {
    const [priority, weight, port, target] = rdata;
    if (![priority, weight, port].every((v) => Number.isInteger(num(v)))) return undefined;
    return { type: 'SRV', priority: num(priority), weight: num(weight), port: num(port), target: strip(target!) };
  }
  if (type === 'NAPTR' && rdata.length >= 6) {
    const [order, preference, flags, service] = rdata;
    const unq = (s: string) => s.replace(/^"|"$/g, '');
    return {
      type: 'NAPTR',
      order: num(order),
      preference: num(preference),
      flags: unq(flags!).toLowerCase(),
      service: unq(service!).toUpperCase(),
      replacement: strip(rdata[rdata.length - 1]!),
    };
  }
  return undefined;
}

/** The `dns` part of the script: `@tool`, then `@q LABEL NAME`, answer lines, `@e CODE` per question. */
export function parseDnsPart(text: string): DnsReading {
  const reading: DnsReading = { resolver: 'none', answers: [], truncated: false };
  let current: DnsAnswer | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line.startsWith('@tool ')) {
      const tool = line.slice(6).trim();
      if (tool === 'dig' || tool === 'host' || tool === 'getent') reading.resolver = tool;
      continue;
    }
    if (line === '@budget') {
      reading.truncated = true;
      continue;
    }
    const q = /^@q (A2?|SRV|NAPTR) (\S+)$/.exec(line);
    if (q) {
      current = { label: q[1]!, name: q[2]!.toLowerCase(), records: [], exitCode: -1 };
      reading.answers.push(current);
      continue;
    }
    const e = /^@e (\d+)$/.exec(line);
    if (e && current) {
      current.exitCode = Number(e[1]);
      current = undefined;
      continue;
    }
    if (!current || line === '') continue;
    const type = current.label === 'A2' ? 'A' : current.label;
    const record = parseRecord(line, type, reading.resolver);
    const seen = current.records.some((r) => JSON.stringify(r) === JSON.stringify(record));
    if (record && !seen) current.records.push(record);
  }
  return reading;
}

function checkGatewayRows(value: unknown): GatewayRow[] {
  const ok =
    Array.isArray(value) &&
    value.every(
      (row: unknown) =>
        typeof row === 'object' &&
        row !== null &&
        GATEWAY_COLUMNS.every((c) => {
          const v = (row as Record<string, unknown>)[c];
          return v === null || typeof v === 'string';
        }),
    );
  if (!ok) {
    throw new Failure({
      code: 'io_failed',
      message: 'The FS PBX database answered the gateway query in an unexpected shape.',
      detail: 'v_gateways rows are not objects of text columns',
    });
  }
  // Only the columns asked for are kept, whatever else came back.
  return (value as Record<string, string | null>[]).map(
    (row) => Object.fromEntries(GATEWAY_COLUMNS.map((c) => [c, row[c] ?? null])) as GatewayRow,
  );
}

/** The parts of the exec, read into plain data. Pure (exported for tests). */
export function readingFrom(answers: BatchAnswers, raw: { code: number; stderr: string }): PeersReading {
  const db = answers.get('gateways');
  if (!db) {
    throw new Failure({
      code: 'io_failed',
      message: 'The PBX did not run the wizard’s gateway read. Check the login can run sh as root.',
      detail: scrubSecrets(`exit ${raw.code}: ${raw.stderr}`).slice(0, 500),
    });
  }
  const gateways = checkGatewayRows(jsonFromPsql(db));
  const status = fsCliText(answers.get('gwstatus'));
  const profiles = fsCliText(answers.get('status'));
  const reg = fsCliText(answers.get('reg'));
  const dnsPart = answers.get('dns');
  return {
    switchname: fsCliText(answers.get('switchname'))?.trim() ?? '',
    gateways,
    running: status === undefined || !/Profile::Gateway-Name/.test(status) ? null : parseGatewayStatus(status),
    tlsProfiles: profiles === undefined || !/\tprofile\t/.test(profiles) ? null : tlsProfilesOf(profiles),
    registrations: reg === undefined || !isRegistrationList(reg) ? null : parseRegistrations(reg),
    dns: dnsPart ? parseDnsPart(dnsPart.stdout) : { resolver: 'none', answers: [], truncated: false },
  };
}

/** Generous: up to DNS_BUDGET_SECONDS of lookups, plus psql and two fs_cli calls. */
const PEERS_TIMEOUT_MS = 120_000;

/** Gateways, running state, registrations and the PBX's DNS view, in one exec. Read-only. */
export async function readPeers(ssh: SshSession): Promise<PeersReading> {
  const { answers, raw } = await runBatch(ssh, PEERS_SCRIPT, PEERS_TIMEOUT_MS);
  return readingFrom(answers, raw);
}
