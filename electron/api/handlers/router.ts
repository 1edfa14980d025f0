/** The router step: log in, read identity and WAN side, and say whether this account can write. */
import { isCgnat, isPrivate } from '../../lan/ipv4';
import { API_PORT, API_SSL_PORT, connectRouter, normaliseFingerprint } from '../../routeros/connection';
import { readRouterState, writeAccess } from '../../routeros/reader';
import { readTopology } from '../../routeros/topology';
import type { Store } from '../../store';
import type { Handler } from '../dispatcher';
import { untilAborted } from '../../../contract/errors';
import type { Input, Output } from '../../../contract/operations';

export function routerHandlers(store: () => Store): { 'router.read': Handler<'router.read'> } {
  return {
    // A read the technician cancels returns at once; the login winds down by itself.
    'router.read': async (input, { signal }) => untilAborted(readRouter(input), signal),
  };

  async function readRouter(input: Input<'router.read'>): Promise<Output<'router.read'>> {
    const port = input.port ?? (input.tls ? API_SSL_PORT : API_PORT);
    // A certificate accepted on an earlier visit is the pin unless the technician accepts a new one now.
    const accepted =
      input.fingerprint ?? (input.tls ? store().knownFingerprint('api-ssl', input.host, port) : undefined);
    const conn = await connectRouter(accepted === undefined ? input : { ...input, fingerprint: accepted });
    try {
      const [state, writable, routes] = await Promise.all([
        readRouterState(conn),
        writeAccess(conn, input.username),
        conn.command('/ip/route/print', ['?dst-address=0.0.0.0/0']).catch(() => []),
      ]);
      const defaultRoute = routes.find((r) => r.disabled !== 'true' && r.gateway)?.gateway;
      // Pinned when the technician accepted it, or when the wizard just made it on the router at their word.
      if (conn.fingerprint && (input.fingerprint || input.noCertificate === 'make-certificate')) {
        store().acceptFingerprint('api-ssl', input.host, port, normaliseFingerprint(conn.fingerprint));
      }
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
