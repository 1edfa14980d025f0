/**
 * The one RouterOS menu table (as community.routeros' `_api_data.py` drives
 * `api_modify`): for every menu the wizard reads, what its state is called,
 * whether item order matters, which fields name an owned item, which printed
 * values are defaults, where it stands in a restore, and how verify speaks of
 * an entry. state, reconcile, change, apply, restore, firewall and verify read
 * it; nothing else keeps a per-menu list. Pure data.
 *
 * The simulator keeps its own table (test/lab/routeros/model/menus.ts): the
 * lab must not share the wizard's beliefs.
 */

type After = Readonly<Record<string, string | null | undefined>>;

export interface MenuEntry {
  /** The API path. */
  readonly path: string;
  /** Item order changes behaviour (rules run top-down): additions carry `place-before`. */
  readonly ordered: boolean;
  /** Built-in items only (service ports): values are set, items never added or removed. */
  readonly fixed: boolean;
  /** Place in a restore's removals (lower first: rules before the lists they name); absent: not restored. */
  readonly restoreRank?: number;
  /** Place of a restore's re-adds (lower first: lists before the rules that name them). */
  readonly readdRank?: number;
  /** Fields that find an owned item in a script written before it existed, besides its tag comment. */
  readonly identity: readonly string[];
  /** Printed fields that carry their default: absent from a wanted entry, they need no unset. */
  readonly defaults: Readonly<Record<string, string>>;
  /** How verify names an added entry and what its absence costs; absent: verify does not check such adds. */
  readonly verify?: {
    describe(after: After): string;
    consequence(after: After): string;
  };
}

/** Defaults RouterOS prints on every firewall item (filter, NAT, address list). */
const FIREWALL_DEFAULTS = { disabled: 'false', log: 'false', 'log-prefix': '', comment: '' } as const;

const upper = (v: string | null | undefined): string => v?.toUpperCase() ?? '';

const menu = <P extends string>(path: P, entry: Omit<MenuEntry, 'path'>) => ({ path, ...entry }) as const;

export const ROUTER_MENUS = {
  interfaces: menu('/interface', { ordered: false, fixed: true, identity: ['name'], defaults: {} }),
  interfaceLists: menu('/interface/list', { ordered: false, fixed: false, identity: ['name'], defaults: {} }),
  interfaceListMembers: menu('/interface/list/member', {
    ordered: false,
    fixed: false,
    identity: ['list', 'interface'],
    defaults: {},
  }),
  addresses: menu('/ip/address', { ordered: false, fixed: false, identity: ['address'], defaults: {} }),
  filter: menu('/ip/firewall/filter', {
    ordered: true,
    fixed: false,
    restoreRank: 2,
    readdRank: 2,
    identity: [],
    defaults: FIREWALL_DEFAULTS,
    verify: {
      describe: (a) => `Accept rule ${upper(a.protocol)} ${a['dst-port'] ?? ''}`,
      consequence: () => "the router's filter drops the forwarded traffic",
    },
  }),
  nat: menu('/ip/firewall/nat', {
    ordered: true,
    fixed: false,
    restoreRank: 1,
    readdRank: 3,
    identity: [],
    defaults: FIREWALL_DEFAULTS,
    verify: {
      describe: (a) =>
        a.action !== 'dst-nat'
          ? 'Hairpin NAT rule'
          : a['src-address-list'] !== undefined
            ? `Forward ${upper(a.protocol)} ${a['dst-port'] ?? ''} from ${a['src-address-list']}`
            : `Hairpin forward ${upper(a.protocol)} ${a['dst-port'] ?? ''} for ${a['src-address'] ?? 'the LAN'}`,
      consequence: (a) =>
        a.action === 'dst-nat' && a['src-address-list'] !== undefined
          ? `${upper(a.protocol)} ${a['dst-port'] ?? ''} from outside never reaches the PBX`
          : 'LAN phones dialling the public address get no answer',
    },
  }),
  addressLists: menu('/ip/firewall/address-list', {
    ordered: false,
    fixed: false,
    restoreRank: 3,
    readdRank: 1,
    identity: ['list', 'address'],
    defaults: FIREWALL_DEFAULTS,
    verify: {
      describe: (a) => `Address-list entry ${a.list ?? ''} ${a.address ?? ''}`,
      consequence: (a) => `${a.address ?? 'that peer'} is not let through any forward`,
    },
  }),
  servicePorts: menu('/ip/firewall/service-port', {
    ordered: false,
    fixed: true,
    restoreRank: 4,
    identity: ['name'],
    defaults: {},
  }),
  schedulers: menu('/system/scheduler', {
    ordered: false,
    fixed: false,
    restoreRank: 5,
    readdRank: 4,
    identity: ['name'],
    defaults: {},
  }),
  scripts: menu('/system/script', {
    ordered: false,
    fixed: false,
    restoreRank: 6,
    readdRank: 5,
    identity: ['name'],
    defaults: {},
  }),
} as const satisfies Record<string, MenuEntry>;

