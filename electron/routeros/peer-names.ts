/**
 * Trunks and remote phones given as DNS names. RouterOS takes a name as an address-list entry's
 * address ("DNS Name | IP address/netmask | IP-IP", https://help.mikrotik.com/docs/display/ROS/Address-lists),
 * keeps the name in that static entry and adds one dynamic entry per address it resolves, in the same
 * list, with the name as comment, and follows the name as DNS changes (observed on RouterOS 7.21.5:
 * https://github.com/jeff-nasseri/mikrotik-mcp/pull/149). So the plan writes the name, and verify
 * reads the dynamic entries to say what the name stands for today. Pure.
 */
import type { Warning } from '../../contract/types';
import { isPeerName } from '../../contract/peer-address';
import { ADDRESS_LISTS, type Role, type RouterPlanInputs } from './inputs';
import { isDisabled, isDynamic, type RosItem, type RouterState } from './state';

const ROLE_WORD: Record<Role, string> = { trunks: 'Trunk', phones: 'Phone' };

export interface NamedPeer {
  role: Role;
  name: string;
  /** The host name, in lower case as the plan writes it. */
  host: string;
  list: string;
}

/** The peers given as names, once per list and name. */
export function namedPeers(inputs: Pick<RouterPlanInputs, 'trunks' | 'phones'>): NamedPeer[] {
  const out: NamedPeer[] = [];
  for (const role of ['trunks', 'phones'] as const) {
    for (const peer of inputs[role]) {
      const host = peer.address.trim().toLowerCase();
      if (!isPeerName(host) || out.some((p) => p.role === role && p.host === host)) continue;
      out.push({ role, name: peer.name, host, list: ADDRESS_LISTS[role] });
    }
  }
  return out;
}

/**
 * One warning per name: what the router does with it, and why the PBX is not changed for it.
 * FreeSWITCH's access lists take addresses only (a node's `cidr` or `host`+`mask` is parsed as an
 * address, src/switch_core.c:1686-1689 → switch_utils.c:633, :710-711; `domain` is a directory
 * domain, not DNS, :1633), and FS PBX writes them from its Access Controls' CIDR column
 * (acl.conf.lua:90-100), which its form checks is an IP or CIDR.
 */
export function namedPeerWarnings(inputs: Pick<RouterPlanInputs, 'trunks' | 'phones'>): Warning[] {
  return namedPeers(inputs).map((p) => ({
    code: 'peer-by-name',
    target: 'router',
    message: `${ROLE_WORD[p.role]} "${p.name}" is given as ${p.host}: the router looks the name up with its own DNS (IP › DNS) and keeps ${p.list} current as the addresses change. The PBX is not changed for it: its access lists hold addresses only, so if FS PBX lets this provider's calls in by address (Access Controls, providers), that list keeps today's addresses and must be edited when they change (verify shows the addresses the router found).`,
  }));
}

/** The addresses the router resolved a name to: its dynamic entries in the list, named by their comment. */
export function resolvedAddresses(state: Pick<RouterState, 'addressLists'>, list: string, host: string): string[] {
  const mine = (item: RosItem) =>
    isDynamic(item) &&
    !isDisabled(item) &&
    item.list === list &&
    (item.comment ?? '').toLowerCase() === host &&
    item.address !== undefined;
  return [...new Set(state.addressLists.filter(mine).map((item) => item.address!))];
}
