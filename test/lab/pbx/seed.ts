/**
 * The FS PBX database of a stock install, as SQL text: the tables the wizard reads and writes
 * (reference/fspbx.md) and the rows a fresh FS PBX has. Pure: same input, same SQL.
 */
import { createHash } from 'node:crypto';

/** Stable UUIDs, so a test can name a row without reading it first. */
export function labUuid(name: string): string {
  const h = createHash('sha1').update(`fspbx-lab:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function sqlLiteral(value: string | null): string {
  if (value === null) return 'NULL';
  if (value.includes('\0')) throw new Error('NUL in SQL literal');
  return `'${value.replace(/'/g, "''")}'`;
}

export interface SettingRow {
  name: string;
  value: string;
  enabled: boolean;
  description?: string;
}

export interface ProfileSeed {
  name: 'internal' | 'external' | 'internal-ipv6' | 'external-ipv6';
  enabled: boolean;
  description: string;
  settings: SettingRow[];
}

const on = (name: string, value: string, description = ''): SettingRow => ({ name, value, enabled: true, description });
const off = (name: string, value: string, description = ''): SettingRow => ({
  name,
  value,
  enabled: false,
  description,
});

/**
 * TLS as FS PBX seeds it: `tls` follows the profile's ssl variable (false in stock vars.xml), with
 * its port beside it (nemerald-voip/fusionpbx @ 4e18d071 app/switch/resources/conf/sip_profiles/
 * internal.xml.noload:190-196, external.xml.noload:78-84; vars.xml:131-136).
 */
function tlsSettings(side: 'internal' | 'external'): SettingRow[] {
  return [
    on('tls', `$\${${side}_ssl_enable}`),
    on('tls-only', 'false'),
    on('tls-sip-port', side === 'internal' ? '5061' : '5081'),
    on('tls-cert-dir', `$\${${side}_ssl_dir}`),
  ];
}

function commonSettings(port: string, ip: '$${local_ip_v4}' | '$${local_ip_v6}', context: string): SettingRow[] {
  return [
    on('sip-port', port),
    on('sip-ip', ip),
    on('rtp-ip', ip),
    on('context', context),
    on('dialplan', 'XML'),
    on('rtp-timer-name', 'soft'),
    on('dtmf-duration', '2000'),
    on('inbound-codec-prefs', '$${global_codec_prefs}'),
    on('outbound-codec-prefs', '$${outbound_codec_prefs}'),
    on('hold-music', '$${hold_music}'),
    on('rtp-timeout-sec', '300'),
    on('rtp-hold-timeout-sec', '1800'),
    on('manage-presence', 'false'),
    on('inbound-late-negotiation', 'true'),
    on('inbound-zrtp-passthru', 'true'),
    on('nonce-ttl', '60'),
    on('auth-calls', 'true'),
    on('local-network-acl', 'localnet.auto'),
    on('apply-inbound-acl', 'providers'),
    on('debug', '0'),
    on('sip-trace', 'no'),
    on('user-agent-string', 'FreeSWITCH'),
  ];
}

/**
 * Stock rows of reference/fspbx.md "Stock SIP profile rows". All four profiles are enabled and
 * run, as on a real install (FreeSWITCH starts every profile sofia.conf.lua returns).
 */
