/**
 * Turns desired owned entries into Changes against what the router has.
 * Only items carrying the owner tag are ever set or removed here.
 */
import { isOwned, ownedMatch, type RouterChange } from './change';
import type { DesiredEntry, DesiredListEntry } from './desired';
import { ROUTER_MENUS } from './menus';
import { menuPath, READ_ONLY_FIELDS, sameValue, type RosItem } from './state';

export type PlannedChange = Omit<RouterChange, 'id'>;

type Owned = 'nat' | 'filter' | 'addressLists';

function fieldDiff(
  menu: Owned,
  item: RosItem,
  want: Record<string, string>,
): { before: Record<string, string | null>; after: Record<string, string | null> } | undefined {
  // Printed fields that carry their default; absent from a desired entry they need no unset.
  const defaults: Readonly<Record<string, string>> = ROUTER_MENUS[menu].defaults;
  const before: Record<string, string | null> = {};
  const after: Record<string, string | null> = {};
  for (const [field, value] of Object.entries(want)) {
    if (!sameValue(item[field], value)) {
      before[field] = item[field] ?? null;
      after[field] = value;
    }
  }
  for (const [field, value] of Object.entries(item)) {
    if (field in want || READ_ONLY_FIELDS.has(field)) continue;
    const normal = defaults[field];
    if (normal !== undefined ? sameValue(value, normal) : value === '') continue;
    if (field === 'comment') continue;
    before[field] = value;
    after[field] = field in defaults ? defaults[field]! : null;
  }
  return Object.keys(after).length === 0 ? undefined : { before, after };
}

function addChange(menu: Owned, entry: DesiredEntry, placeBefore?: string): PlannedChange {
  return {
    target: 'router',
    path: menuPath(menu),
    action: 'add',
    before: null,
    after: { ...entry.fields, comment: entry.comment },
    reason: entry.reason,
    ...(placeBefore === undefined ? {} : { placeBefore }),
  };
}

/** A duplicate shares its match with the copy that stays, so it is removed by `.id` only. */
function removeChange(menu: Owned, item: RosItem, reason: string, duplicate = false): PlannedChange {
  return {
    target: 'router',
    path: menuPath(menu),
    action: 'remove',
    itemId: item['.id'],
    ...(duplicate ? {} : { match: ownedMatch(menuPath(menu), item) }),
    before: { ...item },
    after: null,
    reason,
  };
}

function setChange(
  menu: Owned,
  item: RosItem,
  diff: { before: Record<string, string | null>; after: Record<string, string | null> },
  reason: string,
): PlannedChange {
  return {
    target: 'router',
    path: menuPath(menu),
    action: 'set',
    itemId: item['.id'],
    match: ownedMatch(menuPath(menu), item),
    before: diff.before,
    after: diff.after,
    reason,
  };
}

export interface KeyedDesired {
  entry: DesiredEntry;
  /** For filter accepts: the `.id` the entry must sit before. */
  placeBefore?: string;
}

export interface MenuDiff {
  adds: PlannedChange[];
  sets: PlannedChange[];
  removes: PlannedChange[];
}

/** nat and filter: owned items are known by their comment. */
export function reconcileByComment(
  menu: 'nat' | 'filter',
  items: readonly RosItem[],
  desired: readonly KeyedDesired[],
): MenuDiff {
  const diff: MenuDiff = { adds: [], sets: [], removes: [] };
  const owned = items.filter(isOwned);
  const used = new Set<string>();
  for (const { entry, placeBefore } of desired) {
    const matches = owned.filter((item) => item.comment === entry.comment && !used.has(item['.id']));
    const [first, ...extra] = matches;
    for (const item of extra) {
      used.add(item['.id']);
      diff.removes.push(removeChange(menu, item, 'A duplicate of a wizard entry; one copy is enough.', true));
    }
    if (!first) {
      diff.adds.push(addChange(menu, entry, placeBefore));
      continue;
    }
    used.add(first['.id']);
    const misplaced =
      placeBefore !== undefined &&
      items.findIndex((i) => i['.id'] === first['.id']) > items.findIndex((i) => i['.id'] === placeBefore);
    if (misplaced) {
      // By `.id` only: its replacement, added first, carries the same comment.
      diff.removes.push(
        removeChange(menu, first, 'This wizard entry sits after the rule that drops the traffic.', true),
      );
      diff.adds.push(addChange(menu, entry, placeBefore));
      continue;
    }
    const fields = fieldDiff(menu, first, entry.fields);
    if (fields) diff.sets.push(setChange(menu, first, fields, entry.reason));
  }
  for (const item of owned) {
    if (used.has(item['.id'])) continue;
    diff.removes.push(
      removeChange(menu, item, 'The wizard added this entry earlier; the current inputs no longer need it.'),
    );
  }
  return diff;
}

/** Address lists: owned entries are known by list and address; the comment follows the peer's name. */
export function reconcileAddressLists(items: readonly RosItem[], desired: readonly DesiredListEntry[]): MenuDiff {
  const diff: MenuDiff = { adds: [], sets: [], removes: [] };
  const used = new Set<string>();
  for (const entry of desired) {
    const same = items.filter(
      (item) => item.list === entry.list && item.address === entry.address && !used.has(item['.id']),
    );
    const mine = same.filter(isOwned);
    // Someone else's entry already puts this address in the list: RouterOS refuses a second one.
    if (mine.length === 0 && same.length > 0) {
      used.add(same[0]!['.id']);
      continue;
    }
    const [first, ...extra] = mine;
    for (const item of extra) {
      used.add(item['.id']);
      diff.removes.push(removeChange('addressLists', item, 'A duplicate of a wizard address-list entry.', true));
    }
    if (!first) {
      diff.adds.push(addChange('addressLists', entry));
      continue;
    }
    used.add(first['.id']);
    const fields = fieldDiff('addressLists', first, { ...entry.fields, comment: entry.comment });
    if (fields) diff.sets.push(setChange('addressLists', first, fields, entry.reason));
  }
  for (const item of items) {
    if (!isOwned(item) || used.has(item['.id'])) continue;
    diff.removes.push(
      removeChange(
        'addressLists',
        item,
        `No longer among the peers: ${item.address ?? '?'} leaves ${item.list ?? '?'}.`,
      ),
    );
  }
  return diff;
}
