/**
 * The router restore planner: from a snapshot and the state read now, the
 * Changes that bring the router back. What the wizard added goes, what was
 * modified gets its snapshot values back, what was removed is re-added in its
 * original place. Items are paired by `.id`, then by content, so a second run
 * after a restore (re-added items have new ids) plans nothing. Pure.
 */
import type { Warning } from '../../contract/types';
import { isOwned, numberChanges, ownedMatch } from './change';
import type { RouterPlan } from './plan';
import type { PlannedChange } from './reconcile';
import { FIXED_MENUS, READD_ORDER, RESTORED_MENUS } from './menus';
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

export interface RestoreOptions {
  /** Also remove items someone else added after the snapshot (default: leave them and warn). */
  exact?: boolean;
}

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

export function planRouterRestore(
  snapshot: RouterState,
  current: RouterState,
  options: RestoreOptions = {},
): RouterPlan {
  const removes: PlannedChange[] = [];
  const sets: PlannedChange[] = [];
  const readds: PlannedChange[] = [];
  const warnings: Warning[] = [];

  for (const menu of RESTORED_MENUS) {
    const path = menuPath(menu);
    const snap = staticItems(menu, snapshot[menu]);
    const now = staticItems(menu, current[menu]);
    const pairs = pairItems(snap, now);
    const paired = new Set(pairs.values());

    for (const item of now) {
      if (paired.has(item)) continue;
      if (FIXED_MENUS.has(menu)) continue;
      if (!isOwned(item) && !options.exact) {
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
        ...(isOwned(item) ? { match: ownedMatch(path, item) } : {}),
        before: { ...item },
        after: null,
        reason: isOwned(item)
          ? 'The wizard added this; the snapshot does not have it.'
          : 'Added after the snapshot; an exact restore removes it.',
      });
    }

    snap.forEach((item, index) => {
      const twin = pairs.get(item);
      if (twin) {
        const diff = restoreFields(item, twin);
        if (diff) {
          sets.push({
            target: 'router',
            path,
            action: 'set',
            itemId: twin['.id'],
            ...(isOwned(twin) ? { match: ownedMatch(path, twin) } : {}),
            before: diff.before,
            after: diff.after,
            reason: `Puts ${label(item)} back as it was in the snapshot.`,
          });
        }
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
  };
}

function rank(order: readonly string[], path: string): number {
  const i = order.indexOf(path);
  return i < 0 ? order.length : i;
}
