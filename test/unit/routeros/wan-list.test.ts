/** The WAN side as real routers have it: PPPoE outside the WAN list, lists built from lists, several default routes. */
import { describe, expect, it } from 'vitest';
import { planRouter } from '../../../electron/routeros/plan';
import type { RouterState } from '../../../electron/routeros/state';
import { listMembership, readTopology } from '../../../electron/routeros/topology';
import { defconfRouter } from './fixtures/defconf';
import { PPPOE_ADDRESS, pppoeRouter, withPppoeInWan } from './fixtures/pppoe';
import { adds, baseInputs, plan } from './helpers';

describe('a PPPoE client outside the WAN list', () => {
  it('is refused, naming the interface, the reason and the fix', () => {
    const result = planRouter(pppoeRouter(), baseInputs());
    expect(result.ok).toBe(false);
    const error = !result.ok ? result.errors.find((e) => e.field === 'router.wanList') : undefined;
    expect(error?.message).toMatch(/through pppoe-out1, which is not in its WAN interface list \(ether1\)/);
    expect(error?.message).toContain('/interface list member add list=WAN interface=pppoe-out1');
  });

  it('plans once pppoe-out1 is in the WAN list, with the forwards on the list and the PPPoE address as the WAN address', () => {
    const p = plan(withPppoeInWan(pppoeRouter()), baseInputs());
    const forwards = adds(p, '/ip/firewall/nat');
    expect(forwards.length).toBeGreaterThan(0);
    for (const f of forwards) expect(f.after?.['in-interface-list']).toBe('WAN');
    expect(p.facts['router.wanAddress']).toBe(PPPOE_ADDRESS);
    expect(p.facts['router.wanAddressDynamic']).toMatch(/pppoe-out1/);
  });

  it('without any WAN list, the default route picks the WAN interface', () => {
    const state = pppoeRouter();
    state.interfaceListMembers = state.interfaceListMembers.filter((m) => m.list !== 'WAN');
    const topology = readTopology(state, '192.168.88.10');
    expect(topology.hasWanList).toBe(false);
    expect(topology.wanInterfaces).toEqual(['pppoe-out1']);
  });
});

describe('a RouterOS 6 PPPoE route', () => {
  it('names its interface in gateway-status, which the refusal reads', () => {
    const state = pppoeRouter();
    state.routes = [
      {
        '.id': '*1',
        'dst-address': '0.0.0.0/0',
        gateway: '203.0.113.1',
        'gateway-status': '203.0.113.1 reachable via  pppoe-out1',
        distance: '1',
        dynamic: 'true',
        active: 'true',
      },
    ];
    expect(readTopology(state, '192.168.88.10').defaultRouteInterfaces).toEqual(['pppoe-out1']);
    expect(planRouter(state, baseInputs()).ok).toBe(false);
  });
});

describe('interface lists', () => {
  function withLists(state: RouterState): RouterState {
    state.interfaces.push({ '.id': '*9', name: 'lte1', type: 'lte', disabled: 'false', dynamic: 'true' });
    state.interfaceLists.push(
      { '.id': '*2000012', name: 'UPLINKS', include: 'WAN,dynamic', exclude: 'LAN', builtin: 'false' },
      { '.id': '*2000013', name: 'LOOP', include: 'LOOP', builtin: 'false' },
    );
    state.interfaceListMembers.push({ '.id': '*4', list: 'UPLINKS', interface: 'bridge', disabled: 'false' });
    return state;
  }

  it('a list holds its members and its included lists, less its excluded lists', () => {
    const lists = listMembership(withLists(defconfRouter()));
    expect([...lists.get('UPLINKS')!].sort()).toEqual(['ether1', 'lte1']);
  });

  it('knows the built-in lists: all, none, dynamic, static', () => {
    const lists = listMembership(withLists(defconfRouter()));
    expect(lists.get('dynamic')).toEqual(new Set(['lte1']));
    expect(lists.get('static')?.has('ether1')).toBe(true);
    expect(lists.get('static')?.has('lte1')).toBe(false);
    expect(lists.get('all')?.size).toBe(7);
    expect(lists.get('none')?.size).toBe(0);
  });

  it('a list that includes itself ends', () => {
    expect(listMembership(withLists(defconfRouter())).get('LOOP')).toEqual(new Set());
  });

  it('a WAN list made by include counts: the forwards still match on it', () => {
    const state = pppoeRouter();
    state.interfaceListMembers = state.interfaceListMembers.filter((m) => m.list !== 'WAN');
    state.interfaceLists.push({ '.id': '*2000014', name: 'PPP', builtin: 'false' });
    state.interfaceListMembers.push({ '.id': '*5', list: 'PPP', interface: 'pppoe-out1', disabled: 'false' });
    state.interfaceLists = state.interfaceLists.map((l) => (l.name === 'WAN' ? { ...l, include: 'PPP' } : l));
    expect(planRouter(state, baseInputs()).ok).toBe(true);
  });
});

describe('addresses and routes that do not count', () => {
  it('an invalid address is not a WAN address', () => {
    const state = defconfRouter();
    state.addresses = state.addresses.map((a) => (a.interface === 'ether1' ? { ...a, invalid: 'true' } : a));
    expect(readTopology(state, '192.168.88.10').wanAddresses).toEqual([]);
  });

  it('two default routes: a warning about replies leaving by the first, and about the one outside the WAN list', () => {
    const state = withPppoeInWan(pppoeRouter());
    state.interfaces.push({ '.id': '*9', name: 'lte1', type: 'lte', disabled: 'false' });
    state.routes!.push({
      '.id': '*80000002',
      'dst-address': '0.0.0.0/0',
      gateway: '100.64.0.1%lte1',
      distance: '1',
      active: 'true',
      dynamic: 'true',
    });
    const codes = plan(state, baseInputs()).warnings.map((w) => w.code);
    expect(codes).toContain('several-wan-routes');
    expect(codes).toContain('default-route-outside-wan-list');
  });

  it('an inactive backup route is no second WAN', () => {
    const state = withPppoeInWan(pppoeRouter());
    state.routes!.push({
      '.id': '*80000002',
      'dst-address': '0.0.0.0/0',
      gateway: '100.64.0.1%lte1',
      distance: '2',
      active: 'false',
    });
    expect(plan(state, baseInputs()).warnings.map((w) => w.code)).not.toContain('several-wan-routes');
  });
});
