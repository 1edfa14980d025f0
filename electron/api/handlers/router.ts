/** The router step: log in, read identity and WAN side, and say whether this account can write. */
import { isCgnat, isPrivate } from '../../lan/ipv4';
import { connectRouter } from '../../routeros/connection';
import { canWrite, readRouterState } from '../../routeros/reader';
import { readTopology } from '../../routeros/topology';
import type { Handler } from '../dispatcher';

export function routerHandlers(): { 'router.read': Handler<'router.read'> } {
  return {
    'router.read': async (target) => {
      const conn = await connectRouter(target);
      try {
        const [state, writable] = await Promise.all([readRouterState(conn), canWrite(conn, target.username)]);
        const topology = readTopology(state, '0.0.0.0');
        const wanAddresses = topology.wanAddresses.map((a) => a.cidr);
        const summary = {
          identity: state.identity,
          version: state.version,
          board: state.board,
          wanAddresses,
          canWrite: writable,
          insecure: conn.insecure,
          doubleNat: topology.wanAddresses.some((a) => isPrivate(a.address) || isCgnat(a.address)),
          ...(conn.fingerprint === undefined ? {} : { fingerprint: conn.fingerprint }),
          ...(state.cloudPublicAddress === undefined ? {} : { publicAddress: state.cloudPublicAddress }),
        };
        return summary;
      } finally {
        await conn.close();
      }
    },
  };
}
