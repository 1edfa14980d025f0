/** The simulator's menus of customers' routers: PPPoE and DHCP clients, the kernel's connection table. */
import { describe, expect, it } from 'vitest';
import { DhcpClients } from '../../lab/routeros/model/dhcp-client';
import { buildMenuDefs } from '../../lab/routeros/model/menus';
import { followPppoeClients } from '../../lab/routeros/model/pppoe';
import { RouterModel } from '../../lab/routeros/model/router';
import { parseConntrackLine, printedFields } from '../../lab/routeros/nft/conntrack';
import { schemaStandIn } from './schema-stand-in';

const schema = () =>
  schemaStandIn({}, [
    'name',
    'comment',
    'disabled',
    'policy',
    'list',
    'address',
    'interface',
    'dst-address',
    'gateway',
  ]);

function router(): RouterModel {
  return new RouterModel(buildMenuDefs(schema()), {
    '/interface': [
      { name: 'ether1', type: 'ether' },
      { name: 'bridge', type: 'bridge' },
    ],
    '/ip/address': [
      { address: '192.168.88.1/24', interface: 'bridge', disabled: 'false' },
      { address: '203.0.113.2/24', interface: 'ether1', disabled: 'false' },
    ],
    '/user/group': [{ name: 'full', policy: 'read,write,policy,api' }],
    '/user': [{ name: 'admin', group: 'full', password: '' }],
  });
}

describe('PPPoE client', () => {
  it('is an interface of its own and, enabled, holds the dynamic address and default route', () => {
    const m = router();
    followPppoeClients(m, { address: '203.0.113.77', remote: '203.0.113.1' });
    const admin = m.actor('admin')!;
    const added = m.add(
      '/interface/pppoe-client',
      [
        ['name', 'pppoe-out1'],
        ['interface', 'ether1'],
        ['add-default-route', 'yes'],
        ['disabled', 'no'],
      ],
      admin,
    );
    expect(added.ok).toBe(true);
    expect(m.print('/interface').find((i) => i.name === 'pppoe-out1')?.type).toBe('pppoe-out');
    expect(m.print('/ip/address').find((a) => a.interface === 'pppoe-out1')).toMatchObject({
      address: '203.0.113.77/32',
      dynamic: 'true',
    });
    expect(m.print('/ip/route').find((r) => r.gateway === 'pppoe-out1')?.dynamic).toBe('true');
    m.remove('/interface/pppoe-client', added.ok ? added.value : '', admin);
    expect(m.print('/ip/address').some((a) => a.interface === 'pppoe-out1')).toBe(false);
    expect(m.print('/interface').some((i) => i.name === 'pppoe-out1')).toBe(false);
  });
});

describe('DHCP client on the WAN port', () => {
  it('turns the port address into a dynamic lease, renews to the next free address, and gives the fixed one back', async () => {
    const m = router();
    const dhcp = new DhcpClients(m, false);
    const admin = m.actor('admin')!;
    const added = m.add('/ip/dhcp-client', [['interface', 'ether1']], admin);
    await new Promise((r) => setImmediate(r));
    const wan = () => m.print('/ip/address').filter((a) => a.interface === 'ether1');
    expect(wan()).toEqual([expect.objectContaining({ address: '203.0.113.2/24', dynamic: 'true' })]);
    expect((await dhcp.renew(added.ok ? added.value : '', admin)).ok).toBe(true);
    expect(wan()).toEqual([expect.objectContaining({ address: '203.0.113.3/24', dynamic: 'true' })]);
    m.remove('/ip/dhcp-client', added.ok ? added.value : '', admin);
    await new Promise((r) => setImmediate(r));
    expect(wan()).toEqual([expect.objectContaining({ address: '203.0.113.2/24' })]);
    expect(wan()[0]?.dynamic).not.toBe('true');
  });
});

describe('the connection table', () => {
  it('reads a /proc/net/nf_conntrack UDP line the way RouterOS prints the entry', () => {
    const entry = parseConntrackLine(
      'ipv4     2 udp      17 29 src=198.51.100.10 dst=203.0.113.2 sport=5062 dport=5080 [UNREPLIED] src=203.0.113.2 dst=198.51.100.10 sport=5080 dport=5062 mark=0 zone=0 use=2',
    );
    expect(entry && printedFields(entry)).toMatchObject({
      protocol: 'udp',
      'src-address': '198.51.100.10:5062',
      'dst-address': '203.0.113.2:5080',
      'reply-src-address': '203.0.113.2:5080',
      timeout: '29s',
      'seen-reply': 'false',
      dstnat: 'false',
    });
  });

  it('reads a dst-natted TCP entry with its state', () => {
    const entry = parseConntrackLine(
      'ipv4     2 tcp      6 431999 ESTABLISHED src=198.51.100.10 dst=203.0.113.2 sport=40000 dport=5080 src=192.168.88.10 dst=198.51.100.10 sport=5080 dport=40000 [ASSURED] mark=0 zone=0 use=2',
    );
    expect(entry && printedFields(entry)).toMatchObject({
      'tcp-state': 'established',
      'reply-src-address': '192.168.88.10:5080',
      dstnat: 'true',
      assured: 'true',
    });
  });

  it('skips what is not an IPv4 entry', () => {
    expect(parseConntrackLine('ipv6     10 udp 17 20 src=::1 dst=::1 sport=1 dport=2')).toBeUndefined();
    expect(parseConntrackLine('')).toBeUndefined();
  });
});
