/**
 * FS PBX gateways (v_gateways rows) → the signalling hosts FreeSWITCH uses for them,
 * and the `sofia status gateway` summary → the state of each running gateway. Pure.
 *
 * Which rows FreeSWITCH loads (nemerald-voip/fspbx
 * resources/freeswitch_scripts/app/xml_handler/resources/scripts/configuration/sofia.conf.lua:122-126):
 * enabled = 'true' exactly, hostname NULL, '' or the switchname; the gateway is named
 * lower(gateway_uuid) (:132) and every param is emitted only when non-empty (:134-217),
 * register-transport always (udp unless tcp/tls, :171-182).
 *
 * Defaults, from signalwire/freeswitch @ cc93a683 src/mod/endpoints/mod_sofia/sofia.c (parse_gateways):
 * - realm empty → proxy, else the gateway name (:3994-4000); proxy empty → realm (:4023-4025);
 * - register=true without username or password → the gateway is skipped (:3994-4003);
 * - register-transport tls on a profile without TLS → skipped (:3961-3966);
 * - register=false → username "FreeSWITCH" (:4013-4016), state NOREG (:4029-4033);
 * - register-proxy and outbound-proxy get "sip:" prepended unless they have a scheme (:4034-4048);
 *   REGISTER and OPTIONS go to the register proxy (sofia_reg.c:397,468), calls are routed via the
 *   outbound proxy (mod_sofia.c:4935-4936);
 * - register_to = sip:<username>@<proxy> (:4146-4153): the `Data` column of `sofia status gateway`;
 * - the three hosts FreeSWITCH itself checks a remote address against are proxy, register-proxy
 *   and outbound-proxy (sofia_reg.c:2532-2534), host taken as sofia_glue_get_host_from_cfg does
 *   (sofia_glue.c:3593-3621: scheme stripped, port cut).
 */
import { isIPv4 } from '../../../contract/ipv4';
import { switchTrue } from '../model/switch-true';

/**
 * The v_gateways columns the wizard reads (FS PBX schema app/gateways/app_config.php:92-283), and
 * has_password: whether password is non-empty, computed in SQL so the password itself is never read.
 */
export const GATEWAY_COLUMNS = [
  'gateway_uuid',
  'gateway',
  'username',
  'realm',
  'proxy',
  'register_proxy',
  'outbound_proxy',
  'register',
  'register_transport',
  'profile',
  'hostname',
  'enabled',
  'has_password',
] as const;

export type GatewayRow = Record<(typeof GATEWAY_COLUMNS)[number], string | null>;

/** The SQL that reads a column where it is not the column itself. Constant text. */
export const GATEWAY_COLUMN_SQL: Partial<Record<(typeof GATEWAY_COLUMNS)[number], string>> = {
  gateway_uuid: 'gateway_uuid::text',
  has_password: "coalesce(password <> '', false)::text",
};

export type SipTransport = 'udp' | 'tcp' | 'tls';
export type SignallingRole = 'proxy' | 'register-proxy' | 'outbound-proxy';

/** One place FreeSWITCH sends a gateway's SIP to. */
export interface SignallingTarget {
  role: SignallingRole;
  /** The value as FS PBX stores it (or the realm it fell back to). */
  configured: string;
  /** Host part, lower case: an IPv4 address, a DNS name, or text that is neither (`valid` false). */
  host: string;
  /** Explicit port, when the value has one (then RFC 3263 §4.2 asks for A records only). */
  port: number | null;
  transport: SipTransport;
  /** The host is an IPv4 address or a DNS name; anything else is never resolved. */
  valid: boolean;
  isIp: boolean;
}

export interface GatewayPlan {
  id: string;
  name: string;
  profile: string;
  register: boolean;
  /** Would FreeSWITCH load it (DB rules + parse_gateways), and why not. */
  loaded: boolean;
  whyNot?: string;
  targets: SignallingTarget[];
}

const blank = (v: string | null | undefined): boolean => v === null || v === undefined || v.trim() === '';

/** A DNS name as a resolver would take it (letters, digits, hyphens, underscores for SRV owners). */
export function isDnsName(text: string): boolean {
  if (text.length === 0 || text.length > 253 || isIPv4(text)) return false;
  const labels = text.replace(/\.$/, '').split('.');
  return labels.every((l) => /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/.test(l)) && /[A-Za-z]/.test(text);
}

