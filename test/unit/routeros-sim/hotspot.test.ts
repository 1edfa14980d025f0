/** The simulator's HotSpot: its dynamic rules follow the servers, and nftables sees the matcher. */
import { describe, expect, it } from 'vitest';
import { followBridges } from '../../lab/routeros/model/bridges';
import { followHotspots } from '../../lab/routeros/model/hotspot';
import { buildMenuDefs } from '../../lab/routeros/model/menus';
import { CANNOT_MOVE_BUILTIN, RouterModel } from '../../lab/routeros/model/router';
import { renderRuleset } from '../../lab/routeros/nft/render';
import { schemaStandIn } from './schema-stand-in';

const schema = () =>
  schemaStandIn(
    {
      '/ip/firewall/filter': [
        'chain',
        'action',
        'protocol',
        'dst-port',
        'in-interface-list',
        'comment',
        'disabled',
        'log',
      ],
    },
    ['name', 'comment', 'disabled', 'policy', 'list'],
  );

function router(): RouterModel {
  const m = new RouterModel(buildMenuDefs(schema()), {
    '/interface': [
      { name: 'ether1', type: 'ether' },
      { name: 'bridge', type: 'bridge' },
    ],
    '/interface/list': [{ name: 'WAN' }],
    '/user/group': [{ name: 'full', policy: 'read,write,policy,api' }],
    '/user': [{ name: 'admin', group: 'full', password: '' }],
    '/ip/firewall/filter': [{ chain: 'forward', action: 'drop', 'in-interface-list': 'WAN', comment: 'custom drop' }],
  });
  followBridges(m);
  followHotspots(m);
  return m;
}

describe('HotSpot in the simulator', () => {
  it('a bridge added by hand becomes an interface a HotSpot can run on', () => {
    const m = router();
    const admin = m.actor('admin')!;
    expect(m.add('/ip/hotspot', [['interface', 'guest']], admin).ok).toBe(false);
    expect(m.add('/interface/bridge', [['name', 'guest']], admin).ok).toBe(true);
    expect(m.print('/interface').map((i) => i.name)).toContain('guest');
    expect(
      m.add(
        '/ip/hotspot',
        [
          ['name', 'hotspot1'],
          ['interface', 'guest'],
        ],
        admin,
      ).ok,
    ).toBe(true);
  });

  it('puts its dynamic jumps first in forward, refuses place-before them, and takes them away with the server', () => {
    const m = router();
    const admin = m.actor('admin')!;
    m.add('/interface/bridge', [['name', 'guest']], admin);
    const server = m.add(
      '/ip/hotspot',
      [
        ['name', 'hotspot1'],
        ['interface', 'guest'],
      ],
      admin,
    );
    const filter = m.print('/ip/firewall/filter');
    expect(filter[0]).toMatchObject({
      chain: 'forward',
      'jump-target': 'hs-unauth',
      hotspot: 'from-client,!auth',
      dynamic: 'true',
    });
    expect(filter.at(-1)?.comment).toBe('custom drop');
    const placed = m.add('/ip/firewall/filter', [['chain', 'forward']], admin, filter[0]!['.id']);
    expect(placed).toEqual({ ok: false, trap: { message: CANNOT_MOVE_BUILTIN } });
    expect(m.remove('/ip/hotspot', server.ok ? server.value : '', admin).ok).toBe(true);
    expect(m.print('/ip/firewall/filter').map((r) => r.comment)).toEqual(['custom drop']);
  });

  it('renders from-client and to-client on the HotSpot interfaces, and !auth as always true', () => {
    const out = renderRuleset({
      filter: [
        {
          id: 1,
          fields: { chain: 'forward', action: 'jump', 'jump-target': 'hs-unauth', hotspot: 'from-client,!auth' },
        },
        {
          id: 2,
          fields: { chain: 'forward', action: 'jump', 'jump-target': 'hs-unauth-to', hotspot: 'to-client,!auth' },
        },
        { id: 3, fields: { chain: 'forward', action: 'accept', hotspot: 'auth' } },
      ],
      nat: [],
      addressLists: [],
      interfaceLists: [],
      listMembers: new Map(),
      hotspotInterfaces: ['guest'],
      counters: new Map(),
    });
    expect(out).toContain('elements = { "guest" }');
    expect(out).toMatch(/iifname @hs_if counter packets 0 bytes 0 jump fc_0 comment "f\*1"/);
    expect(out).toMatch(/oifname @hs_if counter packets 0 bytes 0 jump fc_1 comment "f\*2"/);
    expect(out).not.toContain('"f*3"');
  });
});
