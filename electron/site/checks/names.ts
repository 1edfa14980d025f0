/**
 * Trunks and phones given as DNS names: the router's entry holds the name, and the router adds the
 * addresses it resolves as dynamic entries (routeros/peer-names.ts). Verify says what each name stands
 * for today, or that the router found no address for it, in which case nothing from that peer is
 * forwarded. Pure.
 */
import type { RouterChange } from '../../routeros/change';
import { isPeerName } from '../../../contract/peer-address';
import { MENUS } from '../../routeros/menus';
import { resolvedAddresses } from '../../routeros/peer-names';
import type { RouterState } from '../../routeros/state';
import type { Check } from './shared';

/**
 * One check per address-list entry the plan added with a name. The caller passes the entries that are
 * on the router: a missing entry is the entry check's finding, and no name resolves without it.
 */
export function nameChecks(changes: readonly RouterChange[], state: RouterState): Check[] {
  const checks: Check[] = [];
  for (const change of changes) {
    const host = change.after?.address;
    const list = change.after?.list;
    if (change.path !== MENUS.addressLists || change.action === 'remove' || !host || !list || !isPeerName(host))
      continue;
    const addresses = resolvedAddresses(state, list, host);
    checks.push(
      addresses.length > 0
        ? {
            id: `router-name-${change.id}`,
            title: `Name lookup: ${host}`,
            status: 'pass',
            summary: `The router resolved ${host} to ${addresses.join(', ')} and keeps ${list} current as it changes. If FS PBX's Access Controls list this provider by address, they must hold these addresses.`,
          }
        : {
            id: `router-name-${change.id}`,
            title: `Name lookup: ${host}`,
            status: 'fail',
            summary: `The router found no address for ${host}: ${list} holds the name but no address for it, so nothing from it is forwarded to the PBX.`,
            fix: `Check the name, and that the router can look names up: IP › DNS needs a server, and the terminal's ":resolve ${host}" must answer. RouterOS adds the addresses by itself once the name resolves; verify again.`,
            changeId: change.id,
          },
    );
  }
  return checks;
}
