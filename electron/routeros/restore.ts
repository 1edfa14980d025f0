/**
 * The router restore planner: from a snapshot and the state read now, the
 * Changes that bring back what the wizard manages (managed.ts). What the
 * wizard added goes, its entries modified get their snapshot values back, its
 * entries removed are re-added in their original place, the SIP helper gets
 * its `disabled` back. Everything else the snapshot holds that differs from
 * the router (other rules, other forwards, a script) is listed as flags and
 * never sent: a snapshot may come from a bundle, and even a local one is no
 * licence to touch what no plan would. Items are paired by `.id`, then by
 * content, so a second run after a restore (re-added items have new ids)
 * plans nothing. Pure.
 */
import type { RollbackFlag, Warning } from '../../contract/types';
import { isOwned, numberChanges, ownedMatch } from './change';
import { managedFields, notManaged, type RouterScope } from './managed';
import type { RouterPlan } from './plan';
import type { PlannedChange } from './reconcile';
import { FIXED_MENUS, READD_ORDER, RESTORED_MENUS } from './menus';
import { routerFlag } from './restore-flags';
import {
  menuPath,
  ORDERED_MENUS,
  READ_ONLY_FIELDS,
  sameValue,
  writableFields,
  type MenuKey,
  type RosItem,
  type RouterState,
} from './state';

export { RESTORED_MENUS } from './menus';

/**
 * What a restore may write: the wizard's entries for this PBX (a scope, managed.ts), or, for the
 * inverse of a plan about to be applied (the revert job, revert.ts), whatever that plan changes:
 * its "snapshot" is the router read a moment ago, never a stored one.
 */
export type RestoreScope = RouterScope | 'inverse-of-plan';

function sameContent(a: RosItem, b: RosItem): boolean {
  const fa = writableFields(a);
  const fb = writableFields(b);
  const keys = new Set([...Object.keys(fa), ...Object.keys(fb)]);
  for (const key of keys) if (!sameValue(fa[key], fb[key])) return false;
  return true;
}

function pairItems(snapshot: readonly RosItem[], current: readonly RosItem[]): Map<RosItem, RosItem> {
  const pairs = new Map<RosItem, RosItem>();
  const taken = new Set<RosItem>();
  const byId = new Map(current.map((item) => [item['.id'], item]));
  for (const item of snapshot) {
    const same = byId.get(item['.id']);
    if (same) {
      pairs.set(item, same);
      taken.add(same);
    }
  }
  for (const item of snapshot) {
    if (pairs.has(item)) continue;
    const twin = current.find(
      (c) => !taken.has(c) && !snapshot.some((s) => s['.id'] === c['.id']) && sameContent(item, c),
    );
    if (twin) {
      pairs.set(item, twin);
      taken.add(twin);
    }
  }
  return pairs;
}

function restoreFields(
  snap: RosItem,
  now: RosItem,
): { before: Record<string, string | null>; after: Record<string, string | null> } | undefined {
  const before: Record<string, string | null> = {};
  const after: Record<string, string | null> = {};
  const want = writableFields(snap);
  for (const [field, value] of Object.entries(want)) {
    if (!sameValue(now[field], value)) {
      before[field] = now[field] ?? null;
      after[field] = value;
    }
  }
  for (const [field, value] of Object.entries(now)) {
    if (READ_ONLY_FIELDS.has(field) || field in want) continue;
    before[field] = value;
    after[field] = null;
  }
  return Object.keys(after).length === 0 ? undefined : { before, after };
}

/**
 * The items a restore may touch: the router makes and drops dynamic ones by
 * itself (address-list entries with a timeout, UPnP mappings, the fasttrack
 * counter rule) and built-in ones cannot be added or removed, so both are
 * ignored, as community.routeros' api_modify does ("The module ignores
 * dynamic and builtin entries", plugins/modules/api_modify.py:22, 974-980).
 * Fixed menus (service ports) are built-in by nature and only ever set.
 */
export function staticItems(menu: MenuKey, items: readonly RosItem[]): RosItem[] {
  return items.filter((item) => item.dynamic !== 'true' && (FIXED_MENUS.has(menu) || item.builtin !== 'true'));
}

function label(item: RosItem): string {
  return item.comment ? `"${item.comment}"` : item.name ? `"${item.name}"` : item['.id'];
}

