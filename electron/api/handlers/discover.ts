/**
 * The Scan button: the laptop's LAN, then MNDP and an SSH sweep side by side,
 * each find streamed to the front end as it arrives.
 */
import { fail } from '../../../contract/errors';
import { detectLan } from '../../lan';
import { networkOf } from '../../lan/ipv4';
import { discoverMndp, MAX_NEIGHBOURS } from '../../mndp/discover';
import { hostsOf, sweepSsh } from '../../pbx/session/sweep';
import type { Handler } from '../dispatcher';
import type { LanInterface } from '../../../contract/types';

/** The subnet to sweep: the interface's own, narrowed to its /24 when larger than a /22. */
export function sweepSubnet(iface: LanInterface): string {
  return iface.prefix >= 22 ? iface.subnet : `${networkOf(iface.address, 24)}/24`;
}

export function discoverHandlers(): { discover: Handler<'discover'> } {
  return {
    discover: async (input, { progress, signal }) => {
      // Test runs on a developer's machine or CI must never broadcast or sweep the real network.
      if (process.env.FSPBX_NAT_NO_SCAN === '1') {
        return fail('not_available_yet', 'Scanning is switched off here (FSPBX_NAT_NO_SCAN=1).');
      }
      const lan = await detectLan();
      progress({ kind: 'lan', lan });
      const chosen = input.interfaces
        ? lan.interfaces.filter((i) => input.interfaces!.includes(i.name))
        : lan.interfaces.filter((i) => i.likelyLan);
      const interfaces = chosen.length > 0 ? chosen : lan.interfaces;

      const [mndp, sshHosts] = await Promise.all([
        discoverMndp({
          interfaces,
          seconds: input.seconds,
          signal,
          onNeighbour: (router) => progress({ kind: 'router', router }),
        }),
        sweepSsh([...new Set(interfaces.flatMap((i) => hostsOf(sweepSubnet(i))))], {
          ports: input.sshPorts,
          skip: interfaces.map((i) => i.address),
          signal,
          onFound: (host) => progress({ kind: 'ssh-host', host }),
          onProgress: (scanned, total) => progress({ kind: 'sweep', scanned, total }),
        }),
      ]);
      return {
        lan,
        routers: mndp.neighbours,
        sshHosts,
        skippedPackets: mndp.skipped,
        ...(mndp.portBusy ? { mndpPortBusy: true } : {}),
        ...(mndp.leftOut > 0 ? { mndpCut: { limit: MAX_NEIGHBOURS, leftOut: mndp.leftOut } } : {}),
      };
    },
  };
}
