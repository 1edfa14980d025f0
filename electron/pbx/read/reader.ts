/**
 * Reads the FS PBX state in one SSH exec (batch.ts): the database rows the planner
 * works on (one JSON query, every value as PostgreSQL's text, NULL apart from
 * ''), the files (vars.xml byte for byte, switch.conf.xml, config.conf), the
 * host firewall and what FreeSWITCH runs now. Read-only.
 */
import { Failure } from '../../../contract/errors';
import { parseConfigConf } from '../session/fingerprint';
import { parseIptablesS, parseSofiaXmlStatus, rtpRangeFrom } from '../parse/parse';
import type { SshSession } from '../session/ssh';
import { type BatchAnswers, fsCliText, runBatch } from '../session/batch';
import { jsonFromPsql, PSQL_AS_POSTGRES_SH } from '../session/db';
import { scrubSecrets } from '../parse/scrub';
import {
  VARS_XML_PATH,
  type DomainRow,
  type ListeningSocket,
  type ExtensionRow,
  type PbxState,
  type Row,
  type RunningGatewayEntry,
  type RunningProfile,
  type SettingRow,
  type SipProfileRow,
  type VarRow,
} from '../model/state';
import { SAFE_NAME } from '../plan/steps';

export const PBX_FILES = {
  configConf: '/etc/fusionpbx/config.conf',
  switchConf: '/etc/freeswitch/autoload_configs/switch.conf.xml',
  postLoad: '/etc/freeswitch/autoload_configs/post_load_switch.conf.xml',
  varsXml: VARS_XML_PATH,
} as const;

const DEFAULT_CACHE = { method: 'file', location: '/var/cache/fusionpbx' } as const;

/** Every column of every row of `source`, as text (json_each_text), in `order`. Constant SQL. */
function rowsAsText(source: string, order: string): string {
  return `(select coalesce(json_agg(r.j order by ${order}), '[]'::json) from ${source} t
    cross join lateral (select json_object_agg(e.k, e.v) as j from json_each_text(row_to_json(t)) as e(k, v)) r)`;
}

/** The one read query: rows of the tables the wizard plans on, and the cache settings. */
export const STATE_QUERY = `select json_build_object(
  'profiles', ${rowsAsText('v_sip_profiles', 't.sip_profile_name, t.sip_profile_uuid')},
  'settings', ${rowsAsText('v_sip_profile_settings', 't.sip_profile_uuid, t.sip_profile_setting_name, t.sip_profile_setting_uuid')},
  'vars', ${rowsAsText('v_vars', 't.var_category, t.var_order, t.var_uuid')},
  'extensions', ${rowsAsText(
    '(select extension_uuid, domain_uuid, extension, number_alias, user_context, sip_bypass_media, enabled from v_extensions)',
    't.user_context, t.extension, t.extension_uuid',
  )},
  'domains', ${rowsAsText('(select domain_uuid, domain_name, domain_enabled from v_domains)', 't.domain_name, t.domain_uuid')},
  'cache', (select coalesce(json_object_agg(default_setting_subcategory, default_setting_value), '{}'::json)
    from v_default_settings where default_setting_category = 'cache'
    and default_setting_subcategory in ('method', 'location') and default_setting_enabled is true)
);`;

interface DbState {
  profiles: SipProfileRow[];
  settings: SettingRow[];
  vars: VarRow[];
  extensions: ExtensionRow[];
  domains: DomainRow[];
  cache: Record<string, string | null>;
}

function isRowList(value: unknown, key: string): value is Row[] {
  return (
    Array.isArray(value) &&
    value.every(
      (row: unknown) =>
        typeof row === 'object' &&
        row !== null &&
        typeof (row as Record<string, unknown>)[key] === 'string' &&
        Object.values(row as Record<string, unknown>).every((v) => v === null || typeof v === 'string'),
    )
  );
}

