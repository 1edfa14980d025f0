/** The router step: log in, read identity and WAN side, and say whether this account can write. */
import { isCgnat, isPrivate } from '../../lan/ipv4';
import type { ConnectOptions } from '../../routeros/connection';
import { detectTlsCapability, type TlsCapability } from '../../routeros/tls-capability';
import { readRouterState, writeAccess } from '../../routeros/reader';
import { readTopology } from '../../routeros/topology';
import { openRouterBox, rememberRouter } from '../../site/boxes';
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
    // A certificate (and SSH host key) accepted on an earlier visit is the pin unless the technician accepts a new one now.
    const conn = await openRouterBox(store(), input, {
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
      // Remembered only now that the router answered through it (boxes/pins.ts says when).
      rememberRouter(store(), input, conn);
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
