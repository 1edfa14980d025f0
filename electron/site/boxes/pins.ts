/**
 * The remembered identities of the boxes: an API-SSL certificate and SSH host keys accepted on an
 * earlier visit, kept in the store per kind, host and port. One rule for every way in: the
 * fingerprint the technician gives now, else the one accepted earlier for that host:port, else
 * none (the connection then stops with what it was shown, for the technician to accept).
 */
import type { PbxTarget, RouterTarget } from '../../../contract/schemas';
import type { SshSession } from '../../pbx/session/ssh';
import { normaliseFingerprint, routerApiPort, routerSshPort, type RouterConnection } from '../../routeros/connection';
import type { Store } from '../../store';

/** The part of the store that remembers accepted certificates and host keys. */
export type Pins = Pick<Store, 'knownFingerprint' | 'acceptFingerprint'>;

/** The router target with its API-SSL certificate and (for a certificate given over SSH) SSH host key pinned. */
export function pinnedRouter(pins: Pins, target: RouterTarget): RouterTarget {
  const certificate =
    target.fingerprint ??
    (target.tls ? pins.knownFingerprint('api-ssl', target.host, routerApiPort(target)) : undefined);
  const sshHostKey =
    target.noCertificate === 'ssh-certificate'
      ? (target.sshHostKey ?? pins.knownFingerprint('ssh', target.host, routerSshPort(target)))
      : target.sshHostKey;
  return {
    ...target,
    ...(certificate === undefined ? {} : { fingerprint: certificate }),
    ...(sshHostKey === undefined ? {} : { sshHostKey }),
  };
}

/** The PBX target with its SSH host key pinned. */
export function pinnedPbx(pins: Pins, target: PbxTarget): PbxTarget {
  const hostKey = target.hostKey ?? pins.knownFingerprint('ssh', target.host, target.port);
  return hostKey === undefined ? target : { ...target, hostKey };
}

/**
 * After a login the technician vouched for (`given`, before pinning): the certificate is
 * remembered when they accepted it now, or when the wizard just made it on the router at their
 * word; a certificate given over SSH is remembered with that SSH host key, never one without
 * the other.
 */
export function rememberRouter(pins: Pins, given: RouterTarget, conn: RouterConnection): void {
  if (conn.fingerprint && (given.fingerprint || given.noCertificate === 'make-certificate' || conn.bootstrapped)) {
    pins.acceptFingerprint('api-ssl', given.host, routerApiPort(given), normaliseFingerprint(conn.fingerprint));
  }
  if (conn.bootstrapped) {
    pins.acceptFingerprint('ssh', given.host, routerSshPort(given), conn.bootstrapped.sshHostKey);
  }
}

/** After a login with a host key the technician accepted now: it is the PBX's from here on. */
export function rememberPbx(pins: Pins, given: PbxTarget, ssh: Pick<SshSession, 'hostKey'>): void {
  if (given.hostKey) pins.acceptFingerprint('ssh', given.host, given.port, ssh.hostKey);
}
