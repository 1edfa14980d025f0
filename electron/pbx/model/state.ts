/**
 * What the PBX state reader returns. Database rows keep their column names and
 * text values exactly as PostgreSQL returns them, NULL apart from '', so a
 * snapshot can put back the very same rows.
 */

/** One database row: column → text value or NULL. */
export type Row = Record<string, string | null>;

export interface SipProfileRow extends Row {
  sip_profile_uuid: string;
  sip_profile_name: string;
  sip_profile_hostname: string | null;
  sip_profile_enabled: string | null;
}

export interface SettingRow extends Row {
  sip_profile_setting_uuid: string;
  sip_profile_uuid: string;
  sip_profile_setting_name: string | null;
  sip_profile_setting_value: string | null;
  sip_profile_setting_enabled: string | null;
}

export interface VarRow extends Row {
  var_uuid: string;
  var_category: string | null;
  var_name: string | null;
  var_value: string | null;
  var_command: string | null;
  var_hostname: string | null;
  var_enabled: string | null;
  var_order: string | null;
}

export interface ExtensionRow extends Row {
  extension_uuid: string;
  domain_uuid: string | null;
  extension: string | null;
  number_alias: string | null;
  user_context: string | null;
  /** 'bypass-media', 'bypass-media-after-bridge', 'proxy-media', '' or NULL (both mean the default). */
  sip_bypass_media: string | null;
  // `enabled` is read too, as an indexed column (row['enabled'], possibly undefined): FreeSWITCH serves
  // the extension only when it is exactly 'true' (FS PBX directory.lua:287-292 selects
  // `e.enabled = 'true'`); snapshots stored before it was read lack it, and then it counts as served.
}

export interface DomainRow extends Row {
  domain_uuid: string;
  domain_name: string | null;
  // domain_enabled is read too: FS PBX's directory.lua serves a domain's extensions only when it is
  // 'true' (:290). Snapshots stored before it was read lack it (then treated as enabled).
}

export interface PortRange {
  start: number;
  end: number;
}

export interface RtpRange extends PortRange {
  /** Where the range came from: FreeSWITCH's built-in default or the file that set it. */
  source: 'default' | 'switch.conf.xml' | 'post_load_switch.conf.xml';
}

/** One `iptables -S` rule, options kept as parsed words. */
export interface IptablesRule {
  chain: string;
  /** The option words after `-A <chain>`, with `!` kept in place. */
  words: string[];
}

export interface HostFirewall {
  /** Built-in chain → policy (ACCEPT/DROP). */
  policies: Record<string, string>;
  chains: string[];
  rules: IptablesRule[];
}

/** One gateway row of `sofia xmlstatus` (mod_sofia.c:3528-3531): its name and registration state. */
export interface RunningGatewayEntry {
  name: string;
  state: string;
}

/** One profile as `sofia xmlstatus profile <name>` shows it (profile-info leaves). */
export interface RunningProfile {
  name: string;
  info: Record<string, string>;
  /** The gateways `sofia xmlstatus` lists after the profile; absent in states read before they were. */
  gateways?: RunningGatewayEntry[];
}

/** A listening TCP socket as the kernel reports it (`ss -ltnH`). */
export interface ListeningSocket {
  /** The local address as ss prints it: `0.0.0.0`, `*`, `[::]`, `192.168.88.10`, `127.0.0.1%lo`. */
  address: string;
  port: number;
}

export interface PbxState {
  /** The host's name (v_sip_profiles / v_vars hostname columns are compared with it). */
  hostname: string;
  /** `fs_cli -x switchname`: names the sofia cache entry. */
  switchname: string;
  profiles: SipProfileRow[];
  settings: SettingRow[];
  vars: VarRow[];
  extensions: ExtensionRow[];
  domains: DomainRow[];
  cache: { method: 'file' | 'memcache'; location: string };
  rtp: RtpRange;
  /** /etc/freeswitch/vars.xml as read, byte for byte (restore writes it back). */
  varsXml: string | null;
  /** The host firewall, or null when it could not be read. */
  firewall: HostFirewall | null;
  /** Running profiles, or null when FreeSWITCH did not answer. */
  running: RunningProfile[] | null;
  /**
   * The host's listening TCP sockets (`ss -ltnH`): what FreeSWITCH really bound, which a rescan
   * never changes (sofia.c:3221-3241). null when ss failed; absent in states read before it was read.
   */
  listening?: ListeningSocket[] | null;
}

export const VARS_XML_PATH = '/etc/freeswitch/vars.xml';