export function stockProfiles(): ProfileSeed[] {
  // The IPv6 twins as a real install seeds them (reference/fspbx.md "Stock SIP profile rows"): their
  // ext-*-ip rows disabled, and no NAT or WS rows.
  const v6 = (ip: string) => ip === '$${local_ip_v6}';
  const internal = (port: string, ip: '$${local_ip_v4}' | '$${local_ip_v6}'): SettingRow[] =>
    v6(ip)
      ? [
          ...commonSettings(port, ip, 'public'),
          ...tlsSettings('internal'),
          off('ext-sip-ip', '$${external_sip_ip}'),
          off('ext-rtp-ip', '$${external_rtp_ip}'),
          on('force-register-domain', '$${domain}'),
          on('challenge-realm', 'auto_from'),
        ]
      : internalV4(port, ip);
  const internalV4 = (port: string, ip: '$${local_ip_v4}' | '$${local_ip_v6}'): SettingRow[] => [
    ...commonSettings(port, ip, 'public'),
    ...tlsSettings('internal'),
    on('ext-sip-ip', '$${external_sip_ip}'),
    on('ext-rtp-ip', '$${external_rtp_ip}'),
    on('aggressive-nat-detection', 'true'),
    on('apply-nat-acl', 'nat.auto'),
    on('NDLB-force-rport', 'safe'),
    off('NDLB-received-in-nat-reg-contact', 'true'),
    off('nat-options-ping', 'true'),
    on('force-register-domain', '$${domain}'),
    on('challenge-realm', 'auto_from'),
    // WebRTC bindings, so `sofia xmlstatus` lists WS and WSS rows (FS mod_sofia.c:3517-3526).
    on('ws-binding', ':5066'),
    on('wss-binding', ':7443'),
  ];
  const external = (port: string, ip: '$${local_ip_v4}' | '$${local_ip_v6}'): SettingRow[] => [
    ...commonSettings(port, ip, 'public'),
    ...tlsSettings('external'),
    (v6(ip) ? off : on)('ext-sip-ip', '$${external_sip_ip}'),
    (v6(ip) ? off : on)('ext-rtp-ip', '$${external_rtp_ip}'),
    ...(v6(ip) ? [] : [on('apply-nat-acl', 'nat.auto')]),
    on('challenge-realm', 'auto_to'),
  ];
  return [
    {
      name: 'internal',
      enabled: true,
      description: 'The Internal profile by default requires registration.',
      settings: internal('5060', '$${local_ip_v4}'),
    },
    {
      name: 'external',
      enabled: true,
      description: 'The External profile external provides anonymous calling.',
      settings: external('5080', '$${local_ip_v4}'),
    },
    {
      name: 'internal-ipv6',
      enabled: true,
      description: 'The Internal IPV6 profile binds to the IP version 6 address.',
      settings: internal('5060', '$${local_ip_v6}'),
    },
    {
      name: 'external-ipv6',
      enabled: true,
      description: 'The External IPV6 profile binds to the IP version 6 address.',
      settings: external('5080', '$${local_ip_v6}'),
    },
  ];
}

export interface VarRow {
  category: string;
  name: string;
  value: string;
  enabled: boolean;
}

export function stockVars(domain: string): VarRow[] {
  const v = (category: string, name: string, value: string, enabled = true): VarRow => ({
    category,
    name,
    value,
    enabled,
  });
  return [
    v('Domain', 'domain', domain),
    v('Domain', 'domain_name', '$${domain}'),
    v('SIP', 'sip_tls_version', 'tlsv1,tlsv1.1,tlsv1.2'),
    v('SIP Profile: External', 'external_ssl_enable', 'false'),
    v('SIP Profile: External', 'external_ssl_dir', '$${conf_dir}/tls'),
    v('SIP Profile: Internal', 'internal_ssl_enable', 'false'),
    v('SIP Profile: Internal', 'internal_ssl_dir', '$${conf_dir}/tls'),
    v('SIP', 'sip_tls_ciphers', 'ALL:!ADH:!LOW:!EXP:!MD5:@STRENGTH'),
    v('Codecs', 'global_codec_prefs', 'G7221@32000h,G7221@16000h,G722,PCMU,PCMA'),
    v('Codecs', 'outbound_codec_prefs', 'PCMU,PCMA'),
    v('Music on Hold', 'hold_music', 'local_stream://default'),
    v('Defaults', 'call_debug', 'false'),
    v('Defaults', 'console_loglevel', 'info'),
    v('Defaults', 'default_areacode', '208'),
    v('Defaults', 'default_country', 'US'),
    v('Defaults', 'sound_prefix', '$${sounds_dir}/en/us/callie'),
    v('IP Address', 'external_rtp_ip', '$${local_ip_v4}'),
    v('IP Address', 'external_sip_ip', '$${local_ip_v4}'),
    v('XMPP', 'xmpp_client_profile', 'xmppc', false),
    v('XMPP', 'xmpp_server_profile', 'xmpps', false),
  ];
}

export interface ExtensionRow {
  extension: string;
  numberAlias: string | null;
  bypassMedia: string | null;
  enabled: boolean;
}

/** 20 extensions; the media modes mix every case the wizard must tell apart, NULL and '' included. */
export function stockExtensions(): ExtensionRow[] {
  const media: Record<string, string | null> = {
    '1003': 'bypass-media',
    '1007': 'bypass-media',
    '1012': 'bypass-media',
    '1011': 'bypass-media-after-bridge',
    '1015': 'proxy-media',
    '1002': '',
    '1018': '',
  };
  return Array.from({ length: 20 }, (_, i) => {
    const extension = String(1001 + i);
    return {
      extension,
      numberAlias: i < 5 ? String(201 + i) : null,
      bypassMedia: extension in media ? media[extension]! : null,
      enabled: extension !== '1020',
    };
  });
}

