import { describe, expect, it } from 'vitest';
import { renderRuleset, type RenderInput } from '../../lab/routeros/nft/render';

function input(over: Partial<RenderInput>): RenderInput {
  return {
    filter: [],
    nat: [],
    addressLists: [],
    interfaceLists: ['WAN', 'LAN'],
    listMembers: new Map([
      ['WAN', ['ether1']],
      ['LAN', ['bridge']],
    ]),
    counters: new Map(),
    ...over,
  };
}

describe('nftables rendering', () => {
  it('renders a dst-nat forward with address list, ports and WAN list, keeping its counters', () => {
    const out = renderRuleset(
      input({
        nat: [
          {
            id: 0x1a,
            fields: {
              chain: 'dstnat',
              action: 'dst-nat',
              protocol: 'udp',
              'dst-port': '5060,10000-20000',
              'src-address-list': 'trunks',
              'in-interface-list': 'WAN',
              'to-addresses': '192.168.88.10',
            },
          },
        ],
        addressLists: [{ fields: { list: 'trunks', address: '198.51.100.10' } }],
        counters: new Map([['n*1A', { packets: 3, bytes: 210 }]]),
      }),
    );
    expect(out).toContain(
      'meta l4proto 17 ip saddr @al_0 th dport { 5060, 10000-20000 } iifname @il_0 counter packets 3 bytes 210 dnat to 192.168.88.10 comment "n*1A"',
    );
    expect(out).toContain('elements = { 198.51.100.10 }');
  });

  it("renders defconf's drop of new WAN connections that were not dst-NATed", () => {
    const out = renderRuleset(
      input({
        filter: [
          {
            id: 11,
            fields: {
              chain: 'forward',
              action: 'drop',
              'connection-state': 'new',
              'connection-nat-state': '!dstnat',
              'in-interface-list': 'WAN',
            },
          },
        ],
      }),
    );
    expect(out).toContain(
      'iifname @il_0 ct state new ct status & (dnat) == 0 counter packets 0 bytes 0 drop comment "f*B"',
    );
  });

  it('leaves out disabled rules, IPsec-only accepts and rules with matchers it cannot express', () => {
    const out = renderRuleset(
      input({
        filter: [
          { id: 1, fields: { chain: 'input', action: 'drop', disabled: 'true' } },
          { id: 2, fields: { chain: 'forward', action: 'accept', 'ipsec-policy': 'in,ipsec' } },
          { id: 3, fields: { chain: 'input', action: 'accept', 'tcp-flags': 'syn' } },
          { id: 4, fields: { chain: 'input', action: 'accept', 'dst-port': '22' } },
        ],
      }),
    );
    for (const id of ['f*1', 'f*2', 'f*3', 'f*4']) expect(out).not.toContain(`"${id}"`);
  });

  it('maps hostile chain and list names to safe nft identifiers', () => {
    const out = renderRuleset(
      input({
        filter: [{ id: 1, fields: { chain: 'forward', action: 'jump', 'jump-target': 'x"; flush ruleset; "' } }],
        nat: [{ id: 2, fields: { chain: 'dstnat', action: 'accept', 'src-address-list': '"; delete table ip x' } }],
      }),
    );
    expect(out).toContain('jump fc_0');
    expect(out).toContain('ip saddr @al_0');
    expect(out).not.toContain('flush ruleset');
    expect(out).not.toContain('delete table ip x');
  });
});
