/**
 * What a router restore (restore.ts) may write and what it only reports: the edges of its scope
 * (another service port, a tagged rule the wizard would never write, duplicates, built-in
 * service ports), the order of re-adds, how each change finds its item, and the words the
 * technician reads. Plain data: a defconf router, the wizard's plan applied to it, edits by hand.
 */
import { describe, expect, it } from 'vitest';
import { routerScope } from '../../../electron/routeros/managed';
import { planRouterRestore } from '../../../electron/routeros/restore';
import { rollbackOf } from '../../../electron/routeros/revert';
import type { RosItem, RouterState } from '../../../electron/routeros/state';
import { defconfRouter } from './fixtures/defconf';
import { apply, baseInputs, plan } from './helpers';

const SCOPE = routerScope(baseInputs());

/** defconf with the wizard's plan for baseInputs() applied: the snapshot a restore goes back to. */
function applied(): RouterState {
  const before = defconfRouter();
  return apply(before, plan(before, baseInputs()).changes);
}

function clone(state: RouterState): RouterState {
  return structuredClone(state);
}

const FOREIGN_RULE: RosItem = {
  '.id': '*70',
  chain: 'forward',
  action: 'drop',
  'src-address': '203.0.113.66',
  comment: 'block a scanner',
};

describe('a restore keeps to its scope', () => {
  it('puts back only the SIP helper: another service port changed since the snapshot is reported, not set', () => {
    const snapshot = defconfRouter();
    const current = clone(snapshot);
    current.servicePorts = current.servicePorts.map((p) => (p.name === 'ftp' ? { ...p, disabled: 'true' } : p));
    const restore = planRouterRestore(snapshot, current, SCOPE);
    expect(restore.changes).toEqual([]);
    expect(restore.flags?.map((f) => [f.subject, f.change, f.restored])).toEqual([
      ['/ip/firewall/service-port "ftp"', 'disabled=false', false],
    ]);
  });

  it('sets the SIP helper back saying what it was, found by its id, and flags it as restored', () => {
    const snapshot = defconfRouter();
    const current = clone(snapshot);
    current.servicePorts = current.servicePorts.map((p) => (p.name === 'sip' ? { ...p, disabled: 'true' } : p));
    const restore = planRouterRestore(snapshot, current, SCOPE);
    expect(restore.changes).toEqual([
      expect.objectContaining({
        path: '/ip/firewall/service-port',
        action: 'set',
        itemId: '*4',
        before: { disabled: 'true' },
        after: { disabled: 'false' },
      }),
    ]);
    expect(restore.changes[0]!.match).toBeUndefined();
    expect(restore.changes[0]!.reason).toBe('Puts "sip" back as it was in the snapshot.');
    expect(restore.flags?.map((f) => [f.subject, f.restored])).toEqual([['/ip/firewall/service-port "sip"', true]]);
  });

  it('neither removes nor warns about a service port the router has now and the snapshot did not (a newer RouterOS)', () => {
    const snapshot = defconfRouter();
    const current = clone(snapshot);
    current.servicePorts.push({ '.id': '*A', name: 'quic', ports: '443', disabled: 'false' });
    const restore = planRouterRestore(snapshot, current, SCOPE);
    expect([restore.changes, restore.warnings]).toEqual([[], []]);
  });

  it('says a built-in service port gone since the snapshot cannot be re-created, and sends nothing', () => {
    const snapshot = defconfRouter();
    const current = clone(snapshot);
    current.servicePorts = current.servicePorts.filter((p) => p.name !== 'tftp');
    const restore = planRouterRestore(snapshot, current, SCOPE);
    expect(restore.changes).toEqual([]);
    expect(restore.warnings).toEqual([
      {
        code: 'fixed-item-missing',
        target: 'router',
        message: '/ip/firewall/service-port "tftp" is gone and cannot be re-created.',
      },
    ]);
  });

  it('does not put back a tagged rule the wizard would never write (a forward of port 22), only reports it', () => {
    const snapshot = defconfRouter();
    snapshot.nat.push({
      '.id': '*80',
      chain: 'dstnat',
      action: 'dst-nat',
      protocol: 'tcp',
      'dst-port': '22',
      'to-addresses': '192.168.88.10',
      'to-ports': '22',
      comment: 'fspbx-nat: forward ssh',
    });
    const current = clone(snapshot);
    current.nat = current.nat.map((r) => (r['.id'] === '*80' ? { ...r, 'to-ports': '2222' } : r));
    const restore = planRouterRestore(snapshot, current, SCOPE);
    expect(restore.changes).toEqual([]);
    expect(restore.flags?.map((f) => [f.subject, f.change, f.restored])).toEqual([
      ['/ip/firewall/nat "fspbx-nat: forward ssh"', 'to-ports=22', false],
    ]);
  });

  it('does not take over a rule that lost its tag since the snapshot: someone else owns it now', () => {
    const snapshot = applied();
    const current = clone(snapshot);
    const at = current.nat.findIndex((r) => r.comment === 'fspbx-nat: forward sip trunks udp');
    current.nat[at] = { ...current.nat[at]!, comment: 'carrier forward (edited)', 'to-ports': '5099' };
    const restore = planRouterRestore(snapshot, current, SCOPE);
    expect(restore.changes.filter((c) => c.action === 'set')).toEqual([]);
    expect(restore.flags?.every((f) => !f.restored)).toBe(true);
  });

  it('re-adds one of two identical rules someone else had when only one is left, and reports the other', () => {
    const snapshot = defconfRouter();
    const twin = { ...FOREIGN_RULE, '.id': '*71' };
    snapshot.filter.push(FOREIGN_RULE, twin);
    const current = clone(snapshot);
    // Both were removed and one was added again: it has a new id, the same content.
    current.filter = current.filter.filter((r) => r['.id'] !== '*70' && r['.id'] !== '*71');
    current.filter.push({ ...FOREIGN_RULE, '.id': '*90' });
    const restore = planRouterRestore(snapshot, current, SCOPE);
    expect(restore.changes).toEqual([]);
    expect(restore.flags?.map((f) => [f.subject, f.change, f.restored])).toEqual([
      ['/ip/firewall/filter "block a scanner"', 'an item the router does not have now', false],
    ]);
  });

  it('pairs a rule by its id first: a modified wizard rule is set back, a copy of its old content is removed', () => {
    const snapshot = applied();
    const current = clone(snapshot);
    const at = current.nat.findIndex((r) => r.comment === 'fspbx-nat: forward sip trunks udp');
    const original = snapshot.nat[at]!;
    current.nat[at] = { ...original, 'to-ports': '5099' };
    current.nat.push({ ...original, '.id': '*F1' });
    const restore = planRouterRestore(snapshot, current, SCOPE);
    expect(restore.changes.map((c) => [c.action, c.itemId, c.after])).toEqual([
      ['remove', '*F1', null],
      ['set', original['.id'], { 'to-ports': original['to-ports'] }],
    ]);
    expect(restore.changes[1]!.match).toEqual({ comment: 'fspbx-nat: forward sip trunks udp' });
  });
});

