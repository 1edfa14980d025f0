/**
 * The customer site of DESIGN.md ("The site lab") as plain data: hosts, cables, bridges,
 * addresses and routes. build.ts turns it into namespaces; nothing here touches the system.
 */

export type HostName = 'tech' | 'router' | 'pbx' | 'nas' | 'mactel' | 'lan' | 'isp' | 'trunk' | 'phone' | 'stranger';

export const LAN_HOSTS = ['tech', 'router', 'pbx', 'nas', 'mactel'] as const;
export const WAN_HOSTS = ['isp', 'trunk', 'phone', 'stranger'] as const;

/** A cable: a veth pair, one end in each host. */
export interface Cable {
  a: { host: HostName; ifname: string };
  b: { host: HostName; ifname: string };
}

export interface Bridge {
  host: HostName;
  name: string;
  ports: string[];
}

export interface Address {
  host: HostName;
  ifname: string;
  cidr: string;
}

export interface Route {
  host: HostName;
  to: 'default' | string;
  via: string;
}

export interface Topology {
  hosts: HostName[];
  cables: Cable[];
  bridges: Bridge[];
  addresses: Address[];
  routes: Route[];
  forwarding: HostName[];
}

/** Addresses every test and the demo talk about: one place, no magic strings elsewhere. */
export const SITE = {
  lan: { network: '192.168.88.0/24', gateway: '192.168.88.1' },
  tech: '192.168.88.50',
  router: { lan: '192.168.88.1', wan: '203.0.113.2', wanGateway: '203.0.113.1' },
  pbx: '192.168.88.10',
  nas: '192.168.88.30',
  mactel: '192.168.88.40',
  isp: { router: '203.0.113.1', trunk: '198.51.100.1', remote: '192.0.2.1' },
  trunk: '198.51.100.10',
  phone: '192.0.2.20',
  stranger: '192.0.2.66',
} as const;

const lanHost = (host: 'tech' | 'pbx' | 'nas' | 'mactel', ip: string) => ({
  cable: { a: { host, ifname: 'eth0' }, b: { host: 'lan' as const, ifname: `p-${host}` } },
  address: { host, ifname: 'eth0', cidr: `${ip}/24` },
  route: { host, to: 'default', via: SITE.lan.gateway },
});

export function siteTopology(): Topology {
  const lanMembers = [
    lanHost('tech', SITE.tech),
    lanHost('pbx', SITE.pbx),
    lanHost('nas', SITE.nas),
    lanHost('mactel', SITE.mactel),
  ];
  return {
    hosts: ['lan', 'isp', 'router', 'tech', 'pbx', 'nas', 'mactel', 'trunk', 'phone', 'stranger'],
    cables: [
      ...lanMembers.map((m) => m.cable),
      // Names the MikroTik simulator expects: ether1 = WAN, ether2 = LAN port of its `bridge`.
      { a: { host: 'router', ifname: 'ether2' }, b: { host: 'lan', ifname: 'p-router' } },
      { a: { host: 'router', ifname: 'ether1' }, b: { host: 'isp', ifname: 'to-router' } },
      { a: { host: 'trunk', ifname: 'eth0' }, b: { host: 'isp', ifname: 'to-trunk' } },
      { a: { host: 'phone', ifname: 'eth0' }, b: { host: 'isp', ifname: 'to-phone' } },
      { a: { host: 'stranger', ifname: 'eth0' }, b: { host: 'isp', ifname: 'to-stranger' } },
    ],
    bridges: [
      { host: 'lan', name: 'br0', ports: ['p-tech', 'p-pbx', 'p-nas', 'p-mactel', 'p-router'] },
      { host: 'router', name: 'bridge', ports: ['ether2'] },
      { host: 'isp', name: 'br-remote', ports: ['to-phone', 'to-stranger'] },
    ],
    addresses: [
      ...lanMembers.map((m) => m.address),
      { host: 'router', ifname: 'bridge', cidr: `${SITE.router.lan}/24` },
      { host: 'router', ifname: 'ether1', cidr: `${SITE.router.wan}/24` },
      { host: 'isp', ifname: 'to-router', cidr: `${SITE.isp.router}/24` },
      { host: 'isp', ifname: 'to-trunk', cidr: `${SITE.isp.trunk}/24` },
      { host: 'isp', ifname: 'br-remote', cidr: `${SITE.isp.remote}/24` },
      { host: 'trunk', ifname: 'eth0', cidr: `${SITE.trunk}/24` },
      { host: 'phone', ifname: 'eth0', cidr: `${SITE.phone}/24` },
      { host: 'stranger', ifname: 'eth0', cidr: `${SITE.stranger}/24` },
    ],
    routes: [
      ...lanMembers.map((m) => m.route),
      { host: 'router', to: 'default', via: SITE.router.wanGateway },
      { host: 'trunk', to: 'default', via: SITE.isp.trunk },
      { host: 'phone', to: 'default', via: SITE.isp.remote },
      { host: 'stranger', to: 'default', via: SITE.isp.remote },
    ],
    forwarding: ['router', 'isp'],
  };
}

/** The `ip -batch` lines that give one host its bridges, addresses, links up and routes. */
export function ipLinesFor(topology: Topology, host: HostName): string[][] {
  const lines: string[][] = [];
  const ifnames = new Set<string>();
  for (const cable of topology.cables) {
    if (cable.a.host === host) ifnames.add(cable.a.ifname);
    if (cable.b.host === host) ifnames.add(cable.b.ifname);
  }
  for (const bridge of topology.bridges.filter((b) => b.host === host)) {
    lines.push(['link', 'add', bridge.name, 'type', 'bridge']);
    for (const port of bridge.ports) lines.push(['link', 'set', port, 'master', bridge.name]);
    ifnames.add(bridge.name);
  }
  for (const address of topology.addresses.filter((a) => a.host === host)) {
    lines.push(['addr', 'add', address.cidr, 'dev', address.ifname]);
  }
  for (const ifname of ifnames) lines.push(['link', 'set', ifname, 'up']);
  for (const route of topology.routes.filter((r) => r.host === host)) {
    lines.push(['route', 'add', route.to, 'via', route.via]);
  }
  return lines;
}
