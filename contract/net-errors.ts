/**
 * Why a connection to the router or the PBX failed, in the technician's words. One mapping for
 * every socket the wizard opens (RouterOS API/API-SSL, the PBX's SSH, the router's SSH, the probes
 * and verify), so the same cause always gets the same sentence and the same fix:
 *
 * - the name does not resolve (getaddrinfo ENOTFOUND / EAI_AGAIN): a spelling or DNS matter;
 * - no route (EHOSTUNREACH / ENETUNREACH) or no answer at all (timeout): wrong network or address;
 * - refused (ECONNREFUSED, a TCP reset to the SYN): the host is there, nothing listens on that port;
 * - reset right after connect (ECONNRESET, or closed before the first word): something accepted and
 *   hung up, which is another device on that port, or a service limited to some addresses
 *   (RouterOS "Available From", `/ip service set <name> address=…`; help.mikrotik.com "Services");
 * - TLS failure: something answered that is not the TLS service expected.
 *
 * Pure: it reads the error's `code` and `message` only, so it is the same in Node and Electron.
 */
import type { AppError } from './errors';

export type NetCause = 'dns' | 'unreachable' | 'timeout' | 'refused' | 'reset' | 'tls' | 'other';

/** The parts of a Node socket error (or ssh2's) this mapping reads. */
export interface SocketFailure {
  code?: string | undefined;
  message?: string | undefined;
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
const TIMEOUT = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'closed']);

export function netCause(failure: SocketFailure): NetCause {
  const code = failure.code ?? '';
  const message = failure.message ?? '';
  if (DNS.has(code) || /getaddrinfo/.test(message)) return 'dns';
  if (UNREACHABLE.has(code)) return 'unreachable';
  if (TIMEOUT.has(code) || /Timed out while waiting for handshake/.test(message)) return 'timeout';
  if (code === 'ECONNREFUSED') return 'refused';
  // ssh2 says so when the server hangs up before its banner; TLS when it does before the handshake ends.
  if (RESET.has(code) || /Connection lost before handshake|socket disconnected before secure TLS/i.test(message))
    return 'reset';
  if (/^ERR_SSL_|^ERR_TLS_/.test(code) || /SSL routines|wrong version number|alert/i.test(message)) return 'tls';
  return 'other';
}

/** The words for one errno, for a probe's line in verify: never the bare code. */
export function causeWords(failure: SocketFailure): string {
  switch (netCause(failure)) {
    case 'dns':
      return 'the name does not resolve';
    case 'unreachable':
      return 'this laptop has no route to that address (wrong network, or the address is wrong)';
    case 'timeout':
      return 'no answer in time';
    case 'refused':
      return 'refused: nothing listens on that port there';
    case 'reset':
      return 'the connection was accepted and closed at once';
    case 'tls':
      return 'the TLS handshake failed';
    case 'other':
      return failure.message ? `it failed (${failure.message})` : 'it failed';
  }
}

/** What the wizard was connecting to, and the box-specific fix for each cause. */
export interface Service {
  host: string;
  port: number;
  /** "the router", "the PBX". */
  box: string;
  /** "API-SSL", "the RouterOS API", "SSH". */
  name: string;
  /** Where to turn it on or find its port, e.g. "IP › Services › api-ssl". */
  whereToEnable: string;
  /**
   * Why a service could accept and hang up at once, besides being another device: the router's
   * "Available From" list, the PBX's sshd limits.
   */
  limitedTo: string;
  /** The TLS case, when the service speaks TLS. */
  tls?: boolean;
}

