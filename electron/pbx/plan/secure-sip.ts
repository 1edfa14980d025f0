/**
 * Which secure SIP listeners the PBX's IPv4 profiles open: SIP over TLS
 * (`tls`, `tls-sip-port`) and WebRTC (`wss-binding`, and plain `ws-binding`).
 * Pure: from the profile rows FreeSWITCH loads here (profile-rows.ts) and what
 * `sofia xmlstatus profile <name>` shows running.
 *
 * How FreeSWITCH reads them (signalwire/freeswitch @ cc93a683,
 * src/mod/endpoints/mod_sofia/sofia.c): `tls` is switch_true(value) (:5835-5848,
 * switch_utils.h:518-528: yes/on/true/t/enabled/active/allow or a non-zero
 * number); `tls-sip-port` is atoi (:5862-5868), and with TLS on and no port
 * the default is SOFIA_DEFAULT_TLS_PORT 5061 (:4322-4325, mod_sofia.h:128);
 * `ws-binding`/`wss-binding` take the port after the last ':' (:5806-5831) and
 * bind only when that port is > 0 (:4299-4316). Each param row overwrites the
 * one before, so the last enabled row wins. Running: profile-info carries
 * `tls-url` only with TLS on, `ws-bind-url`/`wss-bind-url` only when set
 * (mod_sofia.c:3366-3378) — but a rescan re-parses those settings and the
 * URLs while the sockets are bound only when the profile starts
 * (sofia.c:3221-3241), so a port is running only when the kernel's list of
 * listening sockets (`ss -ltnH`, state.listening) has it too.
 *
 * FS PBX ships `tls=$${internal_ssl_enable}` (external: `$${external_ssl_enable}`),
 * both vars 'false', `tls-sip-port` 5061 (external 5081) and `wss-binding` :7443 on
 * internal (nemerald-voip/fusionpbx @ 4e18d071 app/switch/resources/conf/
 * sip_profiles/internal.xml.noload:190-196,313-317, external.xml.noload:78-84,
 * vars.xml:131-136). Its Lua handler replaces `$${name}` with the global of the
 * moment (fspbx sofia.conf.lua:256-263); the globals come from vars.xml, which
 * FS PBX writes from v_vars, so v_vars is where the wizard looks them up.
 */
import { enabled, profilesNamed, rowsOf } from '../model/profile-rows';
import type { PbxState } from '../model/state';
import { switchTrue } from '../model/switch-true';

export type SecureKind = 'tls' | 'wss' | 'ws';

/** Only the IPv4 profiles: the router forwards IPv4, phones to internal, trunks to external. */
export const SECURE_PROFILES = ['internal', 'external'] as const;
export type SecureProfile = (typeof SECURE_PROFILES)[number];

export const SOFIA_DEFAULT_TLS_PORT = 5061;

export interface SecureListener {
  profile: SecureProfile;
  kind: SecureKind;
  port: number;
  /** The PBX settings that ask for it, as written in FS PBX (and what a variable in them is). */
  setting: string;
  /** As `sofia xmlstatus` shows it now: listening on `port`, not (or on another port), or unknown. */
  running: boolean | null;
  /** The port it runs on now, when that differs from the settings (a restart is pending). */
  runningPort?: number;
  /**
   * `sofia xmlstatus` shows it on `port` but no socket listens there: a rescan turned it on or
   * moved it, and FreeSWITCH binds sockets only when the profile starts (sofia.c:3221-3241).
   */
  notBound?: boolean;
}

/** C atol/atoi: leading digits, 0 when there are none. */
function leadingNumber(text: string): number {
  const m = /^\s*\+?(\d+)/.exec(text);
  return m ? Number.parseInt(m[1]!, 10) : 0;
}

/** `$${name}` replaced from v_vars on this switch, as FS PBX's Lua handler does; unknown names stay. */
export function expandVars(state: PbxState, value: string): { text: string; used: string[] } {
  const used: string[] = [];
  const text = value.replace(/\$\$\{([A-Za-z0-9_.-]+)\}/g, (whole, name: string) => {
    const rows = state.vars.filter(
      (r) =>
        r.var_name === name &&
        r.var_enabled === 'true' &&
        r.var_category !== 'Provision' &&
        (r.var_hostname === null || r.var_hostname === '' || r.var_hostname === state.switchname),
    );
    const row = rows[rows.length - 1];
    if (!row || row.var_value === null) return whole;
    used.push(`${name}=${row.var_value}`);
    return row.var_value;
  });
  return { text, used };
}

