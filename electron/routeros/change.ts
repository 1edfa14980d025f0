/**
 * Router Changes: the shared Change shape plus the two facts the router needs
 * to run one, the item's `.id` (set/remove) and, in ordered menus, the item an
 * addition goes in front of. Extra fields keep it assignable to Change.
 */
import { menuOf } from './menus';
import type { Change } from '../../contract/types';
import type { MenuPath } from './state';

export interface RouterChange extends Change {
  target: 'router';
  path: MenuPath;
  /** The `.id` of the item a set or remove acts on. */
  itemId?: string;
  /** For an add in /ip/firewall/filter or nat: the `.id` it is placed before; absent = at the end. */
  placeBefore?: string;
  /**
   * For a set or remove of a wizard-owned item: the fields that find it by
   * content (comment, list, address), so scripts written before the item
   * exists, or run after its `.id` changed, still find it.
   */
  match?: Record<string, string>;
}

/** The comment prefix that marks every item the wizard owns on the router. */
export const OWNER_TAG = 'fspbx-nat:';

/** Letters with no decomposition, spelled out as ASCII. */
const SPELLED: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  Æ: 'AE',
  ø: 'o',
  Ø: 'O',
  œ: 'oe',
  Œ: 'OE',
  đ: 'd',
  Đ: 'D',
  ł: 'l',
  Ł: 'L',
  þ: 'th',
  Þ: 'TH',
  ð: 'd',
  ı: 'i',
};

/**
 * A name as the wizard writes it on the router: printable ASCII only.
 * RouterOS stores bytes and has no encoding (librouteros issue #30), WinBox,
 * the console and the API each read them their own way, so anything else
 * would come back different (routeros-facts.md §2). Accents are dropped
 * ("Müller" → "Muller"); other letters become "?".
 */
export function asciiName(name: string): string {
  return [...name.normalize('NFKD')]
    .map((ch) => SPELLED[ch] ?? ch)
    .join('')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/g, '?');
}

export function tagComment(key: string): string {
  return `${OWNER_TAG} ${key}`;
}

export function isOwned(item: { readonly [field: string]: string | undefined }): boolean {
  return typeof item.comment === 'string' && item.comment.startsWith(OWNER_TAG);
}

/** Numbers the changes of one plan in order: ids are unique within the plan and stable for the same inputs. */
/** The fields that identify an owned item in scripts: its tag, plus list and address in address lists. */
export function ownedMatch(
  path: string,
  item: { readonly [field: string]: string | undefined },
): Record<string, string> {
  const match: Record<string, string> = {};
  for (const key of [...(menuOf(path)?.identity ?? []), 'comment']) {
    const value = item[key];
    if (value !== undefined) match[key] = value;
  }
  return match;
}

export function numberChanges<T extends Omit<RouterChange, 'id'>>(
  changes: T[],
  prefix: string,
): (T & { id: string })[] {
  return changes.map((change, index) => ({ ...change, id: `${prefix}-${String(index + 1).padStart(3, '0')}` }));
}
