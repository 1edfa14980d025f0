/**
 * What the wizard manages on the router, defined once: the shapes of the
 * entries the planner writes (desired.ts: its address-list entries, forwards,
 * accepts, hairpin rules; plan.ts: the `sip` service-port's `disabled`), each
 * tagged `fspbx-nat:`, forwarding only to the PBX and only the ports a plan
 * can forward to it (forwardsFor: SIP, RTP, TLS, WSS, the web GUI). The
 * planner refuses a plan that writes anything else, and a restore writes
 * nothing else: whatever else a snapshot holds is context for reading, never
 * sent (issue 21). Removing is another matter: every tagged item is the
 * wizard's to remove (the planner removes tagged entries it no longer wants).
 * Pure.
 */
import { isIPv4 } from '../../contract/ipv4';
import { isPeerName } from '../../contract/peer-address';
import { addressSpan, formatPorts } from './addr';
import { isOwned } from './change';
import { forwardsFor } from './desired';
import { ADDRESS_LISTS, type RouterPlanInputs } from './inputs';
import { menuKeyOf, READ_ONLY_FIELDS, ROUTER_MENUS, type MenuKey } from './menus';
import { sameValue, type RouterState } from './state';

export interface RouterScope {
  /** The PBX every forward and accept goes to. */
  pbxAddress: string;
  /** `udp 5060`, `udp 16384-32768`, `tcp 7443`: every forward a plan could make to this PBX. */
  forwardable: ReadonlySet<string>;
}

/**
 * The scope of a PBX: what the planner would forward with peers of both kinds and the web GUI
 * on, from the PBX's RTP range, SIP ports and TLS/WSS listeners (read from the PBX, never from
 * a snapshot).
 */
export function routerScope(
  pbx: Pick<RouterPlanInputs, 'pbxAddress' | 'pbxRtp' | 'rtp' | 'sipPorts' | 'secureSip'>,
): RouterScope {
  const anyone = [{ name: 'scope', address: '192.0.2.1' }];
  const forwards = forwardsFor({ ...pbx, trunks: anyone, phones: anyone, webGui: true });
  return {
    pbxAddress: pbx.pbxAddress,
    forwardable: new Set(forwards.map((f) => `${f.protocol} ${formatPorts(f.ports)}`)),
  };
}

type Check = (value: string, scope: RouterScope) => boolean;

const is =
  (want: string): Check =>
  (v) =>
    v === want;
const oneOf =
  (...want: string[]): Check =>
  (v) =>
    want.includes(v);
const pbx: Check = (v, scope) => v === scope.pbxAddress;
const ipv4: Check = (v) => isIPv4(v);
const notIpv4: Check = (v) => v.startsWith('!') && isIPv4(v.slice(1));
/** An interface name as RouterOS prints one: no separators a script would read otherwise. */
const interfaceName: Check = (v) => /^[\w.@+-]{1,64}$/.test(v);
const addresses: Check = (v) => addressSpan(v) !== undefined;
/** A trunk or phone given as a DNS name: RouterOS keeps the name in the entry and resolves it. */
const addressOrName: Check = (v) => addressSpan(v) !== undefined || isPeerName(v);
const ports: Check = (v) => /^\d{1,5}(-\d{1,5})?$/.test(v);
const LISTS = oneOf(...Object.values(ADDRESS_LISTS));
const PROTOCOL = oneOf('udp', 'tcp');

interface Shape {
  kind: string;
  menu: 'filter' | 'nat' | 'addressLists';
  fields: Readonly<Record<string, Check>>;
}

const FORWARD = {
  chain: is('dstnat'),
  action: is('dst-nat'),
  protocol: PROTOCOL,
  'dst-port': ports,
  'src-address-list': LISTS,
  'to-addresses': pbx,
  'to-ports': ports,
};