export const SCHEMA_SQL = `
create extension if not exists "uuid-ossp";
create table v_domains (
  domain_uuid uuid primary key, domain_parent_uuid uuid, domain_name text, domain_enabled boolean,
  domain_description text, insert_date timestamptz, insert_user uuid, update_date timestamptz, update_user uuid);
create table v_sip_profiles (
  sip_profile_uuid uuid primary key, sip_profile_name text, sip_profile_hostname text, sip_profile_enabled text,
  sip_profile_description text, insert_date timestamptz, insert_user uuid, update_date timestamptz, update_user uuid);
create table v_sip_profile_settings (
  sip_profile_setting_uuid uuid primary key, sip_profile_uuid uuid references v_sip_profiles(sip_profile_uuid),
  sip_profile_setting_name text, sip_profile_setting_value text, sip_profile_setting_enabled text,
  sip_profile_setting_description text, insert_date timestamptz, insert_user uuid, update_date timestamptz,
  update_user uuid);
create table v_sip_profile_domains (
  sip_profile_domain_uuid uuid primary key, sip_profile_uuid uuid references v_sip_profiles(sip_profile_uuid),
  sip_profile_domain_name text, sip_profile_domain_alias text, sip_profile_domain_parse text,
  insert_date timestamptz, insert_user uuid, update_date timestamptz, update_user uuid);
create table v_vars (
  var_uuid uuid primary key, var_category text, var_name text, var_value text, var_command text,
  var_hostname text, var_enabled text, var_order numeric, var_description text,
  insert_date timestamptz, insert_user uuid, update_date timestamptz, update_user uuid);
create table v_extensions (
  extension_uuid uuid primary key, domain_uuid uuid references v_domains(domain_uuid), extension text,
  number_alias text, password text, accountcode text, effective_caller_id_name text,
  effective_caller_id_number text, outbound_caller_id_name text, outbound_caller_id_number text,
  emergency_caller_id_name text, emergency_caller_id_number text, directory_first_name text,
  directory_last_name text, directory_visible text, directory_exten_visible text, limit_max text,
  limit_destination text, missed_call_app text, missed_call_data text, user_context text, toll_allow text,
  call_timeout numeric, call_group text, call_screen_enabled text, user_record text, hold_music text,
  auth_acl text, cidr text, sip_force_contact text, nibble_account numeric, sip_force_expires numeric,
  mwi_account text, sip_bypass_media text, unique_id numeric, dial_string text, dial_user text,
  dial_domain text, do_not_disturb text, forward_all_destination text, forward_all_enabled text,
  forward_busy_destination text, forward_busy_enabled text, forward_no_answer_destination text,
  forward_no_answer_enabled text, forward_user_not_registered_destination text,
  forward_user_not_registered_enabled text, follow_me_uuid uuid, follow_me_enabled text,
  follow_me_destinations text, enabled text, description text, absolute_codec_string text,
  force_ping text, max_registrations text, insert_date timestamptz, insert_user uuid,
  update_date timestamptz, update_user uuid);
create table v_gateways (
  gateway_uuid uuid primary key, domain_uuid uuid, gateway text, username text, password text,
  distinct_to text, auth_username text, realm text, from_user text, from_domain text, proxy text,
  register_proxy text, outbound_proxy text, expire_seconds numeric, register text, register_transport text,
  contact_params text, retry_seconds numeric, extension text, ping text, ping_min text, ping_max text,
  contact_in_ping text, caller_id_in_from text, supress_cng text, sip_cid_type text, codec_prefs text,
  channels numeric, extension_in_contact text, context text, profile text, hostname text, enabled text,
  description text, insert_date timestamptz, insert_user uuid, update_date timestamptz, update_user uuid);
create table v_default_settings (
  default_setting_uuid uuid primary key, app_uuid uuid, default_setting_category text,
  default_setting_subcategory text, default_setting_name text, default_setting_value text,
  default_setting_order numeric, default_setting_enabled boolean, default_setting_description text,
  insert_date timestamptz, insert_user uuid, update_date timestamptz, update_user uuid);
`;

export interface SeedInput {
  domain: string;
  /** The trunk's SIP password, planted so tests can prove no stored record carries it. */
  trunkPassword?: string;
}

