/** The router entries the wizard wants, built from the inputs and the router's topology. Pure. */
import { isPeerName } from '../../contract/peer-address';
import { addressSpan, formatPorts, normalizeCidr, type PortRange, type Span } from './addr';
import { asciiName, tagComment } from './change';
import { ADDRESS_LISTS, DEFAULT_SIP_PORTS, WEB_PORTS, type Role, type RouterPlanInputs } from './inputs';
import type { RouterAddress, Topology } from './topology';

export interface DesiredEntry {
  /** The full comment, tag included: the entry's identity in nat and filter. */
  comment: string;
  fields: Record<string, string>;
  reason: string;
}

export interface DesiredListEntry extends DesiredEntry {
  list: string;
  address: string;
  role: Role;
}

export interface Forward {
  key: string;
  role: Role;
  protocol: 'udp' | 'tcp';
  ports: PortRange;
  what: string;
  /** Which PBX setting asked for it, when one did (TLS, WSS). */
  why?: string;
}

const ROLE_WORD: Record<Role, string> = { trunks: 'trunk', phones: 'phone' };

/**
 * An address-list entry's address: an address or range as RouterOS stores it, or a DNS name in lower
 * case, which RouterOS keeps as typed and resolves by itself (README "Trunks and phones by name").
 */
function listAddress(text: string): string | undefined {
  const name = text.trim().toLowerCase();
  return normalizeCidr(text.trim()) ?? (isPeerName(name) ? name : undefined);
}

export function desiredListEntries(inputs: RouterPlanInputs): DesiredListEntry[] {
  const out: DesiredListEntry[] = [];
  for (const role of ['trunks', 'phones'] as const) {
    const seen = new Set<string>();
    for (const peer of inputs[role]) {
      const address = listAddress(peer.address);
      if (address === undefined || seen.has(address)) continue;
      seen.add(address);
      const list = ADDRESS_LISTS[role];
      const comment = tagComment(`${ROLE_WORD[role]} ${asciiName(peer.name)}`);
      const what = isPeerName(address)
        ? `${address}: the router looks the name up and keeps its addresses in the list as they change`
        : address;
      out.push({
        list,
        address,
        role,
        comment,
        fields: { list, address },
        reason: `Lets ${ROLE_WORD[role]} "${peer.name}" (${what}) reach the PBX; only addresses in ${list} are forwarded.`,
      });
    }
  }
  return out;
}

export function rolesWithPeers(inputs: RouterPlanInputs): Role[] {
  return (['phones', 'trunks'] as const).filter((role) => inputs[role].length > 0);
}

export function forwardsFor(inputs: RouterPlanInputs): Forward[] {
  const sip = inputs.sipPorts ?? DEFAULT_SIP_PORTS;
  const rtp = inputs.rtp ?? inputs.pbxRtp;
  const out: Forward[] = [];
  for (const role of rolesWithPeers(inputs)) {
    const port = role === 'phones' ? sip.internal : sip.external;
    const profile = role === 'phones' ? 'internal profile' : 'external profile';
    for (const protocol of ['udp', 'tcp'] as const) {
      out.push({
        key: `sip ${role} ${protocol}`,
        role,
        protocol,
        ports: { start: port, end: port },
        what: `SIP ${protocol.toUpperCase()} ${port} (${profile}) from the ${role}`,
      });
    }
    out.push({ key: `rtp ${role} udp`, role, protocol: 'udp', ports: rtp, what: `RTP audio from the ${role}` });
  }
  for (const secure of inputs.secureSip ?? []) {
    if (inputs[secure.role].length === 0) continue;
    out.push({
      key: `${secure.kind} ${secure.role} tcp`,
      role: secure.role,
      protocol: 'tcp',
      ports: { start: secure.port, end: secure.port },
      what: `${secure.kind === 'tls' ? 'SIP over TLS' : 'WebRTC SIP over secure WebSocket (WSS)'} on TCP ${secure.port} from the ${secure.role}`,
      why: secure.setting,
    });
  }
  if (inputs.webGui && inputs.phones.length > 0) {
    for (const port of WEB_PORTS) {
      out.push({
        key: `web phones tcp ${port}`,
        role: 'phones',
        protocol: 'tcp',
        ports: { start: port, end: port },
        what: `the PBX web GUI (TCP ${port}) from the phones' addresses`,
      });
    }
  }
  return out;
}

/**
 * How a forward recognises traffic from outside: the WAN list; without one the WAN interface
 * when its address is dynamic (a DHCP or PPPoE address changes after the visit and a rule on
 * today's address silently stops matching), else the WAN address. Never `dst-address-type=local`
 * alone: it matches every address of the router, its LAN address too, so LAN clients talking
 * to the router itself (its web page on 443) would be sent to the PBX (routeros-facts.md §5).
 */
export function wanMatch(inputs: RouterPlanInputs, topology: Topology): Record<string, string> {
  if (topology.hasWanList) return { 'in-interface-list': 'WAN' };
  const wan = topology.wan;
  if (wan?.dynamic) return { 'in-interface': wan.interface };
  return wan ? { 'dst-address': wan.address } : {};
}

