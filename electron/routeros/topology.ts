/** Which side of the router is WAN and which is LAN, read from its interface lists and addresses. Pure. */
import { isIPv4 } from '../../contract/ipv4';
import { contains } from '../lan/ipv4';
import { isDisabled, type RosItem, type RouterState } from './state';

export interface RouterAddress {
  interface: string;
  /** As printed: 192.168.88.1/24. */
  cidr: string;
  address: string;
  prefix: number;
  /** Given by a DHCP or PPPoE client (flag D): it may change after the visit. */
  dynamic: boolean;
}

export interface Topology {
  /** True when interface list WAN exists and has members: forwards then match in-interface-list=WAN. */
  hasWanList: boolean;
  wanInterfaces: string[];
  wanAddresses: RouterAddress[];
  /**
   * The WAN address forwards and the PBX use, picked once here: the one the technician gave,
   * else the first WAN address. Every planner and site fact reads this one.
   */
  wan?: RouterAddress;
  lanAddresses: RouterAddress[];
  /** Interface list name → member interfaces (plus the built-in lists). */
  listMembers: Map<string, Set<string>>;
  /** Did the defconf "drop all from WAN not DSTNATed" rule come with this config? */
  looksDefconf: boolean;
  /**
   * The interfaces the router's active default routes leave through (a PPPoE client's
   * `pppoe-out1`, the DHCP WAN port…), best first; empty when the routes were not read.
   */
  defaultRouteInterfaces: string[];
}

function routerAddresses(state: RouterState): RouterAddress[] {
  const out: RouterAddress[] = [];
  for (const item of state.addresses) {
    const cidr = item.address;
    // An invalid address (its interface gone or disabled, a clash) carries no traffic.
    if (isDisabled(item) || item.invalid === 'true' || cidr === undefined || item.interface === undefined) continue;
    const [address, bits] = cidr.split('/');
    const prefix = bits === undefined ? 32 : Number(bits);
    if (address === undefined || !Number.isInteger(prefix)) continue;
    out.push({
      interface: item.interface,
      cidr,
      address,
      prefix,
      dynamic: item.dynamic === 'true' || item.dynamic === 'yes',
    });
  }
  return out;
}

export function inSubnet(a: RouterAddress, address: string): boolean {
  return contains(`${a.address}/${a.prefix}`, address);
}

/**
 * Interface list name → its member interfaces. A list holds its own members plus those of the
 * lists named in its `include`, minus those of the lists in its `exclude`; the built-in lists
 * are `all`, `none`, `dynamic` and `static`
 * (https://help.mikrotik.com/docs/spaces/ROS/pages/28606504/Interface+Lists: "include — list of
 * interface lists whose members are included", "exclude — … excluded", "predefined lists: all,
 * dynamic, none, static"). Lists naming each other are followed a bounded number of times.
 */
export function listMembership(state: RouterState): Map<string, Set<string>> {
  const names = state.interfaces.map((i) => i.name ?? '').filter((n) => n !== '');
  const dynamicNames = new Set(
    state.interfaces.filter((i) => i.dynamic === 'true' || i.dynamic === 'yes').map((i) => i.name ?? ''),
  );
  const builtin = new Map<string, Set<string>>([
    ['all', new Set(names)],
    ['none', new Set()],
    ['dynamic', new Set(names.filter((n) => dynamicNames.has(n)))],
    ['static', new Set(names.filter((n) => !dynamicNames.has(n)))],
  ]);
  const own = new Map<string, Set<string>>();
  for (const member of state.interfaceListMembers) {
    if (isDisabled(member) || member.list === undefined || member.interface === undefined) continue;
    const set = own.get(member.list) ?? new Set<string>();
    set.add(member.interface);
    own.set(member.list, set);
  }
  const defs = new Map(state.interfaceLists.filter((l) => l.name !== undefined).map((l) => [l.name!, l]));
  const split = (v: string | undefined): string[] => (v ?? '').split(',').filter((x) => x !== '' && x !== 'none');
  const resolve = (name: string, depth: number): Set<string> => {
    const fixed = builtin.get(name);
    if (fixed) return fixed;
    const out = new Set(own.get(name) ?? []);
    const def = defs.get(name);
    if (!def || depth > 8) return out;
    for (const inc of split(def.include)) for (const i of resolve(inc, depth + 1)) out.add(i);
    for (const exc of split(def.exclude)) for (const i of resolve(exc, depth + 1)) out.delete(i);
    return out;
  };
  const lists = new Map<string, Set<string>>(builtin);
  for (const name of new Set([...own.keys(), ...defs.keys()]))
    if (!builtin.has(name)) lists.set(name, resolve(name, 0));
  return lists;
}

