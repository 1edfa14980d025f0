/**
 * From the OS's view of its interfaces and its default route to the facts a
 * technician needs: which IPv4 networks this laptop is on and which one is
 * most likely the customer's LAN. Pure.
 */
import type { NetworkInterfaceInfo } from 'node:os';
import type { LanFacts, LanInterface } from '../../contract/types';
import { broadcastOf, contains, isLinkLocal, isPrivate, networkOf, prefixOf } from './ipv4';
import type { DefaultRoute } from './routes';

export type OsInterfaces = Record<string, NetworkInterfaceInfo[] | undefined>;

export function lanFacts(osInterfaces: OsInterfaces, route: DefaultRoute | undefined): LanFacts {
  const interfaces: LanInterface[] = [];
  for (const [name, entries] of Object.entries(osInterfaces)) {
    for (const entry of entries ?? []) {
      if (entry.family !== 'IPv4' || entry.internal || isLinkLocal(entry.address)) continue;
      const prefix = prefixOf(entry.netmask);
      if (prefix === undefined) continue;
      interfaces.push({
        name,
        address: entry.address,
        netmask: entry.netmask,
        prefix,
        subnet: `${networkOf(entry.address, prefix)}/${prefix}`,
        broadcast: broadcastOf(entry.address, prefix),
        mac: entry.mac,
        likelyLan: false,
      });
    }
  }

  let reasoning: string;
  // Windows names the route's interface by its address, the others by name.
  const viaRoute =
    route &&
    interfaces.find(
      (i) => (i.name === route.interface || i.address === route.interface) && contains(i.subnet, route.gateway),
    );
  if (viaRoute) {
    viaRoute.likelyLan = true;
    reasoning = `${viaRoute.name} carries the default route (gateway ${route!.gateway}).`;
  } else {
    const candidate = interfaces.find((i) => isPrivate(i.address) && i.prefix >= 16 && i.prefix <= 30);
    if (candidate) {
      candidate.likelyLan = true;
      reasoning = `No default route found; ${candidate.name} is the first private network.`;
    } else {
      reasoning =
        interfaces.length === 0
          ? 'This laptop has no IPv4 network: plug into the customer LAN or join its Wi-Fi.'
          : 'No interface looks like a customer LAN; pick one by hand.';
    }
  }

  const facts: LanFacts = { interfaces, reasoning };
  if (route) facts.defaultGateway = { address: route.gateway, interface: viaRoute?.name ?? route.interface };
  return facts;
}