/** The entries the planner writes (desired.ts), field by field. */
export const MANAGED_SHAPES: readonly Shape[] = [
  { kind: 'address-list entry', menu: 'addressLists', fields: { list: LISTS, address: addressOrName } },
  {
    kind: 'accept',
    menu: 'filter',
    fields: {
      chain: is('forward'),
      action: is('accept'),
      'connection-nat-state': is('dstnat'),
      protocol: PROTOCOL,
      'dst-address': pbx,
      'dst-port': ports,
      'src-address-list': LISTS,
    },
  },
  { kind: 'forward', menu: 'nat', fields: { ...FORWARD, 'in-interface-list': is('WAN') } },
  { kind: 'forward', menu: 'nat', fields: { ...FORWARD, 'dst-address': ipv4 } },
  // A dynamic WAN address without a WAN list: matched on its interface (desired.ts wanMatch).
  { kind: 'forward', menu: 'nat', fields: { ...FORWARD, 'in-interface': interfaceName } },
  { kind: 'forward', menu: 'nat', fields: FORWARD },
  {
    kind: 'hairpin forward',
    menu: 'nat',
    fields: {
      chain: is('dstnat'),
      action: is('dst-nat'),
      protocol: PROTOCOL,
      'src-address': addresses,
      'dst-address': ipv4,
      'dst-port': ports,
      'to-addresses': pbx,
      'to-ports': ports,
    },
  },
  {
    // A dynamic public address: the router's own addresses but its LAN one (desired.ts hairpinMatch).
    kind: 'hairpin forward',
    menu: 'nat',
    fields: {
      chain: is('dstnat'),
      action: is('dst-nat'),
      protocol: PROTOCOL,
      'src-address': addresses,
      'dst-address-type': is('local'),
      'dst-address': notIpv4,
      'dst-port': ports,
      'to-addresses': pbx,
      'to-ports': ports,
    },
  },
  {
    kind: 'hairpin masquerade',
    menu: 'nat',
    fields: { chain: is('srcnat'), action: is('masquerade'), 'src-address': addresses, 'dst-address': pbx },
  },
];

/** The one service port the wizard touches, and the one field it sets there. */
export const MANAGED_SERVICE_PORT = { name: 'sip', fields: ['disabled'] } as const;

type Fields = Readonly<Record<string, string | undefined>>;

/**
 * Why the wizard would never write an item with these fields in this menu, or undefined when
 * it would (tagged, one of the shapes, a port the planner can forward, forwarded to itself).
 */
export function notManaged(menu: MenuKey, item: Fields, scope: RouterScope): string | undefined {
  if (menu === 'servicePorts') return item.name === MANAGED_SERVICE_PORT.name ? undefined : 'not the SIP helper';
  const shapes = MANAGED_SHAPES.filter((s) => s.menu === menu);
  if (shapes.length === 0) return 'a menu the wizard does not write';
  if (!isOwned(item)) return 'not tagged fspbx-nat:';
  const defaults: Readonly<Record<string, string>> = ROUTER_MENUS[menu].defaults;
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(item)) {
    if (key === 'comment' || value === undefined || READ_ONLY_FIELDS.has(key)) continue;
    if (key in defaults && sameValue(value, defaults[key])) continue;
    fields[key] = value;
  }
  const shape = shapes.find(
    (s) =>
      Object.keys(s.fields).length === Object.keys(fields).length &&
      Object.entries(s.fields).every(([key, check]) => fields[key] !== undefined && check(fields[key], scope)),
  );
  if (!shape) return 'not an entry the wizard writes';
  const port = fields['dst-port'];
  if (port === undefined) return undefined;
  if (fields['to-ports'] !== undefined && fields['to-ports'] !== port) return 'forwards to another port';
  return scope.forwardable.has(`${fields.protocol} ${port}`)
    ? undefined
    : `${fields.protocol} ${port} is not forwarded by the wizard`;
}

/** The fields of an item the wizard may set: all of a managed entry's, only `disabled` on the SIP helper. */
export function managedFields(menu: MenuKey): readonly string[] | 'all' {
  return menu === 'servicePorts' ? MANAGED_SERVICE_PORT.fields : 'all';
}

interface Planned {
  path: string;
  action: 'add' | 'set' | 'remove';
  itemId?: string;
  before: Readonly<Record<string, string | null>> | null;
  after: Readonly<Record<string, string | null>> | null;
}

/** Why a planned change leaves the table (what a rollback would not restore), or undefined. */
export function plannedOutsideManaged(change: Planned, state: RouterState, scope: RouterScope): string | undefined {
  const menu = menuKeyOf(change.path);
  if (menu === undefined) return `${change.path}: a menu the wizard does not write`;
  const now = state[menu].find((i) => i['.id'] === change.itemId);
  if (change.action === 'remove')
    return now && isOwned(now) ? undefined : `${change.path}: removes an item not tagged fspbx-nat:`;
  if (change.action === 'add') return change.after ? notManaged(menu, compact(change.after), scope) : 'an empty add';
  if (!now || !change.after) return `${change.path} ${change.itemId ?? '?'}: no such item`;
  const fields = managedFields(menu);
  if (fields !== 'all' && Object.keys(change.after).some((f) => !fields.includes(f))) {
    return `${change.path}: sets fields the wizard does not set`;
  }
  if (fields !== 'all') return notManaged(menu, now, scope);
  return notManaged(menu, compact({ ...now, ...change.after }), scope);
}

function compact(fields: Readonly<Record<string, string | null | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== null && value !== undefined) out[key] = value;
  return out;
}