/**
 * Menus read for what they tell about the router, never snapshotted or changed: the HotSpot
 * servers, the default routes, the sessions logged in, the connection-tracking table.
 */
export const STATUS_MENUS = {
  hotspots: '/ip/hotspot',
  routes: '/ip/route',
  activeUsers: '/user/active',
  connections: '/ip/firewall/connection',
} as const;

export type MenuKey = keyof typeof ROUTER_MENUS;
export type MenuPath = (typeof ROUTER_MENUS)[MenuKey]['path'];

const KEYS = Object.keys(ROUTER_MENUS) as MenuKey[];

/** State key → API path. */
export const MENUS = Object.fromEntries(KEYS.map((k) => [k, ROUTER_MENUS[k].path])) as {
  readonly [K in MenuKey]: (typeof ROUTER_MENUS)[K]['path'];
};

export function menuKeyOf(path: string): MenuKey | undefined {
  return KEYS.find((key) => ROUTER_MENUS[key].path === path);
}

export function menuOf(path: string): MenuEntry | undefined {
  const key = menuKeyOf(path);
  return key === undefined ? undefined : ROUTER_MENUS[key];
}

/** Menus whose item order changes behaviour: additions there carry a position. */
export const ORDERED_MENUS: ReadonlySet<MenuKey> = new Set(KEYS.filter((k) => ROUTER_MENUS[k].ordered));

/** Menus with built-in items that can be changed but never added or removed. */
export const FIXED_MENUS: ReadonlySet<MenuKey> = new Set(KEYS.filter((k) => ROUTER_MENUS[k].fixed));

const ranked = (rank: (m: MenuEntry) => number | undefined): MenuKey[] =>
  KEYS.filter((k) => rank(ROUTER_MENUS[k]) !== undefined).sort(
    (a, b) => rank(ROUTER_MENUS[a])! - rank(ROUTER_MENUS[b])!,
  );

/** The menus a restore puts back, in the order their removals are safe. */
export const RESTORED_MENUS: readonly MenuKey[] = ranked((m) => m.restoreRank);

/** Re-added items go in this order of menus, so a re-added rule never names a missing list. */
export const READD_ORDER: readonly MenuPath[] = ranked((m) => m.readdRank).map((k) => ROUTER_MENUS[k].path);

/** Fields the router computes, in every menu: never written, never compared. */
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

/**
 * Firewall (filter and NAT) fields that say what happens to a packet, not which packets: never
 * part of a match (https://manual.mikrotik.com/docs/firewall-and-quality-of-service/firewall/filter.md,
 * "Properties": actions and their arguments, logging, comment, state of the rule).
 */
export const NON_MATCH_FIELDS: ReadonlySet<string> = new Set([
  'chain',
  'action',
  'comment',
  'disabled',
  'log',
  'log-prefix',
  'hw-offload',
  'jump-target',
  'to-addresses',
  'to-ports',
  'address-list',
  'address-list-timeout',
  'reject-with',
  'place-before',
]);