/** `sip:host:port;transport=tcp`, `host`, `sips:host` → its parts. */
export function parseSipHost(value: string, role: SignallingRole, transport: SipTransport): SignallingTarget {
  let rest = value.trim();
  let t = transport;
  const scheme = /^(sips?):/i.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  if (scheme?.[1]?.toLowerCase() === 'sips') t = 'tls';
  const paramAt = rest.search(/[;?]/);
  if (paramAt >= 0) {
    const params = rest.slice(paramAt);
    const tp = /;transport=([a-z]+)/i.exec(params)?.[1]?.toLowerCase();
    if (tp === 'udp' || tp === 'tcp' || tp === 'tls') t = tp;
    rest = rest.slice(0, paramAt);
  }
  // A user part (user@host) is not FreeSWITCH's config form, but tolerate it.
  if (rest.includes('@')) rest = rest.slice(rest.lastIndexOf('@') + 1);
  let port: number | null = null;
  const m = /^(.*):(\d{1,5})$/.exec(rest);
  if (m && !m[1]!.includes(':')) {
    const p = Number(m[2]);
    if (p >= 1 && p <= 65535) {
      port = p;
      rest = m[1]!;
    }
  }
  const host = rest.toLowerCase();
  const isIp = isIPv4(host);
  return { role, configured: value, host, port, transport: t, valid: isIp || isDnsName(host), isIp };
}

function transportOf(row: GatewayRow): SipTransport {
  // sofia.conf.lua:171-182: tcp or tls as written, anything else udp.
  const v = (row.register_transport ?? '').trim();
  return v === 'tcp' || v === 'tls' ? v : 'udp';
}

/** Why FreeSWITCH would not load this row, or undefined. */
function notLoaded(row: GatewayRow, switchname: string): string | undefined {
  if (row.enabled !== 'true') return 'it is disabled in FS PBX';
  if (!blank(row.hostname) && row.hostname !== switchname) {
    return `it belongs to another FreeSWITCH node (${row.hostname})`;
  }
  if (blank(row.profile)) return 'it has no SIP profile';
  return undefined;
}

/**
 * What FreeSWITCH makes of one v_gateways row on the host whose switchname is `switchname`.
 * `tlsProfiles`: the running profiles with TLS on, when known (a TLS gateway elsewhere is skipped).
 */
export function planGateway(row: GatewayRow, switchname: string, tlsProfiles?: readonly string[] | null): GatewayPlan {
  const id = (row.gateway_uuid ?? '').toLowerCase();
  const name = blank(row.gateway) ? id : row.gateway!.trim();
  const register = blank(row.register) ? true : switchTrue(row.register ?? '');
  const transport = transportOf(row);
  const targets: SignallingTarget[] = [];
  // sofia.c:3994-4000 and :4023-4025: proxy, else realm, else the gateway's name (its UUID in FS PBX).
  const proxyValue = !blank(row.proxy) ? row.proxy! : !blank(row.realm) ? row.realm! : id;
  targets.push(parseSipHost(proxyValue, 'proxy', transport));
  if (!blank(row.register_proxy)) targets.push(parseSipHost(row.register_proxy!, 'register-proxy', transport));
  if (!blank(row.outbound_proxy)) targets.push(parseSipHost(row.outbound_proxy!, 'outbound-proxy', transport));
  let whyNot = notLoaded(row, switchname);
  if (!whyNot && register && blank(row.username)) {
    whyNot = 'it registers but has no username, so FreeSWITCH skips it';
  }
  // sofia.c:4000-4003: register=true with an empty password is skipped too ("password param is
  // REQUIRED!"). has_password is absent (undefined) in rows read before it was: not judged.
  if (!whyNot && register && row.has_password === 'false') {
    whyNot = 'it registers but has no password, so FreeSWITCH skips it';
  }
  // sofia.c:3961-3966: register-transport tls on a profile without TLS is an "unsupported transport".
  if (!whyNot && transport === 'tls' && tlsProfiles && !tlsProfiles.includes((row.profile ?? '').trim())) {
    whyNot = `it registers over TLS but its profile ${(row.profile ?? '').trim()} runs without TLS, so FreeSWITCH skips it`;
  }
  if (!whyNot && blank(row.proxy) && blank(row.realm)) {
    whyNot = 'it has neither proxy nor realm (FreeSWITCH would use its UUID as the host)';
  }
  return {
    id,
    name,
    profile: (row.profile ?? '').trim(),
    register,
    loaded: whyNot === undefined,
    ...(whyNot === undefined ? {} : { whyNot }),
    targets,
  };
}

