/** The router step: log in, read identity and WAN side, and say whether this account can write. */
import { isCgnat, isPrivate } from '../../lan/ipv4';
import {
  API_PORT,
  API_SSL_PORT,
  SSH_PORT,
  connectRouter,
  normaliseFingerprint,
  type ConnectOptions,
} from '../../routeros/connection';
import { detectTlsCapability, type TlsCapability } from '../../routeros/tls-capability';
import { readRouterState, writeAccess } from '../../routeros/reader';
import { readTopology } from '../../routeros/topology';
import type { Store } from '../../store';
import type { Handler } from '../dispatcher';
import { untilAborted } from '../../../contract/errors';
import type { Input, Output } from '../../../contract/operations';

/** What the front end's runtime can do (its TLS); tests give the desktop's to Node. */
export interface RouterRuntime {
  tls: TlsCapability;
  /** Waits between read-backs of a certificate being signed over SSH. */
  pause?: ConnectOptions['pause'];
}

export function routerHandlers(
  store: () => Store,
  runtime: RouterRuntime = { tls: detectTlsCapability() },
): { 'router.read': Handler<'router.read'> } {
  return {
    // A read the technician cancels returns at once; the login winds down by itself.
    'router.read': async (input, { signal }) => untilAborted(readRouter(input), signal),
  };

  async function readRouter(input: Input<'router.read'>): Promise<Output<'router.read'>> {
    const port = input.port ?? (input.tls ? API_SSL_PORT : API_PORT);
    // A certificate accepted on an earlier visit is the pin unless the technician accepts a new one now.
    const accepted =
      input.fingerprint ?? (input.tls ? store().knownFingerprint('api-ssl', input.host, port) : undefined);
    // The router's SSH host key, for a certificate given over SSH: the one accepted now, or on an earlier visit.
    const sshPort = input.sshPort ?? SSH_PORT;
    const sshAccepted =
      input.noCertificate === 'ssh-certificate'
        ? (input.sshHostKey ?? store().knownFingerprint('ssh', input.host, sshPort))
        : undefined;
    const target = {
      ...input,
      ...(accepted === undefined ? {} : { fingerprint: accepted }),
      ...(sshAccepted === undefined ? {} : { sshHostKey: sshAccepted }),
    };
    const conn = await connectRouter(target, {
      tls: runtime.tls,
      ...(runtime.pause === undefined ? {} : { pause: runtime.pause }),
    });
    try {
      const [state, writable, routes] = await Promise.all([
        readRouterState(conn),
        writeAccess(conn, input.username),
        conn.command('/ip/route/print', ['?dst-address=0.0.0.0/0']).catch(() => []),
      ]);
      const defaultRoute = routes.find((r) => r.disabled !== 'true' && r.gateway)?.gateway;
      // Pinned when the technician accepted it, or when the wizard just made it on the router at their word.
      if (conn.fingerprint && (input.fingerprint || input.noCertificate === 'make-certificate' || conn.bootstrapped)) {
        store().acceptFingerprint('api-ssl', input.host, port, normaliseFingerprint(conn.fingerprint));
      }
      // Both pins only now that API-SSL answered with the certificate SSH reported: never one without the other.
      if (conn.bootstrapped) store().acceptFingerprint('ssh', input.host, sshPort, conn.bootstrapped.sshHostKey);
      const topology = readTopology(state, '0.0.0.0');
      return {
        identity: state.identity,
        version: state.version,
        board: state.board,
        wanAddresses: topology.wanAddresses.map((a) => a.cidr),
        // An account the router cannot tell about (RADIUS without a session group) may still try.
        canWrite: writable !== 'no',
        ...(writable === 'unknown' ? { writeAccessUnknown: true } : {}),
        insecure: conn.insecure,
        ...(conn.unverified ? { unverified: true } : {}),
        ...(conn.bootstrapped
          ? { apiSslCertificate: { name: conn.bootstrapped.certificate, made: conn.bootstrapped.made } }
          : {}),
        // It let us in with no password: a finding in itself, whatever the wizard does next.
        ...(input.password === '' ? { emptyPassword: true } : {}),
        doubleNat: topology.wanAddresses.some((a) => isPrivate(a.address) || isCgnat(a.address)),
        ...(conn.fingerprint === undefined ? {} : { fingerprint: conn.fingerprint }),
        ...(state.cloudPublicAddress === undefined ? {} : { publicAddress: state.cloudPublicAddress }),
        ...(defaultRoute === undefined ? {} : { defaultRoute }),
      };
    } finally {
      await conn.close();
    }
  }
}