interface Setting {
  raw: string;
  value: string;
  used: string[];
}

/** The value FreeSWITCH ends up with for `name` on this profile: the last enabled row, expanded. */
function lastSetting(state: PbxState, profile: SecureProfile, name: string): Setting | undefined {
  const rows = profilesNamed(state, profile).flatMap((p) => rowsOf(state, p, name).filter(enabled));
  const raw = rows[rows.length - 1]?.sip_profile_setting_value ?? undefined;
  if (raw === undefined || raw === null) return undefined;
  const { text, used } = expandVars(state, raw);
  return { raw, value: text, used };
}

function describe(name: string, s: Setting): string {
  return s.used.length > 0 ? `${name}=${s.raw} (${s.used.join(', ')})` : `${name}=${s.raw}`;
}

/** The port in a sofia URL (`sip:mod_sofia@10.0.0.5:5061;transport=tls`). */
export function urlPort(url: string | undefined): number | undefined {
  const m = /:(\d{1,5})(?:;|>|$)/.exec(url ?? '');
  return m ? Number(m[1]) : undefined;
}

function runningOf(
  state: PbxState,
  profile: SecureProfile,
  field: string,
  port: number,
): Pick<SecureListener, 'running' | 'runningPort' | 'notBound'> {
  if (state.running === null) return { running: null };
  const info = state.running.find((p) => p.name === profile)?.info;
  if (!info) return { running: false };
  const now = urlPort(info[field]);
  if (now === undefined) return { running: false };
  if (now !== port) return { running: false, runningPort: now };
  // xmlstatus prints what the last rescan parsed; the kernel says what was bound at the start.
  if (state.listening && !state.listening.some((s) => s.port === port)) return { running: false, notBound: true };
  return { running: true };
}

function tlsListener(state: PbxState, profile: SecureProfile): SecureListener | undefined {
  const tls = lastSetting(state, profile, 'tls');
  if (!tls || !switchTrue(tls.value)) return undefined;
  const portSetting = lastSetting(state, profile, 'tls-sip-port');
  const parsed = portSetting ? leadingNumber(portSetting.value) : 0;
  const port = parsed > 0 && parsed <= 65535 ? parsed : SOFIA_DEFAULT_TLS_PORT;
  const setting = [
    `${profile} profile: ${describe('tls', tls)}`,
    portSetting ? describe('tls-sip-port', portSetting) : `no tls-sip-port (FreeSWITCH's default ${port})`,
  ].join(', ');
  return { profile, kind: 'tls', port, setting, ...runningOf(state, profile, 'tls-url', port) };
}

function wsListener(state: PbxState, profile: SecureProfile, kind: 'ws' | 'wss'): SecureListener | undefined {
  const name = `${kind}-binding`;
  const binding = lastSetting(state, profile, name);
  if (!binding) return undefined;
  const colon = binding.value.lastIndexOf(':');
  const port = colon < 0 ? 0 : leadingNumber(binding.value.slice(colon + 1));
  if (port <= 0 || port > 65535) return undefined;
  return {
    profile,
    kind,
    port,
    setting: `${profile} profile: ${describe(name, binding)}`,
    ...runningOf(state, profile, `${kind}-bind-url`, port),
  };
}

/** Every TLS, WSS and WS listener the internal and external profiles ask for, in that order. */
export function secureListeners(state: PbxState): SecureListener[] {
  const out: SecureListener[] = [];
  for (const profile of SECURE_PROFILES) {
    if (profilesNamed(state, profile).length === 0) continue;
    for (const l of [tlsListener(state, profile), wsListener(state, profile, 'wss'), wsListener(state, profile, 'ws')])
      if (l) out.push(l);
  }
  return out;
}

/**
 * The listeners worth a forward from outside: TLS and WSS. Plain WS carries
 * SIP in clear over TCP; browsers on the Internet need WSS, so WS stays LAN-only.
 */
export function forwardableListeners(state: PbxState): SecureListener[] {
  return secureListeners(state).filter((l) => l.kind !== 'ws');
}
