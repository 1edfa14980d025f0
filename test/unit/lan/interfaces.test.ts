import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { lanFacts } from '../../../electron/lan/interfaces';
import { parseNetstatRoutes, parseProcNetRoute, parseRoutePrint } from '../../../electron/lan/routes';

const v4 = (address: string, netmask: string, extra: Partial<NetworkInterfaceInfo> = {}): NetworkInterfaceInfo =>
  ({
    address,
    netmask,
    family: 'IPv4',
    mac: '02:00:00:00:00:01',
    internal: false,
    cidr: null,
    ...extra,
  }) as NetworkInterfaceInfo;

// Captured from a laptop on a MikroTik LAN with a Docker bridge beside it.
const PROC_NET_ROUTE = `Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
wlan0	00000000	0158A8C0	0003	0	0	600	00000000	0	0	0
eth0	00000000	0101A8C0	0003	0	0	100	00000000	0	0	0
eth0	0058A8C0	00000000	0001	0	0	100	00FFFFFF	0	0	0
docker0	000011AC	00000000	0001	0	0	0	0000FFFF	0	0	0
`;

describe('default route', () => {
  it('picks the default route with the lowest metric and decodes little-endian hex', () => {
    expect(parseProcNetRoute(PROC_NET_ROUTE)).toEqual({ interface: 'eth0', gateway: '192.168.1.1', metric: 100 });
  });

  it('ignores routes that are down or have no gateway', () => {
    const down =
      'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\neth0\t00000000\t0158A8C0\t0002\t0\t0\t0\t00000000\n';
    expect(parseProcNetRoute(down)).toBeUndefined();
    expect(parseProcNetRoute('garbage\n\n')).toBeUndefined();
  });
});

describe('LAN facts', () => {
  it('marks the interface that carries the default route as the customer LAN', () => {
    const facts = lanFacts(
      {
        lo: [v4('127.0.0.1', '255.0.0.0', { internal: true })],
        docker0: [v4('172.17.0.1', '255.255.0.0')],
        eth0: [
          v4('192.168.88.50', '255.255.255.0'),
          { ...v4('fe80::1', 'ffff:ffff:ffff:ffff::'), family: 'IPv6' } as NetworkInterfaceInfo,
        ],
      },
      { interface: 'eth0', gateway: '192.168.88.1', metric: 100 },
    );
    expect(facts.interfaces.map((i) => i.name)).toEqual(['docker0', 'eth0']);
    const eth0 = facts.interfaces.find((i) => i.name === 'eth0')!;
    expect(eth0).toMatchObject({ subnet: '192.168.88.0/24', broadcast: '192.168.88.255', prefix: 24, likelyLan: true });
    expect(facts.interfaces.find((i) => i.name === 'docker0')!.likelyLan).toBe(false);
    expect(facts.defaultGateway).toEqual({ address: '192.168.88.1', interface: 'eth0' });
    expect(facts.reasoning).toContain('eth0');
  });

  it('skips loopback and link-local addresses', () => {
    const facts = lanFacts(
      { lo: [v4('127.0.0.1', '255.0.0.0', { internal: true })], eth1: [v4('169.254.10.2', '255.255.0.0')] },
      undefined,
    );
    expect(facts.interfaces).toEqual([]);
    expect(facts.reasoning).toMatch(/no IPv4 network/);
  });

  it('falls back to the first private network when there is no default route', () => {
    const facts = lanFacts({ eth0: [v4('192.168.88.50', '255.255.255.0')] }, undefined);
    expect(facts.interfaces[0]!.likelyLan).toBe(true);
    expect(facts.defaultGateway).toBeUndefined();
  });

  it('does not trust a default route whose gateway is outside the interface subnet', () => {
    const facts = lanFacts(
      { eth0: [v4('192.168.88.50', '255.255.255.0')] },
      { interface: 'eth0', gateway: '10.9.9.9', metric: 0 },
    );
    expect(facts.reasoning).toMatch(/No default route found/);
  });
});

describe('default route on macOS and Windows', () => {
  it('reads the default line of netstat -rn -f inet (macOS 14)', () => {
    const netstat = `Routing tables

Internet:
Destination        Gateway            Flags               Netif Expire
default            192.168.88.1       UGScg                 en0
127                127.0.0.1          UCS                   lo0
192.168.88         link#11            UCS                   en0      !
`;
    expect(parseNetstatRoutes(netstat)).toEqual({ gateway: '192.168.88.1', interface: 'en0', metric: 0 });
  });

  it('reads older netstat layouts with Refs and Use columns, and ignores link-local defaults', () => {
    const old = `Internet:
Destination        Gateway            Flags        Refs      Use   Netif Expire
default            link#4             UCSI            0        0     en1
default            10.1.2.1           UGSc           20        0     en1
`;
    expect(parseNetstatRoutes(old)).toEqual({ gateway: '10.1.2.1', interface: 'en1', metric: 0 });
  });

  it('reads route print -4 in any language and keeps the lowest metric', () => {
    const routePrint = `===========================================================================
IPv4-Routentabelle
===========================================================================
Aktive Routen:
     Netzwerkziel    Netzwerkmaske          Gateway    Schnittstelle Metrik
          0.0.0.0          0.0.0.0      192.168.1.1    192.168.1.100     55
          0.0.0.0          0.0.0.0     192.168.88.1    192.168.88.50     25
        127.0.0.0        255.0.0.0       Auf Verbindung         127.0.0.1    331
`;
    expect(parseRoutePrint(routePrint)).toEqual({ gateway: '192.168.88.1', interface: '192.168.88.50', metric: 25 });
  });

  it('matches a Windows route to its interface by address', () => {
    const facts = lanFacts(
      { Ethernet: [v4('192.168.88.50', '255.255.255.0')], 'Wi-Fi': [v4('192.168.1.100', '255.255.255.0')] },
      { interface: '192.168.88.50', gateway: '192.168.88.1', metric: 25 },
    );
    expect(facts.interfaces.find((i) => i.likelyLan)?.name).toBe('Ethernet');
    expect(facts.defaultGateway).toEqual({ address: '192.168.88.1', interface: 'Ethernet' });
  });
});