/**
 * How a hairpin forward recognises LAN devices dialling the public address: that address when
 * it is fixed; when it is dynamic, any address of the router's own (`dst-address-type=local`)
 * except its LAN address, which follows the WAN address wherever the provider moves it. Exact
 * when the router has no other addresses than its WAN and LAN ones; otherwise its other own
 * addresses (a guest bridge's) are hairpinned on the forwarded ports too, and `exact` is false.
 */
export function hairpinMatch(
  wan: RouterAddress,
  lan: RouterAddress,
  topology: Topology,
): { fields: Record<string, string>; exact: boolean; reason: string } {
  if (!wan.dynamic)
    return {
      fields: { 'dst-address': wan.address },
      exact: true,
      reason: `the public address ${wan.address} is fixed on the router`,
    };
  const others = topology.lanAddresses.filter((a) => a !== lan && a.address !== lan.address);
  return {
    fields: { 'dst-address-type': 'local', 'dst-address': `!${lan.address}` },
    exact: others.length === 0,
    reason: `the public address ${wan.address} is dynamic (given by ${wan.interface}'s provider): any router address but its LAN one ${lan.address} is matched, so the hairpin follows a new address`,
  };
}

export function natEntry(forward: Forward, inputs: RouterPlanInputs, match: Record<string, string>): DesiredEntry {
  const ports = formatPorts(forward.ports);
  return {
    comment: tagComment(`forward ${forward.key}`),
    fields: {
      chain: 'dstnat',
      action: 'dst-nat',
      protocol: forward.protocol,
      ...match,
      'dst-port': ports,
      'src-address-list': ADDRESS_LISTS[forward.role],
      'to-addresses': inputs.pbxAddress,
      'to-ports': ports,
    },
    reason:
      `Forwards ${forward.what} to the PBX at ${inputs.pbxAddress}, only from addresses in ${ADDRESS_LISTS[forward.role]}.` +
      (forward.why ? ` The PBX asks for it: ${forward.why}.` : ''),
  };
}

export function acceptEntry(forward: Forward, inputs: RouterPlanInputs, blocker: string): DesiredEntry {
  return {
    comment: tagComment(`accept ${forward.key}`),
    fields: {
      chain: 'forward',
      action: 'accept',
      'connection-nat-state': 'dstnat',
      protocol: forward.protocol,
      'dst-address': inputs.pbxAddress,
      'dst-port': formatPorts(forward.ports),
      'src-address-list': ADDRESS_LISTS[forward.role],
    },
    reason: `The router's filter would drop the forwarded ${forward.what} (rule ${blocker}); this accept goes just before it.`,
  };
}

/**
 * Hairpin NAT (https://manual.mikrotik.com/docs/firewall-and-quality-of-service/firewall/nat.md,
 * "Hairpin NAT"): LAN devices that dial the public address. One dst-nat per
 * forwarded port range, from the LAN subnet to the router's WAN address only
 * (not to its other addresses), whatever the peer lists say: LAN callers are
 * not peers.
 */
export function hairpinForwards(
  forwards: readonly Forward[],
  inputs: RouterPlanInputs,
  lan: RouterAddress,
  wan: RouterAddress,
  match: Record<string, string> = { 'dst-address': wan.address },
): DesiredEntry[] {
  const subnet = normalizeCidr(`${lan.address}/${lan.prefix}`) ?? lan.cidr;
  const seen = new Set<string>();
  const out: DesiredEntry[] = [];
  for (const forward of forwards) {
    const ports = formatPorts(forward.ports);
    const key = `${forward.protocol} ${ports}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      comment: tagComment(`hairpin ${key}`),
      fields: {
        chain: 'dstnat',
        action: 'dst-nat',
        protocol: forward.protocol,
        'src-address': subnet,
        ...match,
        'dst-port': ports,
        'to-addresses': inputs.pbxAddress,
        'to-ports': ports,
      },
      reason: `Hairpin NAT: LAN devices (${subnet}) that use the public address ${wan.address} reach the PBX on ${forward.protocol.toUpperCase()} ${ports}${match['dst-address-type'] ? " (matched on the router's own addresses but its LAN one: the public address is dynamic)" : ''}.`,
    });
  }
  return out;
}

export function hairpinEntry(inputs: RouterPlanInputs, lan: RouterAddress): DesiredEntry {
  const subnet = normalizeCidr(`${lan.address}/${lan.prefix}`) ?? lan.cidr;
  return {
    comment: tagComment('hairpin masquerade'),
    fields: { chain: 'srcnat', action: 'masquerade', 'src-address': subnet, 'dst-address': inputs.pbxAddress },
    reason: `Hairpin NAT: LAN devices that dial the public address reach the PBX, and its replies come back through the router.`,
  };
}

/** Every address a name can stand for: the router resolves it later, to addresses nobody knows at plan time. */
const ANY_ADDRESS: Span = { lo: 0, hi: 0xffffffff };

/**
 * The sources a role's forwards are judged for. A name may resolve to any address, so a firewall
 * rule that drops some sources is judged against every one: an accept is placed whenever it could
 * matter.
 */
export function peerSpans(inputs: RouterPlanInputs, role: Role): Span[] {
  return inputs[role]
    .map((p) => addressSpan(p.address) ?? (isPeerName(p.address.trim().toLowerCase()) ? ANY_ADDRESS : undefined))
    .filter((s): s is Span => s !== undefined);
}
