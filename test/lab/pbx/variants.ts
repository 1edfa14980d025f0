/**
 * Non-stock FS PBX databases, generated: what years of hand edits, an HA pair and a few
 * tenants leave behind. Only columns of the real schema (seed.ts SCHEMA_SQL, from
 * nemerald-voip/fusionpbx @ 4e18d071 app_config.php files). Every variant has:
 * duplicate and disabled setting rows, rows for an HA peer (sip_profile_hostname,
 * var_hostname, gateway hostname = the peer's switchname), several domains, extensions
 * whose user_context is not their domain name, NULL next to '', odd media values,
 * missing rows, hostile text, and gateways with passwords. Pure: same seed, same SQL.
 * Imports nothing from the wizard.
 */
import { randomBytes } from 'node:crypto';
import {
  SCHEMA_SQL,
  labUuid,
  sqlLiteral as L,
  stockExtensions,
  stockProfiles,
  stockVars,
  type SettingRow,
} from './seed';

export interface VariantInput {
  seed: number;
  /** The main domain (the lab's PBX name). */
  domain: string;
  /** This FreeSWITCH's switchname (its host name unless switch.conf says otherwise). */
  switchname: string;
}

export interface PbxVariant {
  name: string;
  /** Schema and rows, in one transaction; run as the fusionpbx role on an empty public schema. */
  sql: string;
  /** vars.xml as FS PBX writes it from these v_vars rows for this switchname. */
  varsXml: string;
  /** Every password planted (gateways): no stored record may contain one. */
  secrets: string[];
  /** What is unusual about it, for test names and failure messages. */
  traits: string[];
}

/** The HA peer's switchname: its rows are in the same database but not for this switch. */
export const HA_PEER = 'pbx-b';

const HOSTILE = [
  "x'; drop table v_extensions; --",
  '$(touch /tmp/pwned)`id`',
  'quote " and <param name="password" value="x"/> & ampersand',
  'ünïcödé ☎ 电话',
  'line\nbreak\tand tab',
  '\\backslash\\ and %s %n',
];

function prng(seed: number): () => number {
  let x = (seed * 2654435761) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) % 1_000_000) / 1_000_000;
  };
}

function xmlAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface VarSeed {
  uuid: string;
  category: string;
  name: string;
  value: string;
  hostname: string | null;
  enabled: string;
  order: number | null;
}

/**
 * vars.xml as FS PBX writes it: enabled rows ('true' exactly) ordered by category and
 * var_order, Provision left out, rows for another host left out, values XML-escaped
 * (nemerald-voip/fspbx app/Services/SwitchVariableService.php:151-203, :188, :189-190).
 */
export function renderVarsXml(vars: readonly VarSeed[], switchname: string): string {
  const rows = vars
    .filter((v) => v.enabled === 'true' && v.category !== 'Provision')
    .filter((v) => v.hostname === null || v.hostname === '' || v.hostname === switchname)
    .sort((a, b) =>
      a.category === b.category ? (a.order ?? Infinity) - (b.order ?? Infinity) : a.category < b.category ? -1 : 1,
    );
  const out = ['<include>'];
  let category = '';
  for (const v of rows) {
    if (v.category !== category) {
      category = v.category;
      out.push(`\t<!-- ${category} -->`);
    }
    const command = v.category === 'Exec-Set' ? 'exec-set' : 'set';
    out.push(`\t<X-PRE-PROCESS cmd="${command}" data="${xmlAttr(`${v.name}=${v.value}`)}" />`);
  }
  out.push('</include>', '');
  return out.join('\n');
}

