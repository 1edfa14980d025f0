/**
 * One way into the boxes. Every handler and every site operation opens the router and the PBX
 * here: the remembered certificate and host keys (pins.ts), RouterOS's port defaults and the
 * connection options, the lost-link read-backs of both boxes, and the PBX's read-only command
 * access. Nothing else opens an SSH session or a RouterOS connection.
 */
import type { Store } from '../../store';
import type { SiteDeps } from '../run';
import { openPbxSide } from './pbx';
import { openRouterSide } from './router';

export { openPbxBox, openPbxSide, withPbxBox, type PbxBox, type PbxBoxOptions } from './pbx';
export { CONNTRACK_STEP, openRouterBox, openRouterSide, type RouterBoxOptions } from './router';
export { pinnedPbx, pinnedRouter, rememberPbx, rememberRouter, type Pins } from './pins';

/** The site run's way to both boxes, pinned to what this store remembers. */
export function siteDeps(store: Store): SiteDeps {
  return {
    store,
    openRouter: (target) => openRouterSide(store, target),
    openPbx: (target) => openPbxSide(store, target),
  };
}
