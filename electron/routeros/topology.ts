/** Which side of the router is WAN and which is LAN, read from its interface lists and addresses. Pure. */
import { contains } from '../lan/ipv4';
import { isDisabled, type RouterState } from './state';

export interface RouterAddress {
  interface: string;
  /** As printed: 192.168.88.1/24. */
  cidr: string;
  address: string;
  prefix: number;
}

export interface Topology {
  /** True when interface list WAN exists and has members: forwards then match in-interface-list=WAN. */
  hasWanList: boolean;
  wanInterfaces: string[];
  wanAddresses: RouterAddress[];
  lanAddresses: RouterAddress[];
  /** Interface list name → member interfaces (plus the built-in lists). */
  listMembers: Map<string, Set<string>>;
  /** Did the defconf "drop all from WAN not DSTNATed" rule come with this config? */
  looksDefconf: boolean;
}

function routerAddresses(state: RouterState): RouterAddress[] {
  const out: RouterAddress[] = [];
  for (const item of state.addresses) {
    const cidr = item.address;
    if (isDisabled(item) || cidr === undefined || item.interface === undefined) continue;
    const [address, bits] = cidr.split('/');
    const prefix = bits === undefined ? 32 : Number(bits);
    if (address === undefined || !Number.isInteger(prefix)) continue;
    out.push({ interface: item.interface, cidr, address, prefix });
  }
  return out;
}

export function inSubnet(a: RouterAddress, address: string): boolean {
  return contains(`${a.address}/${a.prefix}`, address);
}

export function listMembership(state: RouterState): Map<string, Set<string>> {
  const lists = new Map<string, Set<string>>();
  lists.set('all', new Set(state.interfaces.map((i) => i.name ?? '')));
  lists.set('none', new Set());
  for (const member of state.interfaceListMembers) {
    if (isDisabled(member) || member.list === undefined || member.interface === undefined) continue;
    const set = lists.get(member.list) ?? new Set<string>();
    set.add(member.interface);
    lists.set(member.list, set);
  }
  return lists;
}

/**
 * Without a WAN list the WAN is the interface that holds `wanHint` (the address
 * the technician gave) or, failing that, the only addressed interface whose
 * subnet does not hold the PBX.
 */
export function readTopology(state: RouterState, pbxAddress: string, wanHint?: string): Topology {
  const addresses = routerAddresses(state);
  const listMembers = listMembership(state);
  const wanList = listMembers.get('WAN');
  const hasWanList = wanList !== undefined && wanList.size > 0;
  let wanInterfaces: string[];
  if (hasWanList) {
    wanInterfaces = [...wanList];
  } else {
    const hinted = wanHint === undefined ? undefined : addresses.find((a) => a.address === wanHint);
    if (hinted) wanInterfaces = [hinted.interface];
    else {
      const outside = [...new Set(addresses.filter((a) => !inSubnet(a, pbxAddress)).map((a) => a.interface))];
      wanInterfaces = outside.length === 1 ? outside : [];
    }
  }
  const wanSet = new Set(wanInterfaces);
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
    wanAddresses: addresses.filter((a) => wanSet.has(a.interface)),
    lanAddresses: addresses.filter((a) => !wanSet.has(a.interface)),
    listMembers,
    looksDefconf,
  };
}

export function lanOf(topology: Topology, pbxAddress: string): RouterAddress | undefined {
  return topology.lanAddresses.find((a) => inSubnet(a, pbxAddress));
}