export function variantDatabase({ seed, domain, switchname }: VariantInput): PbxVariant {
  const next = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const id = (what: string) => labUuid(`variant:${seed}:${what}`);
  const traits: string[] = [];
  const secrets: string[] = [];
  const lines: string[] = ['begin;', SCHEMA_SQL];
  const hostile = (i: number) => HOSTILE[(seed + i) % HOSTILE.length]!;

  // Domains: the main one, a second tenant, and a disabled old one.
  const domains = [
    { uuid: id('domain:main'), name: domain, enabled: true },
    { uuid: id('domain:branch'), name: `branch-${seed}.example.com`, enabled: true },
    { uuid: id('domain:old'), name: `old-${seed}.example.com`, enabled: false },
  ];
  traits.push('three domains (one disabled)');
  for (const d of domains) {
    lines.push(
      `insert into v_domains values (${L(d.uuid)}, NULL, ${L(d.name)}, ${d.enabled}, ${L(hostile(1))}, now(), NULL, NULL, NULL);`,
    );
  }

  // Profiles: stock rows, then what hand edits leave.
  const dropAggressive = seed % 2 === 0;
  for (const profile of stockProfiles()) {
    const uuid = id(`profile:${profile.name}`);
    // NULL and '' both mean "every host" (sofia.conf.lua:92).
    const hostname = profile.name.startsWith('internal') ? null : '';
    lines.push(
      `insert into v_sip_profiles values (${L(uuid)}, ${L(profile.name)}, ${L(hostname)}, ${L(String(profile.enabled))}, ${L(next() < 0.5 ? null : profile.description)}, now(), NULL, NULL, NULL);`,
    );
    lines.push(
      `insert into v_sip_profile_domains values (${L(id(`profile-domain:${profile.name}`))}, ${L(uuid)}, 'all', ${L(next() < 0.5 ? null : 'false')}, 'false', now(), NULL, NULL, NULL);`,
    );
    let settings: SettingRow[] = profile.settings;
    if (profile.name === 'internal' && dropAggressive) {
      settings = settings.filter((s) => s.name !== 'aggressive-nat-detection');
      traits.push('internal has no aggressive-nat-detection row');
    }
    if (profile.name === 'internal') {
      // A disabled duplicate of the ACL, and a disabled old aggressive row.
      settings = [
        ...settings,
        { name: 'apply-nat-acl', value: 'rfc1918.auto', enabled: false, description: hostile(2) },
      ];
      if (!dropAggressive) settings.push({ name: 'aggressive-nat-detection', value: 'false', enabled: false });
      traits.push('disabled duplicate apply-nat-acl');
    }
    if (profile.name === 'external') {
      // An enabled duplicate with the same value: FreeSWITCH takes the last, both say the same.
      settings = [...settings, { name: 'ext-rtp-ip', value: '$${external_rtp_ip}', enabled: true }];
      traits.push('duplicate enabled ext-rtp-ip on external');
    }
    settings.forEach((s, i) => {
      lines.push(
        `insert into v_sip_profile_settings values (${L(id(`setting:${profile.name}:${i}`))}, ${L(uuid)}, ${L(s.name)}, ${L(s.value)}, ${L(String(s.enabled))}, ${L(s.description ?? (next() < 0.5 ? null : ''))}, now(), NULL, NULL, NULL);`,
      );
    });
  }
  // The HA peer's own internal profile, and a profile whose flag is 'True' (not loaded: 'true' exactly).
  const peer = id('profile:peer-internal');
  lines.push(
    `insert into v_sip_profiles values (${L(peer)}, 'internal', ${L(HA_PEER)}, 'true', 'HA peer', now(), NULL, NULL, NULL);`,
    `insert into v_sip_profile_settings values (${L(id('setting:peer:1'))}, ${L(peer)}, 'sip-port', '5060', 'true', NULL, now(), NULL, NULL, NULL);`,
    `insert into v_sip_profile_settings values (${L(id('setting:peer:2'))}, ${L(peer)}, 'ext-rtp-ip', 'autonat:198.51.100.77', 'true', NULL, now(), NULL, NULL, NULL);`,
  );
  const odd = id('profile:odd');
  lines.push(
    `insert into v_sip_profiles values (${L(odd)}, 'lab-odd', NULL, 'True', ${L(hostile(3))}, now(), NULL, NULL, NULL);`,
    `insert into v_sip_profile_settings values (${L(id('setting:odd:1'))}, ${L(odd)}, 'sip-port', '5090', 'true', NULL, now(), NULL, NULL, NULL);`,
  );
  traits.push(`internal profile rows of the HA peer (${HA_PEER})`, "a profile enabled as 'True'");

  // Vars: stock, minus one NAT var some of the time, plus the peer's and odd rows.
  const dropSipVar = seed % 3 === 1;
  const vars: VarSeed[] = [];
  stockVars(domain).forEach((v, i) => {
    if (dropSipVar && v.name === 'external_sip_ip') return;
    vars.push({
      uuid: id(`var:${v.name}`),
      category: v.category,
      name: v.name,
      value: v.value,
      hostname: next() < 0.3 ? '' : null,
      enabled: String(v.enabled),
      order: v.name === 'hold_music' ? null : i,
    });
  });
  if (dropSipVar) traits.push('no external_sip_ip variable');
  vars.push(
    {
      uuid: id('var:peer-rtp'),
      category: 'IP Address',
      name: 'external_rtp_ip',
      value: 'autonat:198.51.100.77',
      hostname: HA_PEER,
      enabled: 'true',
      order: 90,
    },
    {
      uuid: id('var:peer-sip'),
      category: 'IP Address',
      name: 'external_sip_ip',
      value: 'autonat:198.51.100.77',
      hostname: HA_PEER,
      enabled: 'true',
      order: 91,
    },
    {
      uuid: id('var:old-rtp'),
      category: 'IP Address',
      name: 'external_rtp_ip',
      value: '198.51.100.1',
      hostname: null,
      enabled: 'false',
      order: 92,
    },
    {
      uuid: id('var:provision'),
      category: 'Provision',
      name: 'lab_provision',
      value: 'yes',
      hostname: null,
      enabled: 'true',
      order: 0,
    },
  );
  traits.push('external_*_ip rows for the HA peer and a disabled old one');
  for (const v of vars) {
    lines.push(
      `insert into v_vars values (${L(v.uuid)}, ${L(v.category)}, ${L(v.name)}, ${L(v.value)}, 'set', ${L(v.hostname)}, ${L(v.enabled)}, ${v.order === null ? 'NULL' : v.order}, ${L(next() < 0.5 ? hostile(4) : null)}, now(), NULL, NULL, NULL);`,
    );
  }

  // Extensions in two domains; some with user_context not their domain name; odd media values.
  const media = [
    null,
    '',
    'bypass-media',
    'bypass-media-after-bridge',
    'proxy-media',
    'Bypass-Media',
    'bypass-media ',
    'nonsense',
  ];
  let n = 0;
  for (const [d, count] of [
    [domains[0]!, 8],
    [domains[1]!, 5],
  ] as const) {
    for (const e of stockExtensions().slice(0, count)) {
      n += 1;
      const ext = d === domains[0] ? e.extension : String(2000 + n);
      const context = n % 4 === 0 ? `legacy-${seed}.example.com` : d.name;
      const bypass = n === 1 ? 'bypass-media' : n === 2 && d === domains[0] ? 'bypass-media-after-bridge' : pick(media);
      lines.push(
        `insert into v_extensions (extension_uuid, domain_uuid, extension, number_alias, password, effective_caller_id_name, user_context, sip_bypass_media, sip_force_contact, enabled, description, insert_date) values (${L(id(`extension:${n}`))}, ${L(d.uuid)}, ${L(ext)}, ${L(n % 3 === 0 ? String(300 + n) : null)}, ${L(randomLike(seed, n))}, ${L(hostile(n))}, ${L(context)}, ${L(bypass)}, ${L(next() < 0.3 ? '' : null)}, ${L(n % 7 === 0 ? 'false' : 'true')}, ${L(hostile(n + 1))}, now());`,
      );
    }
  }
  traits.push('user_context other than the domain name', 'odd media values (Bypass-Media, trailing space)');

  // Gateways: passwords planted; one for the peer, one disabled.
  const gateways = [
    { what: 'main', hostname: null, enabled: 'true', register: 'false' },
    { what: 'peer', hostname: HA_PEER, enabled: 'true', register: 'true' },
    { what: 'off', hostname: '', enabled: 'false', register: 'true' },
  ];
  for (const g of gateways) {
    const password = `gwpw-${seed}-${g.what}-${randomBytes(6).toString('hex')}`;
    secrets.push(password);
    lines.push(
      `insert into v_gateways (gateway_uuid, domain_uuid, gateway, username, password, proxy, expire_seconds, register, retry_seconds, context, profile, hostname, enabled, description, insert_date) values (${L(id(`gateway:${g.what}`))}, ${g.what === 'main' ? 'NULL' : L(domains[1]!.uuid)}, ${L(`Trunk ${g.what}`)}, ${L(`user-${g.what}`)}, ${L(password)}, '198.51.100.10', 800, ${L(g.register)}, 30, 'public', 'external', ${L(g.hostname)}, ${L(g.enabled)}, ${L(hostile(5))}, now());`,
    );
  }
  traits.push('gateways with passwords (one for the peer, one disabled)');

  const settings: [string, string, string, string][] = [
    ['cache', 'method', 'text', 'file'],
    ['cache', 'location', 'text', '/var/cache/fusionpbx'],
    ['switch', 'conf', 'dir', '/etc/freeswitch'],
  ];
  for (const [category, subcategory, name, value] of settings) {
    lines.push(
      `insert into v_default_settings values (${L(id(`default:${category}:${subcategory}`))}, NULL, ${L(category)}, ${L(subcategory)}, ${L(name)}, ${L(value)}, 0, true, '', now(), NULL, NULL, NULL);`,
    );
  }
  lines.push('commit;');
  return {
    name: `variant ${seed}`,
    sql: `${lines.join('\n')}\n`,
    varsXml: renderVarsXml(vars, switchname),
    secrets,
    traits,
  };
}