export function planRouterRestore(snapshot: RouterState, current: RouterState, scope: RestoreScope): RouterPlan {
  const removes: PlannedChange[] = [];
  const sets: PlannedChange[] = [];
  const readds: PlannedChange[] = [];
  const warnings: Warning[] = [];
  const flags: RollbackFlag[] = [];
  const writes = (menu: MenuKey, fields: Readonly<Record<string, string | undefined>>): boolean =>
    scope === 'inverse-of-plan' || notManaged(menu, fields, scope) === undefined;

  for (const menu of RESTORED_MENUS) {
    const path = menuPath(menu);
    const snap = staticItems(menu, snapshot[menu]);
    const now = staticItems(menu, current[menu]);
    const pairs = pairItems(snap, now);
    const paired = new Set(pairs.values());

    for (const item of now) {
      if (paired.has(item)) continue;
      if (FIXED_MENUS.has(menu)) continue;
      if (!isOwned(item)) {
        warnings.push({
          code: 'foreign-item-kept',
          target: 'router',
          message: `${path} ${label(item)} was added after the snapshot by someone else; it is left in place.`,
        });
        continue;
      }
      removes.push({
        target: 'router',
        path,
        action: 'remove',
        itemId: item['.id'],
        match: ownedMatch(path, item),
        before: { ...item },
        after: null,
        reason: 'The wizard added this; the snapshot does not have it.',
      });
    }

    snap.forEach((item, index) => {
      const twin = pairs.get(item);
      if (twin) {
        const diff = restoreFields(item, twin);
        if (!diff) return;
        const allowed = managedFields(menu);
        const mine =
          scope === 'inverse-of-plan' ||
          (allowed === 'all' ? isOwned(twin) && writes(menu, item) : writes(menu, twin) && writes(menu, item));
        const sent = mine
          ? pick(diff, allowed === 'all' || scope === 'inverse-of-plan' ? undefined : allowed)
          : undefined;
        const left = Object.keys(diff.after).filter((field) => !(sent && field in sent.after));
        if (left.length > 0) flags.push(routerFlag(menu, item, twin, left, false));
        if (!sent) return;
        if ('disabled' in sent.after) flags.push(routerFlag(menu, item, twin, ['disabled'], true));
        sets.push({
          target: 'router',
          path,
          action: 'set',
          itemId: twin['.id'],
          ...(isOwned(twin) ? { match: ownedMatch(path, twin) } : {}),
          before: sent.before,
          after: sent.after,
          reason: `Puts ${label(item)} back as it was in the snapshot.`,
        });
        return;
      }
      if (FIXED_MENUS.has(menu)) {
        warnings.push({
          code: 'fixed-item-missing',
          target: 'router',
          message: `${path} ${label(item)} is gone and cannot be re-created.`,
        });
        return;
      }
      if (!writes(menu, item)) {
        flags.push(routerFlag(menu, item, undefined, [], false));
        return;
      }
      let placeBefore: string | undefined;
      if (ORDERED_MENUS.has(menu)) {
        for (const later of snap.slice(index + 1)) {
          const anchor = pairs.get(later);
          if (anchor) {
            placeBefore = anchor['.id'];
            break;
          }
        }
      }
      readds.push({
        target: 'router',
        path,
        action: 'add',
        before: null,
        after: writableFields(item),
        ...(placeBefore === undefined ? {} : { placeBefore }),
        reason: `Re-creates ${label(item)}, removed since the snapshot, in its original place.`,
      });
    });
  }

  // Lists before the rules that use them, so re-added rules never point at a missing list.
  readds.sort((a, b) => rank(READD_ORDER, a.path) - rank(READD_ORDER, b.path));
  return {
    changes: numberChanges([...removes, ...sets, ...readds], 'restore'),
    warnings,
    facts: { 'router.identity': current.identity, 'restore.from': snapshot.identity },
    // What could open the router first (stable: in menu order within each kind).
    ...(flags.length > 0 ? { flags: [...flags].sort((a, b) => Number(b.serious) - Number(a.serious)) } : {}),
  };
}

type Diff = { before: Record<string, string | null>; after: Record<string, string | null> };

/** Only the fields a restore may set on this item; undefined when none is left. */
function pick(diff: Diff, fields: readonly string[] | undefined): Diff | undefined {
  if (fields === undefined) return diff;
  const out: Diff = { before: {}, after: {} };
  for (const field of fields) {
    if (!(field in diff.after)) continue;
    out.before[field] = diff.before[field] ?? null;
    out.after[field] = diff.after[field] ?? null;
  }
  return Object.keys(out.after).length === 0 ? undefined : out;
}

function rank(order: readonly string[], path: string): number {
  const i = order.indexOf(path);
  return i < 0 ? order.length : i;
}