/** The lab's trunk: a gateway on the external profile (FS PBX columns, nemerald-voip/fusionpbx app/gateways/app_config.php:92-283). */
export const LAB_TRUNK = { name: 'Lab Trunk', proxy: '198.51.100.10', username: 'labtrunk' } as const;

export function seedSql({ domain, trunkPassword = 'lab-trunk-secret' }: SeedInput): string {
  const lines: string[] = ['begin;', SCHEMA_SQL];
  const L = sqlLiteral;
  const domainUuid = labUuid(`domain:${domain}`);
  lines.push(
    `insert into v_domains values (${L(domainUuid)}, NULL, ${L(domain)}, true, ${L('Default domain')}, now(), NULL, NULL, NULL);`,
  );
  for (const profile of stockProfiles()) {
    const uuid = labUuid(`profile:${profile.name}`);
    lines.push(
      `insert into v_sip_profiles values (${L(uuid)}, ${L(profile.name)}, NULL, ${L(String(profile.enabled))}, ${L(profile.description)}, now(), NULL, NULL, NULL);`,
    );
    lines.push(
      `insert into v_sip_profile_domains values (${L(labUuid(`profile-domain:${profile.name}`))}, ${L(uuid)}, 'all', 'false', 'false', now(), NULL, NULL, NULL);`,
    );
    for (const s of profile.settings) {
      lines.push(
        `insert into v_sip_profile_settings values (${L(labUuid(`setting:${profile.name}:${s.name}`))}, ${L(uuid)}, ${L(s.name)}, ${L(s.value)}, ${L(String(s.enabled))}, ${L(s.description ?? '')}, now(), NULL, NULL, NULL);`,
      );
    }
  }
  stockVars(domain).forEach((v, i) => {
    lines.push(
      `insert into v_vars values (${L(labUuid(`var:${v.name}`))}, ${L(v.category)}, ${L(v.name)}, ${L(v.value)}, 'set', NULL, ${L(String(v.enabled))}, ${i}, '', now(), NULL, NULL, NULL);`,
    );
  });
  for (const e of stockExtensions()) {
    lines.push(
      `insert into v_extensions (extension_uuid, domain_uuid, extension, number_alias, password, accountcode, effective_caller_id_name, effective_caller_id_number, user_context, call_timeout, user_record, limit_max, sip_bypass_media, enabled, description, insert_date) values (${L(labUuid(`extension:${e.extension}`))}, ${L(domainUuid)}, ${L(e.extension)}, ${L(e.numberAlias)}, ${L(labUuid(`password:${e.extension}`).slice(0, 12))}, ${L(domain)}, ${L(`Extension ${e.extension}`)}, ${L(e.extension)}, ${L(domain)}, 30, '', '5', ${L(e.bypassMedia)}, ${L(String(e.enabled))}, '', now());`,
    );
  }
  // IP-authenticated (register=false) but with a password, as many provider templates leave it.
  lines.push(
    `insert into v_gateways (gateway_uuid, domain_uuid, gateway, username, password, from_domain, proxy, expire_seconds, register, retry_seconds, context, profile, hostname, enabled, description, insert_date) values (${L(labUuid('gateway:trunk'))}, NULL, ${L(LAB_TRUNK.name)}, ${L(LAB_TRUNK.username)}, ${L(trunkPassword)}, NULL, ${L(LAB_TRUNK.proxy)}, 800, 'false', 30, 'public', 'external', NULL, 'true', '', now());`,
  );
  const settings: [string, string, string, string][] = [
    ['cache', 'method', 'text', 'file'],
    ['cache', 'location', 'text', '/var/cache/fusionpbx'],
    ['switch', 'conf', 'dir', '/etc/freeswitch'],
    ['switch', 'sip_profiles', 'dir', '/etc/freeswitch/sip_profiles'],
    ['switch', 'recordings', 'dir', '/var/lib/freeswitch/recordings'],
    ['domain', 'time_zone', 'name', 'UTC'],
  ];
  for (const [category, subcategory, name, value] of settings) {
    lines.push(
      `insert into v_default_settings values (${L(labUuid(`default:${category}:${subcategory}`))}, NULL, ${L(category)}, ${L(subcategory)}, ${L(name)}, ${L(value)}, 0, true, '', now(), NULL, NULL, NULL);`,
    );
  }
  lines.push('commit;');
  return lines.join('\n') + '\n';
}
