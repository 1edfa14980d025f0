import { describe, expect, it } from 'vitest';
import { isOwned } from '../../../electron/routeros/change';
import { routerScope } from '../../../electron/routeros/managed';
import { planRouterRestore, RESTORED_MENUS } from '../../../electron/routeros/restore';
import { writableFields, type RouterState } from '../../../electron/routeros/state';
import { customRouter } from './fixtures/custom';
import { defconfRouter } from './fixtures/defconf';
import { apply, baseInputs, plan } from './helpers';

/** The wizard's entries for the PBX of baseInputs(): what a restore may write. */
const SCOPE = routerScope(baseInputs());
const CUSTOM = baseInputs({ pbxAddress: '10.20.0.10' });
const CUSTOM_SCOPE = routerScope(CUSTOM);

/** Everything a restore must bring back: each menu's items in order, without ids or counters. */
function content(state: RouterState) {
  return Object.fromEntries(RESTORED_MENUS.map((menu) => [menu, state[menu].map(writableFields)]));
}

describe('planRouterRestore', () => {
  it('undoes a whole apply on defconf, exactly, and then plans nothing', () => {
    const snapshot = defconfRouter();
    const applied = apply(snapshot, plan(snapshot, baseInputs({ hairpin: true })).changes);
    const restore = planRouterRestore(snapshot, applied, SCOPE);
    expect(restore.changes.length).toBeGreaterThan(0);
    const restored = apply(applied, restore.changes);
    expect(content(restored)).toEqual(content(snapshot));
    expect(planRouterRestore(snapshot, restored, SCOPE).changes).toEqual([]);
  });

  it('removes only what the wizard added and sets the SIP helper back', () => {
    const snapshot = defconfRouter();
    const applied = apply(snapshot, plan(snapshot, baseInputs()).changes);
    const restore = planRouterRestore(snapshot, applied, SCOPE);
    const removed = restore.changes.filter((c) => c.action === 'remove');
    expect(removed.every((c) => c.before?.comment?.startsWith('fspbx-nat: '))).toBe(true);
    expect(restore.changes.filter((c) => c.action === 'set')).toEqual([
      expect.objectContaining({ path: '/ip/firewall/service-port', itemId: '*4', after: { disabled: 'false' } }),
    ]);
  });

  it('re-adds the wizard’s removed entries in their original order, before the item that followed them', () => {
    const snapshot = apply(customRouter(), plan(customRouter(), CUSTOM).changes);
    const accepts = snapshot.filter.filter((i) => i.comment?.startsWith('fspbx-nat: accept'));
    expect(accepts.length).toBeGreaterThan(2);
    const gone = new Set([accepts[0]!['.id'], accepts[1]!['.id']]);
    const current = structuredClone(snapshot);
    current.filter = current.filter.filter((i) => !gone.has(i['.id']));
    const restore = planRouterRestore(snapshot, current, CUSTOM_SCOPE);
    const readds = restore.changes.filter((c) => c.action === 'add');
    expect(readds.map((c) => [c.after?.comment, c.placeBefore])).toEqual([
      [accepts[0]!.comment, accepts[2]!['.id']],
      [accepts[1]!.comment, accepts[2]!['.id']],
    ]);
    const restored = apply(current, restore.changes);
    expect(content(restored)).toEqual(content(snapshot));
    // Re-added items have new ids: they are recognised by content the second time.
    expect(restored.filter.map((i) => i['.id'])).not.toEqual(snapshot.filter.map((i) => i['.id']));
    expect(planRouterRestore(snapshot, restored, CUSTOM_SCOPE).changes).toEqual([]);
  });

  it('never re-adds a rule the wizard does not manage: it is listed as not restored', () => {
    const snapshot = customRouter();
    const current = structuredClone(snapshot);
    current.filter = current.filter.filter((i) => i['.id'] !== '*11' && i['.id'] !== '*13');
    const restore = planRouterRestore(snapshot, current, CUSTOM_SCOPE);
    expect(restore.changes).toEqual([]);
    expect(restore.flags?.map((f) => [f.subject, f.restored, f.serious])).toEqual([
      ['/ip/firewall/filter "LAN out"', false, true],
      ['/ip/firewall/filter "drop everything else"', false, true],
    ]);
  });

  it('restores the wizard’s own modified entries exactly, unsetting fields the snapshot did not have', () => {
    const snapshot = apply(defconfRouter(), plan(defconfRouter(), baseInputs()).changes);
    const current = structuredClone(snapshot);
    const index = current.nat.findIndex((i) => i.comment === 'fspbx-nat: forward sip trunks udp');
    current.nat[index] = { ...current.nat[index]!, 'to-ports': '5099', 'src-address': '192.0.2.0/24' };
    const restore = planRouterRestore(snapshot, current, SCOPE);
    expect(restore.changes).toEqual([
      expect.objectContaining({
        action: 'set',
        itemId: current.nat[index]!['.id'],
        before: { 'to-ports': '5099', 'src-address': '192.0.2.0/24' },
        after: { 'to-ports': '5080', 'src-address': null },
      }),
    ]);
    expect(content(apply(current, restore.changes))).toEqual(content(snapshot));
  });

  it('never puts back a change to someone else’s rule (a forward to SSH)', () => {
    const snapshot = customRouter();
    const current = structuredClone(snapshot);
    current.nat[1] = { ...current.nat[1]!, 'to-ports': '2022', 'src-address': '192.0.2.0/24' };
    const restore = planRouterRestore(snapshot, current, CUSTOM_SCOPE);
    expect(restore.changes).toEqual([]);
    expect(restore.flags).toEqual([
      expect.objectContaining({ change: 'to-ports=22 src-address=(unset)', restored: false, serious: true }),
    ]);
    expect(restore.flags![0]!.consequence).toMatch(
      /^Not restored: not managed by the wizard\. .*TCP 2222 from outside to 10\.20\.0\.9:22/,
    );
  });

  it('leaves items someone else added since the snapshot, with a warning', () => {
    const snapshot = defconfRouter();
    const current = structuredClone(snapshot);
    current.nat.push({ '.id': '*99', chain: 'dstnat', action: 'dst-nat', comment: 'added by the ISP' });
    const gentle = planRouterRestore(snapshot, current, SCOPE);
    expect(gentle.changes).toEqual([]);
    expect(gentle.warnings.map((w) => w.code)).toEqual(['foreign-item-kept']);
  });

  it('ignores dynamic items and counters', () => {
    const snapshot = defconfRouter();
    const current = structuredClone(snapshot);
    current.nat[0] = { ...current.nat[0]!, bytes: '999999', packets: '7' };
    current.addressLists.push({ '.id': '*55', list: 'port-scanners', address: '192.0.2.99', dynamic: 'true' });
    expect(planRouterRestore(snapshot, current, SCOPE).changes).toEqual([]);
  });

  it('after a partly applied plan, still restores exactly', () => {
    const snapshot = customRouter();
    const full = plan(snapshot, CUSTOM).changes;
    const half = apply(snapshot, full.slice(0, Math.floor(full.length / 2)));
    expect(half.nat.some(isOwned) || half.filter.some(isOwned) || half.addressLists.some(isOwned)).toBe(true);
    const restored = apply(half, planRouterRestore(snapshot, half, CUSTOM_SCOPE).changes);
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
    expect(planRouterRestore(snapshot, current, SCOPE).changes).toEqual([]);
    // And the other way round: dynamic entries gone since the snapshot are not re-created.
    expect(planRouterRestore(current, snapshot, SCOPE).changes).toEqual([]);
  });

  it('never anchors a re-added rule on a dynamic one (RouterOS: "cannot move builtin")', () => {
    const snapshot = apply(customRouter(), plan(customRouter(), CUSTOM).changes);
    const at = snapshot.filter.findIndex((i) => i.comment?.startsWith('fspbx-nat: accept'));
    const first = snapshot.filter[at]!;
    const next = snapshot.filter[at + 1]!;
    const dynamic = { '.id': '*99', chain: 'forward', action: 'passthrough', comment: 'dummy', dynamic: 'true' };
    snapshot.filter.splice(at + 1, 0, dynamic);
    const current = structuredClone(snapshot);
    current.filter = current.filter.filter((i) => i['.id'] !== first['.id']);
    const readd = planRouterRestore(snapshot, current, CUSTOM_SCOPE).changes.filter((c) => c.action === 'add');
    expect(readd.map((c) => c.placeBefore)).toEqual([next['.id']]);
  });
});
