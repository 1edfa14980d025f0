/**
 * What the router state reader returns: RouterOS items exactly as the API
 * prints them (field names and values as strings), in the router's order.
 */
import { MENUS, READ_ONLY_FIELDS, type MenuKey, type MenuPath } from './menus';

/** One printed item: `.id` plus RouterOS field names, values as the API returns them ('true'/'false' for flags). */
export interface RosItem {
  readonly '.id': string;
  readonly [field: string]: string;
}

export { MENUS, menuKeyOf, ORDERED_MENUS, READ_ONLY_FIELDS, type MenuKey, type MenuPath } from './menus';

export interface RouterState {
  identity: string;
  version: string;
  board: string;
  interfaces: RosItem[];
  interfaceLists: RosItem[];
  interfaceListMembers: RosItem[];
  addresses: RosItem[];
  filter: RosItem[];
  nat: RosItem[];
  addressLists: RosItem[];
  servicePorts: RosItem[];
  /** Only the wizard's own scripts and schedulers are read. */
  scripts: RosItem[];
  schedulers: RosItem[];
  /**
   * `/ip/hotspot` servers (their `interface` decides the `hotspot=` matchers); absent when not
   * read (older snapshots) or the router has no HotSpot menu.
   */
  hotspots?: RosItem[];
  /** `/ip/route` default routes (dst-address=0.0.0.0/0); absent when not read (older snapshots). */
  routes?: RosItem[];
  /** `/ip/cloud` public-address, when the router knows it. */
  cloudPublicAddress?: string;
  /**
   * `/ip/cloud` dns-name: the router's own DDNS name (`<serial>.sn.mynetname.net`), which always points
   * at its current public address; printed only once DDNS is on and has reached MikroTik's server.
   */
  cloudDnsName?: string;
  /** `/system/routerboard` serial-number: a RouterBOARD's own, not broadcast (MNDP sends name, board, MACs). */
  serial?: string;
  /** `/system/license` software-id (RouterBOARD, x86) or system-id (CHR): what tells a CHR from another. */
  softwareId?: string;
}

export function menuPath(key: MenuKey): MenuPath {
  return MENUS[key];
}

/** RouterOS prints flags as true/false and accepts yes/no too: compare them as one. */
export function sameValue(a: string | undefined, b: string | undefined): boolean {
  const norm = (v: string | undefined): string | undefined => (v === 'yes' ? 'true' : v === 'no' ? 'false' : v);
  return norm(a) === norm(b);
}

export function isDisabled(item: RosItem): boolean {
  return item.disabled === 'true' || item.disabled === 'yes';
}

/**
 * Made by the router itself (HotSpot, UPnP, the fasttrack counter, a DHCP or PPPoE client):
 * nothing can be placed or moved above a dynamic rule, and it cannot be changed.
 */
export function isDynamic(item: RosItem): boolean {
  return item.dynamic === 'true' || item.dynamic === 'yes';
}

/** The writable fields of an item, for comparing and re-creating it. */
export function writableFields(item: RosItem): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(item)) if (!READ_ONLY_FIELDS.has(key)) out[key] = value;
  return out;
}