function checkDbState(value: unknown): DbState {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const shapes: [keyof DbState, string][] = [
    ['profiles', 'sip_profile_uuid'],
    ['settings', 'sip_profile_setting_uuid'],
    ['vars', 'var_uuid'],
    ['extensions', 'extension_uuid'],
    ['domains', 'domain_uuid'],
  ];
  for (const [field, key] of shapes) {
    if (!isRowList(v[field], key)) {
      throw new Failure({
        code: 'io_failed',
        message: 'The FS PBX database answered in an unexpected shape.',
        detail: `${field} is not a list of rows keyed by ${key}`,
      });
    }
  }
  const cache = typeof v.cache === 'object' && v.cache !== null ? (v.cache as Record<string, string | null>) : {};
  return { ...(v as unknown as DbState), cache };
}

/** Profile names in `sofia xmlstatus` (profiles only, not aliases or gateways; WS/WSS rows repeat a name). */
export function parseSofiaProfileList(xml: string): string[] {
  const names: string[] = [];
  for (const m of xml.matchAll(/<profile>([\s\S]*?)<\/profile>/g)) {
    const name = /<name>([^<]*)<\/name>/.exec(m[1]!)?.[1]?.trim();
    const type = /<type>([^<]*)<\/type>/.exec(m[1]!)?.[1]?.trim();
    if (name && type === 'profile' && !names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * The gateways `sofia xmlstatus` lists after each profile's rows (mod_sofia.c:3528-3531:
 * `<gateway><name>…</name><type>gateway</type><data>register_to</data><state>STATE</state></gateway>`),
 * keyed by the profile they follow. Names that are not safe in an fs_cli command are left out.
 */
export function parseSofiaGateways(xml: string): Map<string, RunningGatewayEntry[]> {
  const out = new Map<string, RunningGatewayEntry[]>();
  let profile: string | undefined;
  for (const m of xml.matchAll(/<(profile|gateway)>([\s\S]*?)<\/\1>/g)) {
    const name = /<name>([^<]*)<\/name>/.exec(m[2]!)?.[1]?.trim();
    if (m[1] === 'profile') {
      if (/<type>profile<\/type>/.test(m[2]!)) profile = name;
      continue;
    }
    const state = /<state>([^<]*)<\/state>/.exec(m[2]!)?.[1]?.trim();
    if (!profile || !name || !state || !SAFE_NAME.test(name)) continue;
    out.set(profile, [...(out.get(profile) ?? []), { name, state }]);
  }
  return out;
}

/**
 * `ss -ltnH` (iproute2: no header; State Recv-Q Send-Q Local-Address:Port Peer-Address:Port …)
 * → the listening sockets. Lines that do not parse are skipped.
 */
export function parseSsListening(text: string): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const line of text.split('\n')) {
    const local = line.trim().split(/\s+/)[3];
    const m = local === undefined ? null : /^(.*):(\d{1,5})$/.exec(local);
    if (!m || m[1] === '') continue;
    const port = Number(m[2]);
    if (port >= 1 && port <= 65535) out.push({ address: m[1]!, port });
  }
  return out;
}

/** `fs_cli -x …` output in an exec of its own, or undefined when FreeSWITCH did not answer. */
export async function fsCli(ssh: SshSession, command: string, timeoutMs = 15_000): Promise<string | undefined> {
  const result = await ssh.run(['fs_cli', '-x', command], { asRoot: true, timeoutMs }).catch((e: unknown) => {
    if (e instanceof Failure && e.error.code === 'permission_denied') throw e;
    return undefined;
  });
  return fsCliText(result);
}