/** A per-extension SIP password that looks like FS PBX's (not a secret the tests hunt for). */
function randomLike(seed: number, n: number): string {
  return labUuid(`variant-password:${seed}:${n}`).replace(/-/g, '').slice(0, 12);
}

type Exec = (argv: string[], options?: { input?: string }) => Promise<{ code: number; stdout: string; stderr: string }>;

async function must(exec: Exec, argv: string[], input?: string): Promise<string> {
  const r = await exec(argv, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr.slice(0, 500)}`);
  return r.stdout;
}

/**
 * Puts a variant on the lab's PBX host (through `exec`, which runs inside it): the database
 * replaced, vars.xml as FS PBX would write it, the caches emptied, and FreeSWITCH started
 * again on it.
 */
export async function installVariant(exec: Exec, variant: PbxVariant): Promise<void> {
  await must(
    exec,
    ['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'fusionpbx'],
    `drop schema public cascade;\ncreate schema public authorization fusionpbx;\nset role fusionpbx;\n${variant.sql}`,
  );
  await must(exec, ['tee', '/etc/freeswitch/vars.xml'], variant.varsXml);
  await must(exec, ['chown', 'www-data:www-data', '/etc/freeswitch/vars.xml']);
  await must(exec, ['sh', '-c', 'rm -rf /var/cache/fusionpbx/* /var/lib/fslab/memcache']);
  await must(exec, ['/usr/bin/fs_cli', '--lab-boot']);
  await must(exec, ['chown', '-R', 'www-data:www-data', '/var/cache/fusionpbx']);
}
