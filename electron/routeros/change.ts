/**
 * Router Changes: the shared Change shape plus the two facts the router needs
 * to run one, the item's `.id` (set/remove) and, in ordered menus, the item an
 * addition goes in front of. Extra fields keep it assignable to Change.
 */
import type { Change } from '../api/types';
import type { MenuPath } from './state';

export interface RouterChange extends Change {
  target: 'router';
  path: MenuPath;
  /** The `.id` of the item a set or remove acts on. */
  itemId?: string;
  /** For an add in /ip/firewall/filter or nat: the `.id` it is placed before; absent = at the end. */
  placeBefore?: string;
}

/** The comment prefix that marks every item the wizard owns on the router. */
export const OWNER_TAG = 'fspbx-nat:';

export function tagComment(key: string): string {
  return `${OWNER_TAG} ${key}`;
}

export function isOwned(item: { readonly [field: string]: string | undefined }): boolean {
  return typeof item.comment === 'string' && item.comment.startsWith(OWNER_TAG);
}

/** Numbers the changes of one plan in order: ids are unique within the plan and stable for the same inputs. */
export function numberChanges<T extends Omit<RouterChange, 'id'>>(
  changes: T[],
  prefix: string,
): (T & { id: string })[] {
  return changes.map((change, index) => ({ ...change, id: `${prefix}-${String(index + 1).padStart(3, '0')}` }));
}