// --- sofia status gateway ---------------------------------------------------------------

/**
 * Profiles running with TLS, from `sofia status` (mod_sofia.c:3189-3235: a second row per profile
 * whose state ends in "(TLS)", :3206-3208).
 */
export function tlsProfilesOf(statusText: string): string[] {
  const out: string[] = [];
  for (const line of statusText.split(/\r?\n/)) {
    const cols = line.split('\t').map((c) => c.trim());
    if (cols.length >= 4 && cols[1] === 'profile' && /\(TLS\)$/.test(cols[3]!) && !out.includes(cols[0]!)) {
      out.push(cols[0]!);
    }
  }
  return out;
}

/** FreeSWITCH's gateway states (mod_sofia.c:2783-2796). */
export const GATEWAY_STATES = [
  'UNREGED',
  'TRYING',
  'REGISTER',
  'REGED',
  'UNREGISTER',
  'FAILED',
  'FAIL_WAIT',
  'EXPIRED',
  'NOREG',
  'DOWN',
  'TIMEOUT',
] as const;
export type GatewayState = (typeof GATEWAY_STATES)[number];

export interface RunningGateway {
  profile: string;
  /** lower(gateway_uuid) in FS PBX. */
  name: string;
  /** register_to: sip:<username>@<proxy>. */
  data: string;
  state: GatewayState;
  pingMs: number;
}

/**
 * `sofia status gateway` (mod_sofia.c:2938-2986): a header, a line of '=', rows
 * "%25s\t%32s\t%s\t%6.2f\t%u/%u\t%u/%u" (profile::name, register_to, state, ping time, calls)
 * with " (retry: …)" after some states, another '=' line and a count.
 */
export function parseGatewayStatus(text: string): RunningGateway[] {
  const out: RunningGateway[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cols = line.split('\t').map((c) => c.trim());
    if (cols.length < 4) continue;
    const key = /^(\S+?)::(\S+)$/.exec(cols[0]!);
    const state = cols[2] as GatewayState;
    if (!key || !GATEWAY_STATES.includes(state)) continue;
    out.push({
      profile: key[1]!,
      name: key[2]!.toLowerCase(),
      data: cols[1]!,
      state,
      pingMs: Number.parseFloat(cols[3]!) || 0,
    });
  }
  return out;
}

export interface GatewayDetail {
  name: string;
  profile: string;
  /** The Contact the gateway registers with, built once when it was loaded (sofia.c:4133-4197). */
  contact: string;
  /** The Contact's host, lower case, without IPv6 brackets; '' when the Contact has none. */
  contactHost: string;
  /** register_proxy, e.g. `sip:198.51.100.10`. */
  proxy: string;
  state: string;
}

/**
 * `sofia status gateway <name>` (mod_sofia.c:2995-3025): a '=' line, then `Label\tvalue`
 * rows (labels padded with spaces: `Contact \t<sip:gw+name@host:port;transport=udp;gw=name>`),
 * another '=' line; `Invalid Gateway!` when there is no such gateway (then undefined).
 */
export function parseGatewayDetail(text: string): GatewayDetail | undefined {
  const rows = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    rows.set(line.slice(0, tab).trim(), line.slice(tab + 1).trim());
  }
  const name = rows.get('Name');
  const contact = rows.get('Contact');
  if (name === undefined || contact === undefined) return undefined;
  const host = /^<?sips?:(?:[^@>]*@)?(\[[^\]]*\]|[^:;>]*)/i.exec(contact)?.[1] ?? '';
  return {
    name,
    profile: rows.get('Profile') ?? '',
    contact,
    contactHost: host.replace(/^\[|\]$/g, '').toLowerCase(),
    proxy: rows.get('Proxy') ?? '',
    state: rows.get('State') ?? '',
  };
}