/**
 * The interface a route's gateway names: `10.0.0.1%ether1` (7.x immediate-gw), `pppoe-out1`,
 * RouterOS 6's gateway-status `10.0.0.1 reachable via  ether1` (the wiki's route print shows
 * "gateway=… reachable ether1": https://wiki.mikrotik.com/wiki/Manual:IPv6/Route), or an address on
 * a router subnet.
 */
function routeInterface(route: RosItem, addresses: readonly RouterAddress[]): string | undefined {
  const status = /reachable(?:\s+via)?\s+(\S+)/.exec(route['gateway-status'] ?? '')?.[1];
  if (status) return status;
  for (const value of [route['immediate-gw'], route.gateway]) {
    if (!value) continue;
    const scoped = value.split('%')[1];
    if (scoped) return scoped;
    if (!isIPv4(value)) return value;
    const onLink = addresses.find((a) => inSubnet(a, value));
    if (onLink) return onLink.interface;
  }
  return undefined;
}

/** Active default routes' interfaces, lowest distance first. */
export function defaultRouteInterfaces(state: RouterState, addresses: readonly RouterAddress[]): string[] {
  const routes = (state.routes ?? [])
    .filter(
      (r) =>
        r['dst-address'] === '0.0.0.0/0' &&
        !isDisabled(r) &&
        r.active !== 'false' &&
        (r['routing-table'] === undefined || r['routing-table'] === 'main'),
    )
    .sort((a, b) => Number(a.distance ?? 1) - Number(b.distance ?? 1));
  const out: string[] = [];
  for (const route of routes) {
    const name = routeInterface(route, addresses);
    if (name !== undefined && !out.includes(name)) out.push(name);
  }
  return out;
}

/**
 * Without a WAN list the WAN is the interface that holds `wanHint` (the address
 * the technician gave) or, failing that, the only addressed interface whose
 * subnet does not hold the PBX.
 */
export function readTopology(state: RouterState, pbxAddress: string, wanHint?: string): Topology {
  const addresses = routerAddresses(state);
  const listMembers = listMembership(state);
  const routeInterfaces = defaultRouteInterfaces(state, addresses);
  const wanList = listMembers.get('WAN');
  const hasWanList = wanList !== undefined && wanList.size > 0;
  let wanInterfaces: string[];
  if (hasWanList) {
    wanInterfaces = [...wanList];
  } else {
    const hinted = wanHint === undefined ? undefined : addresses.find((a) => a.address === wanHint);
    const routed = routeInterfaces.find((name) => addresses.some((a) => a.interface === name));
    if (hinted) wanInterfaces = [hinted.interface];
    else if (routed !== undefined) wanInterfaces = [routed];
    else {
      const outside = [...new Set(addresses.filter((a) => !inSubnet(a, pbxAddress)).map((a) => a.interface))];
      wanInterfaces = outside.length === 1 ? outside : [];
    }
  }
  const wanSet = new Set(wanInterfaces);
  const wanAddresses = addresses.filter((a) => wanSet.has(a.interface));
  const wan = wanAddresses.find((a) => a.address === wanHint) ?? wanAddresses[0];
  const looksDefconf = state.filter.some(
    (r) =>
      r.chain === 'forward' &&
      r.action === 'drop' &&
      r['connection-nat-state'] === '!dstnat' &&
      r['in-interface-list'] === 'WAN' &&
      !isDisabled(r),
  );
  return {
    hasWanList,
    wanInterfaces,
    wanAddresses,
    ...(wan ? { wan } : {}),
    lanAddresses: addresses.filter((a) => !wanSet.has(a.interface)),
    listMembers,
    looksDefconf,
    defaultRouteInterfaces: routeInterfaces,
  };
}

export function lanOf(topology: Topology, pbxAddress: string): RouterAddress | undefined {
  return topology.lanAddresses.find((a) => inSubnet(a, pbxAddress));
}
