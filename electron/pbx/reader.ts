/**
 * Reads the FS PBX state over one SSH session: the database rows the planner
 * works on (one JSON query, every value as PostgreSQL's text, NULL apart from
 * ''), the files (vars.xml byte for byte, switch.conf.xml, config.conf), the
 * host firewall and what FreeSWITCH runs now. Read-only.
 */
import { Failure } from '../../contract/errors';
import { parseConfigConf } from './fingerprint';
import { parseIptablesS, parseSofiaXmlStatus, rtpRangeFrom } from './parse';
import type { SshSession } from './ssh';
import { queryJson } from './db';
import {
  VARS_XML_PATH,
  type DomainRow,
  type ExtensionRow,
  type PbxState,
  type Row,
  type RunningProfile,
  type SettingRow,
  type SipProfileRow,
  type VarRow,
} from './state';
import { SAFE_NAME } from './steps';

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
    '(select extension_uuid, domain_uuid, extension, number_alias, user_context, sip_bypass_media from v_extensions)',
    't.user_context, t.extension, t.extension_uuid',
  )},
  'domains', ${rowsAsText('(select domain_uuid, domain_name from v_domains)', 't.domain_name, t.domain_uuid')},
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

/** Profile names in `sofia xmlstatus` (profiles only, not aliases or gateways). */
export function parseSofiaProfileList(xml: string): string[] {
  const names: string[] = [];
  for (const m of xml.matchAll(/<profile>([\s\S]*?)<\/profile>/g)) {
    const name = /<name>([^<]*)<\/name>/.exec(m[1]!)?.[1]?.trim();
    const type = /<type>([^<]*)<\/type>/.exec(m[1]!)?.[1]?.trim();
    if (name && type === 'profile' && !names.includes(name)) names.push(name);
  }
  return names;
}

/** `fs_cli -x …` output, or undefined when FreeSWITCH did not answer. */
export async function fsCli(ssh: SshSession, command: string, timeoutMs = 15_000): Promise<string | undefined> {
  const result = await ssh.run(['fs_cli', '-x', command], { asRoot: true, timeoutMs }).catch((e: unknown) => {
    if (e instanceof Failure && e.error.code === 'permission_denied') throw e;
    return undefined;
  });
  if (!result || result.code !== 0) return undefined;
  if (/^\s*(-ERR|\[ERROR\])/.test(result.stdout)) return undefined;
  return result.stdout;
}

async function readRunning(ssh: SshSession): Promise<RunningProfile[] | null> {
  const list = await fsCli(ssh, 'sofia xmlstatus');
  if (list === undefined) return null;
  const running: RunningProfile[] = [];
  for (const name of parseSofiaProfileList(list).filter((n) => SAFE_NAME.test(n))) {
    const xml = await fsCli(ssh, `sofia xmlstatus profile ${name}`);
    if (xml === undefined) return null;
    running.push({ name, info: parseSofiaXmlStatus(xml) });
  }
  return running;
}

async function readFileOrNull(ssh: SshSession, path: string): Promise<string | null> {
  const result = await ssh.run(['cat', '--', path], { asRoot: true });
  return result.code === 0 ? result.stdout : null;
}

/** The whole PbxState. Fails with a clear AppError when the database cannot be read. */
export async function readPbxState(ssh: SshSession): Promise<PbxState> {
  const [db, hostname, configText, switchConf, postLoad, varsXml, iptables, switchname, running] = await Promise.all([
    queryJson(ssh, STATE_QUERY).then(checkDbState),
    ssh.run(['hostname']),
    readFileOrNull(ssh, PBX_FILES.configConf),
    readFileOrNull(ssh, PBX_FILES.switchConf),
    readFileOrNull(ssh, PBX_FILES.postLoad),
    readFileOrNull(ssh, PBX_FILES.varsXml),
    ssh.run(['iptables', '-S'], { asRoot: true }).catch(() => undefined),
    fsCli(ssh, 'switchname'),
    readRunning(ssh),
  ]);
  const host = hostname.stdout.trim();
  // config.conf is what FS PBX's PHP and Lua caches read; the default settings are the older place.
  const conf = configText === null ? {} : parseConfigConf(configText);
  const method = conf['cache.method'] ?? db.cache.method ?? DEFAULT_CACHE.method;
  const location = conf['cache.location'] ?? db.cache.location ?? DEFAULT_CACHE.location;
  return {
    hostname: host,
    // FreeSWITCH's switchname defaults to the host name.
    switchname: switchname?.trim() || host,
    profiles: db.profiles,
    settings: db.settings,
    vars: db.vars,
    extensions: db.extensions,
    domains: db.domains,
    cache: { method: method === 'memcache' ? 'memcache' : 'file', location: location || DEFAULT_CACHE.location },
    rtp: rtpRangeFrom({ switchConf, postLoad }),
    varsXml,
    firewall: iptables?.code === 0 ? parseIptablesS(iptables.stdout) : null,
    running,
  };
}
