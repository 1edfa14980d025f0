/**
 * The site facts a plan is made from, computed once when it is made: the public address
 * (entered, or the router's WAN address) and whether the provider may change it, the
 * router's LAN address towards the PBX, the RTP range, the revert time. Both planners get
 * them from here, the run keeps them (store/visit.ts) and verify, the review and
 * report.html read them there: nothing picks the WAN address a second time. Pure.
 */
import { fail } from '../../contract/errors';
import type { SiteInputs } from '../../contract/schemas';
import type { SiteFacts } from '../../contract/types';
import type { PbxState } from '../pbx/model/state';
import type { RouterState } from '../routeros/state';
import { lanOf, readTopology } from '../routeros/topology';

export function siteFacts(
  inputs: Pick<SiteInputs, 'pbx' | 'options'>,
  routerState: RouterState,
  pbxState: Pick<PbxState, 'rtp'>,
): SiteFacts {
  const entered = inputs.options.publicIp;
  const topology = readTopology(routerState, inputs.pbx.host, entered);
  const wan = topology.wan;
  const lan = lanOf(topology, inputs.pbx.host);
  const publicIp =
    entered ??
    wan?.address ??
    fail(
      'invalid_input',
      "The router has no WAN address to use as the public IP: enter the site's public IP in Options.",
    );
  // The entered address is the router's own when it sits on a WAN port: then the provider's flag still tells.
  const onRouter = wan !== undefined && wan.address === publicIp ? wan : undefined;
  return {
    publicIp,
    publicFrom: entered === undefined ? 'router' : 'technician',
    publicDynamic: onRouter?.dynamic ?? false,
    ...(onRouter ? { wanInterface: onRouter.interface } : {}),
    ...(lan ? { routerLanAddress: lan.address } : {}),
    rtp: { start: pbxState.rtp.start, end: pbxState.rtp.end },
    revertMinutes: inputs.options.revertMinutes,
  };
}
