import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../contract/types';
import { networkDiagram } from '../../../electron/bundle/diagram';
import { siteDiagram } from '../../../electron/site/diagram';
import { storedInputs } from '../helpers/stored-inputs';

const inputs = storedInputs({
  trunks: [{ name: 'Carrier <b>', address: '203.0.113.5' }],
  phones: [{ name: 'Home office', address: '198.51.100.7' }],
});

function nat(after: Record<string, string>): Plan['changes'][number] {
  return { id: 'r1', target: 'router', path: '/ip/firewall/nat', action: 'add', before: null, after, reason: '' };
}

const plan: Plan = {
  facts: { 'router.wanAddress': '198.51.100.2/24', 'router.lan': '192.168.88.0/24', 'pbx.address': '192.168.88.10' },
  warnings: [],
  changes: [
    nat({ action: 'dst-nat', protocol: 'udp', 'dst-port': '5080', 'src-address-list': 'fspbx-trunks' }),
    nat({ action: 'dst-nat', protocol: 'udp', 'dst-port': '5060', 'src-address-list': 'fspbx-phones' }),
    // The hairpin twin of the trunk forward: one arrow, not two.
    nat({
      action: 'dst-nat',
      protocol: 'udp',
      'dst-port': '5080',
      'src-address-list': 'fspbx-trunks',
      'dst-address': '198.51.100.2',
    }),
    nat({ action: 'masquerade', protocol: 'udp' }),
    {
      id: 'r5',
      target: 'router',
      path: '/ip/firewall/address-list',
      action: 'add',
      before: null,
      after: { list: 'fspbx-trunks' },
      reason: '',
    },
  ],
};

describe('the network picture of a stored run', () => {
  it('shows the allowed sources, both sides of the router, the PBX and one arrow per forward with who may use it', () => {
    const diagram = siteDiagram({ inputs, plan }, { name: 'Acme dental', routerIdentity: 'gw-acme' });
    expect(diagram).toEqual({
      trunks: [{ name: 'Carrier <b>', address: '203.0.113.5' }],
      phones: [{ name: 'Home office', address: '198.51.100.7' }],
      router: { label: 'gw-acme', wan: '198.51.100.2/24', lan: '192.168.88.0/24' },
      pbx: { label: 'FS PBX', address: '192.168.88.10' },
      forwards: [
        { label: 'udp 5080', from: 'trunks' },
        { label: 'udp 5060', from: 'phones' },
      ],
    });
    // A name from the network is text in the picture, never markup.
    const svg = networkDiagram(diagram);
    expect(svg).toContain('Carrier &lt;b&gt;');
    expect(svg).not.toContain('Carrier <b>');
  });

  it('shows the public address the plan was made from (the site facts) when the run kept them', () => {
    const facts = {
      publicIp: '198.51.100.9',
      publicFrom: 'technician' as const,
      publicDynamic: false,
      rtp: { start: 16384, end: 32768 },
      revertMinutes: 5,
    };
    expect(siteDiagram({ inputs, plan, facts }, { name: 'Acme' }).router.wan).toBe('198.51.100.9');
  });

  it('names the router by the site when it has no identity, and a forward open to anyone as such', () => {
    const open: Plan = {
      ...plan,
      facts: {},
      changes: [nat({ action: 'dst-nat', protocol: 'tcp', 'dst-port': '443' })],
    };
    const diagram = siteDiagram({ inputs, plan: open }, { name: 'Acme dental' });
    expect(diagram?.router).toEqual({ label: 'Acme dental' });
    expect(diagram?.pbx.address).toBe('192.168.88.10');
    expect(diagram?.forwards).toEqual([{ label: 'tcp 443', from: 'any' }]);
  });
});