/** The read script after the batch prelude: every part of the state, one exec. Constant text. */
export const READ_SCRIPT = `run hostname hostname
run switchname fs switchname
run config-conf cat -- ${PBX_FILES.configConf}
run switch-conf cat -- ${PBX_FILES.switchConf}
run post-load cat -- ${PBX_FILES.postLoad}
run vars-xml cat -- ${PBX_FILES.varsXml}
run iptables iptables -S
run listening ss -ltnH
${PSQL_AS_POSTGRES_SH} >"$t" 2>"$e" <<'FSPBX_NAT_SQL'
${STATE_QUERY}
FSPBX_NAT_SQL
emit db $?
fs 'sofia xmlstatus' >"$t" 2>"$e"; emit xmlstatus $?
names=$(awk '/<name>/ { n = $0; sub(/.*<name>/, "", n); sub(/<\\/name>.*/, "", n) } /<type>profile<\\/type>/ { print n }' "$t" | sort -u)
for p in $names; do
  case "$p" in *[!A-Za-z0-9._-]*) continue ;; esac
  fs "sofia xmlstatus profile $p" >"$t" 2>"$e"; emit "profile:$p" $?
done
`;

/** Generous: one exec carries the whole read, and a real PBX may have a slow login shell. */
const READ_TIMEOUT_MS = 90_000;

function readRunning(answers: BatchAnswers): RunningProfile[] | null {
  const list = fsCliText(answers.get('xmlstatus'));
  if (list === undefined) return null;
  const running: RunningProfile[] = [];
  const gateways = parseSofiaGateways(list);
  for (const name of parseSofiaProfileList(list).filter((n) => SAFE_NAME.test(n))) {
    const xml = fsCliText(answers.get(`profile:${name}`));
    if (xml === undefined) return null;
    running.push({ name, info: parseSofiaXmlStatus(xml), gateways: gateways.get(name) ?? [] });
  }
  return running;
}

const fileText = (answers: BatchAnswers, name: string): string | null => {
  const r = answers.get(name);
  return r && r.code === 0 ? r.stdout : null;
};

/**
 * The cache FS PBX's Lua handler uses: config.conf's cache.method, whose
 * absence means memcache in the Lua code (fspbx resources/functions/cache.lua:22);
 * without config.conf, v_default_settings (what FS PBX's PHP reads), else file.
 */
export function cacheOf(
  configText: string | null,
  db: Record<string, string | null>,
): { method: 'file' | 'memcache'; location: string } {
  const conf = configText === null ? undefined : parseConfigConf(configText);
  const method = conf ? (conf['cache.method'] ?? 'memcache') : (db.method ?? DEFAULT_CACHE.method);
  const location = conf?.['cache.location'] ?? db.location ?? DEFAULT_CACHE.location;
  return { method: method === 'memcache' ? 'memcache' : 'file', location: location || DEFAULT_CACHE.location };
}

/** The whole PbxState, in one SSH exec. Fails with a clear AppError when the database cannot be read. */
export async function readPbxState(ssh: SshSession): Promise<PbxState> {
  const { answers, raw } = await runBatch(ssh, READ_SCRIPT, READ_TIMEOUT_MS);
  const dbResult = answers.get('db');
  if (!dbResult) {
    throw new Failure({
      code: 'io_failed',
      message:
        'The PBX did not run the wizard’s read (no answer from its database part). Check the login can run sh as root.',
      detail: scrubSecrets(`exit ${raw.code}: ${raw.stderr}`).slice(0, 500),
    });
  }
  const db = checkDbState(jsonFromPsql(dbResult));
  const host = answers.get('hostname')?.stdout.trim() ?? '';
  const switchname = fsCliText(answers.get('switchname'))?.trim();
  const iptables = answers.get('iptables');
  return {
    hostname: host,
    // FreeSWITCH's switchname defaults to the host name (switch_core.c:360-364).
    switchname: switchname || host,
    profiles: db.profiles,
    settings: db.settings,
    vars: db.vars,
    extensions: db.extensions,
    domains: db.domains,
    cache: cacheOf(fileText(answers, 'config-conf'), db.cache),
    rtp: rtpRangeFrom({ switchConf: fileText(answers, 'switch-conf'), postLoad: fileText(answers, 'post-load') }),
    varsXml: fileText(answers, 'vars-xml'),
    firewall: iptables?.code === 0 ? parseIptablesS(iptables.stdout) : null,
    running: readRunning(answers),
    listening: answers.get('listening')?.code === 0 ? parseSsListening(answers.get('listening')!.stdout) : null,
  };
}
