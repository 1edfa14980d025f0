import { describe, expect, it } from 'vitest';
import { isOwned } from '../../../electron/routeros/change';
import { planRouterRestore, RESTORED_MENUS } from '../../../electron/routeros/restore';
import { writableFields, type RouterState } from '../../../electron/routeros/state';
import { customRouter, HOSTILE_COMMENT } from './fixtures/custom';
import { defconfRouter } from './fixtures/defconf';
import { apply, baseInputs, plan } from './helpers';

/** Everything a restore must bring back: each menu's items in order, without ids or counters. */
function content(state: RouterState) {
  return Object.fromEntries(RESTORED_MENUS.map((menu) => [menu, state[menu].map(writableFields)]));
}

describe('planRouterRestore', () => {
  it('undoes a whole apply on defconf, exactly, and then plans nothing', () => {
    const snapshot = defconfRouter();
    const applied = apply(snapshot, plan(snapshot, baseInputs({ hairpin: true })).changes);
    const restore = planRouterRestore(snapshot, applied);
    expect(restore.changes.length).toBeGreaterThan(0);
    const restored = apply(applied, restore.changes);
    expect(content(restored)).toEqual(content(snapshot));
    expect(planRouterRestore(snapshot, restored).changes).toEqual([]);
  });

  it('removes only what the wizard added and sets the SIP helper back', () => {
    const snapshot = defconfRouter();
    const applied = apply(snapshot, plan(snapshot, baseInputs()).changes);
    const restore = planRouterRestore(snapshot, applied);
    const removed = restore.changes.filter((c) => c.action === 'remove');
    expect(removed.every((c) => c.before?.comment?.startsWith('fspbx-nat: '))).toBe(true);
    expect(restore.changes.filter((c) => c.action === 'set')).toEqual([
      expect.objectContaining({ path: '/ip/firewall/service-port', itemId: '*4', after: { disabled: 'false' } }),
    ]);
  });

  it('re-adds removed items in their original order, before the item that followed them', () => {
    const snapshot = customRouter();
    const current = structuredClone(snapshot);
    current.filter = current.filter.filter((i) => i['.id'] !== '*11' && i['.id'] !== '*12');
    const restore = planRouterRestore(snapshot, current);
    const readds = restore.changes.filter((c) => c.action === 'add');
    expect(readds.map((c) => [c.after?.comment, c.placeBefore])).toEqual([
      ['LAN out', '*13'],
      [HOSTILE_COMMENT, '*13'],
    ]);
    const restored = apply(current, restore.changes);
    expect(content(restored)).toEqual(content(snapshot));
    // Re-added items have new ids: they are recognised by content the second time.
    expect(restored.filter.map((i) => i['.id'])).not.toEqual(snapshot.filter.map((i) => i['.id']));
    expect(planRouterRestore(snapshot, restored).changes).toEqual([]);
  });

  it('re-adds an item removed from the end of a chain at the end', () => {
    const snapshot = customRouter();
    const current = structuredClone(snapshot);
    current.filter.pop();
    const restore = planRouterRestore(snapshot, current);
    expect(restore.changes).toHaveLength(1);
    expect(restore.changes[0]!.placeBefore).toBeUndefined();
    expect(content(apply(current, restore.changes))).toEqual(content(snapshot));
  });

  it('restores modified fields exactly, unsetting fields the snapshot did not have', () => {
    const snapshot = customRouter();
    const current = structuredClone(snapshot);
    current.nat[1] = { ...current.nat[1]!, 'to-ports': '2022', 'src-address': '192.0.2.0/24' };
    const restore = planRouterRestore(snapshot, current);
    expect(restore.changes).toEqual([
      expect.objectContaining({
        action: 'set',
        itemId: '*21',
        before: { 'to-ports': '2022', 'src-address': '192.0.2.0/24' },
        after: { 'to-ports': '22', 'src-address': null },
      }),
    ]);
    expect(content(apply(current, restore.changes))).toEqual(content(snapshot));
  });

  it('leaves items someone else added since the snapshot, with a warning, unless asked for an exact restore', () => {
    const snapshot = defconfRouter();
    const current = structuredClone(snapshot);
    current.nat.push({ '.id': '*99', chain: 'dstnat', action: 'dst-nat', comment: 'added by the ISP' });
    const gentle = planRouterRestore(snapshot, current);
    expect(gentle.changes).toEqual([]);
    expect(gentle.warnings.map((w) => w.code)).toEqual(['foreign-item-kept']);
    const exact = planRouterRestore(snapshot, current, { exact: true });
    expect(exact.changes.map((c) => [c.action, c.itemId])).toEqual([['remove', '*99']]);
  });

  it('ignores dynamic items and counters', () => {
    const snapshot = defconfRouter();
    const current = structuredClone(snapshot);
    current.nat[0] = { ...current.nat[0]!, bytes: '999999', packets: '7' };
    current.addressLists.push({ '.id': '*55', list: 'port-scanners', address: '192.0.2.99', dynamic: 'true' });
    expect(planRouterRestore(snapshot, current).changes).toEqual([]);
  });

  it('after a partly applied plan, still restores exactly', () => {
    const snapshot = customRouter();
    const inputs = baseInputs({ pbxAddress: '10.20.0.10' });
    const full = plan(snapshot, inputs).changes;
    const half = apply(snapshot, full.slice(0, Math.floor(full.length / 2)));
    expect(half.nat.some(isOwned) || half.filter.some(isOwned) || half.addressLists.some(isOwned)).toBe(true);
    const restored = apply(half, planRouterRestore(snapshot, half).changes);
    expect(content(restored)).toEqual(content(snapshot));
  });

  it('ignores dynamic entries: address-list timeouts counting down, UPnP mappings, the fasttrack counter rule', () => {
    // What a router shows between snapshot and restore without anyone touching its configuration
    // (https://manual.mikrotik.com/docs/firewall-and-quality-of-service/firewall/address-lists.md;
    // community.routeros api_modify.py:22 "The module ignores dynamic and builtin entries").
    const dummy = { chain: 'forward', action: 'passthrough', comment: 'special dummy rule to show fasttrack counters' };
    const snapshot = defconfRouter();
    snapshot.filter = [{ '.id': '*99', ...dummy, dynamic: 'true', packets: '10' }, ...snapshot.filter];
    snapshot.addressLists = [
      {
        '.id': '*50',
        list: 'blocked',
        address: '198.51.100.66',
        timeout: '59m58s',
        dynamic: 'true',
        disabled: 'false',
      },
    ];
    const current = structuredClone(snapshot);
    current.filter[0] = { ...current.filter[0]!, packets: '9000' };
    current.addressLists = [
      { '.id': '*50', list: 'blocked', address: '198.51.100.66', timeout: '41m3s', dynamic: 'true', disabled: 'false' },
      { '.id': '*51', list: 'blocked', address: '198.51.100.67', timeout: '1h', dynamic: 'true', disabled: 'false' },
    ];
    current.nat = [
      {
        '.id': '*60',
        chain: 'dstnat',
        action: 'dst-nat',
        protocol: 'udp',
        'in-interface': 'ether1',
        'dst-port': '5060',
        'to-addresses': '192.168.88.77',
        'to-ports': '5060',
        comment: 'upnp 192.168.88.77: mapping',
        dynamic: 'true',
      },
      ...current.nat,
    ];
    expect(planRouterRestore(snapshot, current, { exact: true }).changes).toEqual([]);
    // And the other way round: dynamic entries gone since the snapshot are not re-created.
    expect(planRouterRestore(current, snapshot, { exact: true }).changes).toEqual([]);
  });

  it('never anchors a re-added rule on a dynamic one (RouterOS: "cannot move builtin")', () => {
    const snapshot = defconfRouter();
    const [first, ...rest] = snapshot.filter;
    const dynamic = { '.id': '*99', chain: 'forward', action: 'passthrough', comment: 'dummy', dynamic: 'true' };
    snapshot.filter = [first!, dynamic, ...rest];
    const current = structuredClone(snapshot);
    current.filter = current.filter.filter((i) => i['.id'] !== first!['.id']);
    const readd = planRouterRestore(snapshot, current).changes.filter((c) => c.action === 'add');
    expect(readd.map((c) => c.placeBefore)).toEqual([rest[0]!['.id']]);
  });
});
