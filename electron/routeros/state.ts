/**
 * What the router state reader returns: RouterOS items exactly as the API
 * prints them (field names and values as strings), in the router's order.
 */

/** One printed item: `.id` plus RouterOS field names, values as the API returns them ('true'/'false' for flags). */
export interface RosItem {
  readonly '.id': string;
  readonly [field: string]: string;
}

/** The menus the planner and restore work on, keyed by how the state names them. */
export const MENUS = {
  interfaces: '/interface',
  interfaceLists: '/interface/list',
  interfaceListMembers: '/interface/list/member',
  addresses: '/ip/address',
  filter: '/ip/firewall/filter',
  nat: '/ip/firewall/nat',
  addressLists: '/ip/firewall/address-list',
  servicePorts: '/ip/firewall/service-port',
  scripts: '/system/script',
  schedulers: '/system/scheduler',
} as const;

export type MenuKey = keyof typeof MENUS;
export type MenuPath = (typeof MENUS)[MenuKey];

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
  /** `/ip/cloud` public-address, when the router knows it. */
  cloudPublicAddress?: string;
}

/** Menus whose item order changes behaviour: additions there carry a position. */
export const ORDERED_MENUS: ReadonlySet<MenuKey> = new Set(['filter', 'nat']);

/** Fields the router computes; they are never written and never compared. */
export const READ_ONLY_FIELDS: ReadonlySet<string> = new Set([
  '.id',
  '.nextid',
  '.dead',
  '.about',
  'bytes',
  'packets',
  'dynamic',
  'invalid',
  'running',
  'creation-time',
  'last-started',
  'run-count',
  'next-run',
  'owner',
  'actual-interface',
  'network',
  'builtin',
  'default',
  'slave',
  'inactive',
]);

export function menuPath(key: MenuKey): MenuPath {
  return MENUS[key];
}

export function menuKeyOf(path: string): MenuKey | undefined {
  return (Object.keys(MENUS) as MenuKey[]).find((key) => MENUS[key] === path);
}

/** RouterOS prints flags as true/false and accepts yes/no too: compare them as one. */
export function sameValue(a: string | undefined, b: string | undefined): boolean {
  const norm = (v: string | undefined): string | undefined => (v === 'yes' ? 'true' : v === 'no' ? 'false' : v);
  return norm(a) === norm(b);
}

export function isDisabled(item: RosItem): boolean {
  return item.disabled === 'true' || item.disabled === 'yes';
}

/** The writable fields of an item, for comparing and re-creating it. */
export function writableFields(item: RosItem): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(item)) if (!READ_ONLY_FIELDS.has(key)) out[key] = value;
  return out;
}
