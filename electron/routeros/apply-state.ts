/**
 * Applies router Changes to a state value the way RouterOS would, without a
 * router: for previews, for proving that a second plan is empty, and for
 * checking that a restore plan brings the snapshot back. Pure.
 */
import type { RouterChange } from './change';
import { menuKeyOf, type MenuKey, type RosItem, type RouterState } from './state';

function maxId(state: RouterState): number {
  let max = 0;
  for (const value of Object.values(state)) {
    if (!Array.isArray(value)) continue;
    for (const item of value as RosItem[]) {
      const n = parseInt(item['.id'].replace(/^\*/, ''), 16);
      if (Number.isFinite(n) && n > max) max = n;
    }
  }
  return max;
}

export type ApplyOutcome = { ok: true; state: RouterState } | { ok: false; changeId: string; message: string };

export function applyToState(state: RouterState, changes: readonly RouterChange[]): ApplyOutcome {
  const next: RouterState = structuredClone(state);
  let nextId = maxId(state) + 1;
  for (const change of changes) {
    const key = menuKeyOf(change.path) as MenuKey | undefined;
    const items = key === undefined ? undefined : (next[key] as RosItem[] | undefined);
    if (!items || !Array.isArray(items))
      return { ok: false, changeId: change.id, message: `unknown menu ${change.path}` };
    if (change.action === 'add') {
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(change.after ?? {})) if (v !== null) fields[k] = v;
      const item: RosItem = { '.id': `*${(nextId++).toString(16).toUpperCase()}`, disabled: 'false', ...fields };
      const at = change.placeBefore === undefined ? -1 : items.findIndex((i) => i['.id'] === change.placeBefore);
      if (change.placeBefore !== undefined && at < 0) {
        return { ok: false, changeId: change.id, message: 'no such item (place-before)' };
      }
      if (at < 0) items.push(item);
      else items.splice(at, 0, item);
      continue;
    }
    const index = items.findIndex((i) =>
      change.itemId !== undefined && !change.match
        ? i['.id'] === change.itemId
        : Object.entries(change.match ?? {}).every(([k, v]) => i[k] === v),
    );
    if (index < 0) return { ok: false, changeId: change.id, message: 'no such item' };
    if (change.action === 'remove') {
      items.splice(index, 1);
      continue;
    }
    const updated: Record<string, string> = { ...items[index]! };
    for (const [k, v] of Object.entries(change.after ?? {})) {
      if (v === null) delete updated[k];
      else updated[k] = v;
    }
    items[index] = updated as RosItem;
  }
  return { ok: true, state: next };
}