describe('what a restore sends and says', () => {
  it('re-adds address-list entries before the rules that use them, and places only ordered menus', () => {
    const snapshot = applied();
    const current = clone(snapshot);
    const sip = snapshot.nat.find((r) => r.comment === 'fspbx-nat: forward sip trunks udp')!;
    const entry = snapshot.addressLists.find((e) => e.comment?.startsWith('fspbx-nat: trunk'))!;
    current.nat = current.nat.filter((r) => r !== sip && r['.id'] !== sip['.id']);
    current.addressLists = current.addressLists.filter((e) => e['.id'] !== entry['.id']);
    const readds = planRouterRestore(snapshot, current, SCOPE).changes.filter((c) => c.action === 'add');
    expect(readds.map((c) => [c.path, c.after?.comment])).toEqual([
      ['/ip/firewall/address-list', entry.comment],
      ['/ip/firewall/nat', sip.comment],
    ]);
    expect('placeBefore' in readds[0]!).toBe(false);
    expect(readds[0]!.reason).toBe(`Re-creates "${entry.comment}", removed since the snapshot, in its original place.`);
  });

  it('removes what the wizard added since, finding it by its tag too, and says why', () => {
    const snapshot = defconfRouter();
    const current = applied();
    const restore = planRouterRestore(snapshot, current, SCOPE);
    const removes = restore.changes.filter((c) => c.action === 'remove');
    expect(removes.length).toBeGreaterThan(0);
    for (const change of removes) {
      expect(change.match?.comment).toBe(change.before?.comment);
      expect(change.reason).toBe('The wizard added this; the snapshot does not have it.');
    }
  });

  it('sends every change to the router', () => {
    const snapshot = applied();
    const current = clone(snapshot);
    const at = current.nat.findIndex((r) => r.comment === 'fspbx-nat: forward sip trunks udp');
    current.nat[at] = { ...current.nat[at]!, 'to-ports': '5099' };
    current.addressLists = current.addressLists.slice(1);
    current.nat.push({ '.id': '*F2', chain: 'dstnat', action: 'dst-nat', comment: 'fspbx-nat: forward stray' });
    const restore = planRouterRestore(snapshot, current, SCOPE);
    expect(restore.changes.map((c) => c.action).sort()).toEqual(['add', 'remove', 'set']);
    expect(restore.changes.every((c) => c.target === 'router')).toBe(true);
  });

  it('ignores built-in entries, which the router makes and nobody can add or remove', () => {
    const snapshot = defconfRouter();
    const current = clone(snapshot);
    current.nat.push({ '.id': '*B1', chain: 'srcnat', action: 'passthrough', builtin: 'true', comment: 'counters' });
    snapshot.filter.push({ '.id': '*B2', chain: 'input', action: 'passthrough', builtin: 'true', comment: 'gone' });
    const restore = planRouterRestore(snapshot, current, SCOPE);
    expect([restore.changes, restore.warnings, restore.flags]).toEqual([[], [], undefined]);
  });

  it('names the item in a warning by its comment, else its name, else its id', () => {
    const snapshot = defconfRouter();
    const current = clone(snapshot);
    current.nat.push({ '.id': '*97', chain: 'dstnat', action: 'dst-nat', comment: 'added by the ISP' });
    current.scripts.push({ '.id': '*98', name: 'backup', source: ':log info hi' });
    current.filter.push({ '.id': '*99', chain: 'forward', action: 'accept' });
    const restore = planRouterRestore(snapshot, current, SCOPE);
    expect(restore.warnings).toEqual([
      {
        code: 'foreign-item-kept',
        target: 'router',
        message:
          '/ip/firewall/nat "added by the ISP" was added after the snapshot by someone else; it is left in place.',
      },
      {
        code: 'foreign-item-kept',
        target: 'router',
        message: '/ip/firewall/filter *99 was added after the snapshot by someone else; it is left in place.',
      },
      {
        code: 'foreign-item-kept',
        target: 'router',
        message: '/system/script "backup" was added after the snapshot by someone else; it is left in place.',
      },
    ]);
  });

  it('names the router it reads and the snapshot it goes back to, and leaves nothing unrestored', () => {
    const snapshot = { ...defconfRouter(), identity: 'office-old' };
    const current = { ...applied(), identity: 'office' };
    const restore = planRouterRestore(snapshot, current, SCOPE);
    expect(restore.facts).toEqual({ 'router.identity': 'office', 'restore.from': 'office-old' });
    expect(restore.flags?.filter((f) => !f.restored)).toEqual([]);
  });

  it('restores the wizard’s modified rule with no flag left over', () => {
    const snapshot = applied();
    const current = clone(snapshot);
    const at = current.nat.findIndex((r) => r.comment === 'fspbx-nat: forward sip trunks udp');
    current.nat[at] = { ...current.nat[at]!, 'to-ports': '5099' };
    const restore = planRouterRestore(snapshot, current, SCOPE);
    expect(restore.changes).toHaveLength(1);
    expect(restore.flags).toBeUndefined();
  });
});

describe('the inverse of a plan (the revert job) undoes exactly what the plan does', () => {
  it('re-adds a rule someone else owns when the plan removes it, in its place', () => {
    const before = defconfRouter();
    before.filter.push(FOREIGN_RULE);
    const rollback = rollbackOf(before, {
      changes: [
        {
          id: 'router-1',
          target: 'router',
          path: '/ip/firewall/filter',
          action: 'remove',
          itemId: '*70',
          before: { ...FOREIGN_RULE },
          after: null,
          reason: 'test',
        },
      ],
      warnings: [],
      facts: {},
    });
    if (!rollback.ok) throw new Error(rollback.error.message);
    expect(rollback.value.changes.map((c) => [c.action, c.path, c.after?.comment])).toEqual([
      ['add', '/ip/firewall/filter', 'block a scanner'],
    ]);
    expect(rollback.value.flags).toBeUndefined();
  });
});