/** The AppError for a socket that failed before the login: code, one sentence, the errno in the detail. */
export function connectionError(service: Service, failure: SocketFailure): AppError {
  const where = `${service.host}:${service.port}`;
  const detail = `${failure.code || 'error'}: ${failure.message ?? ''}`.trim();
  const isName = !/^\d+\.\d+\.\d+\.\d+$/.test(service.host);
  switch (netCause(failure)) {
    case 'dns':
      return {
        code: 'host_unreachable',
        message: `The name "${service.host}" does not resolve: check its spelling, or type ${service.box}'s IP address instead. Nothing was sent.`,
        detail,
      };
    case 'unreachable':
      return {
        code: 'host_unreachable',
        message: `${service.host} cannot be reached from this laptop (no route to it): check that the laptop is on the customer's LAN and that the address is right. Nothing was sent.`,
        detail,
      };
    case 'timeout':
      return {
        code: 'timeout',
        message: `${where} did not answer in time: check the address${isName ? '' : ' (is it on this LAN?)'}, that ${service.box} is on, and the cable. Nothing was sent.`,
        detail,
      };
    case 'refused':
      return {
        code: 'host_unreachable',
        message: `${where} refused the connection: nothing listens on port ${service.port} there. Either ${service.name} is off or on another port (${service.whereToEnable}), or ${service.host} is not ${service.box}.`,
        detail,
      };
    case 'reset':
      return {
        code: 'host_unreachable',
        message: `${where} accepted the connection and closed it at once: either ${service.host} is another device, not ${service.box}, or ${service.limitedTo}.`,
        detail,
      };
    case 'tls':
      return {
        code: 'host_unreachable',
        message: `The TLS handshake with ${where} failed: what answers there is not ${service.name}${service.tls ? ` (a plain service on that port, or ${service.host} is not ${service.box})` : ''}. No password was sent.`,
        detail,
      };
    case 'other':
      return {
        code: 'host_unreachable',
        message: `The connection to ${service.box} at ${where} failed. Nothing was sent.`,
        detail,
      };
  }
}

/** RouterOS API or API-SSL as a Service. */
export function routerApiService(host: string, port: number, tls: boolean): Service {
  const svc = tls ? 'api-ssl' : 'api';
  return {
    host,
    port,
    box: 'the router',
    name: tls ? 'API-SSL' : 'the RouterOS API',
    whereToEnable: `WinBox › IP › Services › ${svc}`,
    limitedTo: `the router's ${svc} service lets in only some addresses: add this laptop's to its "Available From" (IP › Services › ${svc}; /ip service set ${svc} address=…)${tls ? ', or api-ssl has no certificate (some RouterOS versions hang up instead of saying so: let the wizard give it one over SSH)' : ''}`,
    tls,
  };
}

/** The PBX's SSH as a Service. */
export function pbxSshService(host: string, port: number): Service {
  return {
    host,
    port,
    box: 'the PBX',
    name: 'SSH',
    whereToEnable: 'on the PBX console: systemctl status ssh; the port is Port in /etc/ssh/sshd_config',
    limitedTo:
      "its SSH lets in only some addresses or has banned this laptop (sshd's AllowUsers/ListenAddress, /etc/hosts.deny, fail2ban: fail2ban-client status sshd)",
  };
}

/** The router's SSH (used to give api-ssl a certificate) as a Service. */
export function routerSshService(host: string, port: number): Service {
  return {
    host,
    port,
    box: 'the router',
    name: "the router's SSH",
    whereToEnable: 'WinBox › IP › Services › ssh, or /ip service enable ssh',
    limitedTo: `the router's ssh service lets in only some addresses: add this laptop's to its "Available From" (IP › Services › ssh; /ip service set ssh address=…)`,
  };
}

/**
 * A PBX that refused the password of root: Debian's OpenSSH ships `PermitRootLogin prohibit-password`
 * (openssh-portable sshd_config default since 7.0; Debian keeps it), so root logs in with a key only.
 */
export function pbxLoginRefused(username: string, kind: 'password' | 'key' | 'agent'): string {
  const what = kind === 'key' ? 'key' : kind === 'agent' ? 'agent key' : 'password';
  if (username === 'root' && kind === 'password') {
    return (
      "The PBX refused root with this password. Either the password is wrong, or (Debian's default) SSH takes no password for root: " +
      '"PermitRootLogin prohibit-password" in /etc/ssh/sshd_config. Log in as a sudo user with its password instead, or as root with a key.'
    );
  }
  return `The PBX refused user "${username}" with this ${what}. Check them and try again.`;
}
