/**
 * Runs router Changes over the API one command at a time, in plan order:
 * each is sent only after the router has answered the previous one with
 * `!done` (api.md: "The last reply for every sentence is the reply that has
 * the first word !done"). No public source promises that tagged commands
 * sent together run in the order sent, and plan order carries meaning (lists
 * before the rules that name them, `place-before` anchors), so nothing is
 * pipelined. Nothing more is sent after a refusal or a lost link. The record
 * says, per change, what is known: applied (with the new `.id` of an add),
 * refused, sent without an answer (unknown), or never sent.
 */
import { Failure, toAppError, type AppError } from '../../contract/errors';
import type { RouterChange } from './change';
import type { RouterConnection, Row } from './connection';
import { menuKeyOf, sameValue, type RosItem, type RouterState } from './state';

/**
 * applied: the router confirmed it. failed: the router refused it. unknown:
 * sent, but the link died before the answer. not-sent: never sent.
 * not-applied: an unknown that a later read showed did not take effect.
 */
export type ChangeStatus = 'applied' | 'failed' | 'unknown' | 'not-sent' | 'not-applied';

export interface ChangeOutcome {
  id: string;
  status: ChangeStatus;
  /** The item the change acted on: for an add, the `.id` the router returned in `=ret=`. */
  itemId?: string;
  error?: AppError;
}

export interface ApplyRecord {
  /** One entry per change, in plan order. */
  outcomes: ChangeOutcome[];
  /** Ids of the changes the router confirmed, in plan order. */
  applied: string[];
  /** The first change the router refused, or whose answer never came. */
  failed?: { id: string; error: AppError };
  complete: boolean;
}

export interface ApplyProgress {
  changeId: string;
  status: ChangeStatus;
  /** How many changes have a final answer so far, out of total. */
  done: number;
  total: number;
  itemId?: string;
}

export interface ApplyOptions {
  onProgress?: (progress: ApplyProgress) => void;
  /** Per-command timeout; a command without an answer by then counts as unknown. */
  commandTimeoutMs?: number;
}

/** Errors that mean "the router may or may not have done it": the answer was lost, not a refusal. */
const LINK_ERRORS: ReadonlySet<string> = new Set(['transport_closed', 'timeout', 'host_unreachable']);

export function isLinkError(error: AppError): boolean {
  return LINK_ERRORS.has(error.code);
}

function fieldWords(fields: Record<string, string | null> | null): { set: string[]; unset: string[] } {
  const set: string[] = [];
  const unset: string[] = [];
  for (const [field, value] of Object.entries(fields ?? {})) {
    if (value === null) unset.push(field);
    else set.push(`=${field}=${value}`);
  }
  return { set, unset };
}

interface ApiCall {
  path: string;
  words: string[];
}

/** The API commands of one change; `id` is the resolved `.id` for a set or remove. */
export function changeCalls(change: RouterChange, id: string | undefined): ApiCall[] {
  if (change.action === 'add') {
    const { set } = fieldWords(change.after);
    const place = change.placeBefore === undefined ? [] : [`=place-before=${change.placeBefore}`];
    return [{ path: `${change.path}/add`, words: [...set, ...place] }];
  }
  if (id === undefined) throw new Failure({ code: 'internal', message: `Change ${change.id} names no router item.` });
  if (change.action === 'remove') return [{ path: `${change.path}/remove`, words: [`=.id=${id}`] }];
  const { set, unset } = fieldWords(change.after);
  const calls: ApiCall[] = [];
  if (set.length > 0) calls.push({ path: `${change.path}/set`, words: [`=.id=${id}`, ...set] });
  for (const field of unset)
    calls.push({ path: `${change.path}/unset`, words: [`=.id=${id}`, `=value-name=${field}`] });
  return calls;
}

/**
 * The `.id` a set or remove acts on. Changes that carry only a match (the
 * confirm, scripts written before the item existed) are looked up by content.
 */
async function resolveIds(
  conn: RouterConnection,
  changes: readonly RouterChange[],
  timeoutMs: number | undefined,
): Promise<Map<string, string | undefined>> {
  const ids = new Map<string, string | undefined>();
  const lookups = changes.filter((c) => c.action !== 'add' && c.itemId === undefined && c.match);
  const found = await Promise.all(
    lookups.map((c) =>
      conn.command(
        `${c.path}/print`,
        ['=.proplist=.id', ...Object.entries(c.match!).map(([k, v]) => `?${k}=${v}`)],
        timeoutMs,
      ),
    ),
  );
  lookups.forEach((c, i) => ids.set(c.id, found[i]?.find((row) => row['.id'])?.['.id']));
  for (const c of changes) if (c.itemId !== undefined) ids.set(c.id, c.itemId);
  return ids;
}

async function runChange(
  conn: RouterConnection,
  change: RouterChange,
  id: string | undefined,
  timeoutMs: number | undefined,
): Promise<ChangeOutcome> {
  if (change.action !== 'add' && id === undefined) {
    return {
      id: change.id,
      status: 'failed',
      error: { code: 'io_failed', message: `The router has no item for ${change.id} (${change.path}).` },
    };
  }
  try {
    const replies: Row[][] = [];
    for (const call of changeCalls(change, id)) replies.push(await conn.command(call.path, call.words, timeoutMs));
    const ret = change.action === 'add' ? replies[0]?.[0]?.ret : id;
    return { id: change.id, status: 'applied', ...(ret === undefined ? {} : { itemId: ret }) };
  } catch (caught) {
    const error = toAppError(caught);
    return { id: change.id, status: isLinkError(error) ? 'unknown' : 'failed', error };
  }
}

export async function applyChanges(
  conn: RouterConnection,
  changes: readonly RouterChange[],
  options: ApplyOptions = {},
): Promise<ApplyRecord> {
  const outcomes = new Map<string, ChangeOutcome>();
  const total = changes.length;
  let done = 0;
  const report = (outcome: ChangeOutcome): void => {
    outcomes.set(outcome.id, outcome);
    done += outcome.status === 'not-sent' ? 0 : 1;
    options.onProgress?.({
      changeId: outcome.id,
      status: outcome.status,
      done,
      total,
      ...(outcome.itemId === undefined ? {} : { itemId: outcome.itemId }),
    });
  };

  let ids: Map<string, string | undefined>;
  try {
    ids = await resolveIds(conn, changes, options.commandTimeoutMs);
  } catch (caught) {
    const error = toAppError(caught);
    const first = changes[0];
    return {
      outcomes: changes.map((c) => ({ id: c.id, status: 'not-sent' as const })),
      applied: [],
      ...(first ? { failed: { id: first.id, error } } : {}),
      complete: false,
    };
  }

  for (const change of changes) {
    const outcome = await runChange(conn, change, ids.get(change.id), options.commandTimeoutMs);
    report(outcome);
    if (outcome.status !== 'applied') break;
  }

  const ordered = changes.map((c) => outcomes.get(c.id) ?? { id: c.id, status: 'not-sent' as const });
  const firstBad = ordered.find((o) => o.status === 'failed' || o.status === 'unknown');
  return {
    outcomes: ordered,
    applied: ordered.filter((o) => o.status === 'applied').map((o) => o.id),
    ...(firstBad?.error ? { failed: { id: firstBad.id, error: firstBad.error } } : {}),
    complete: ordered.every((o) => o.status === 'applied'),
  };
}

/**
 * After a lost link: decide from the state read on a new connection whether
 * each change whose answer never came took effect. An add took effect when an
 * item the snapshot did not have carries all its fields; a set when the item
 * holds the new values; a remove when the item is gone. Pure.
 */
export function settleUnknown(
  record: ApplyRecord,
  changes: readonly RouterChange[],
  before: RouterState,
  now: RouterState,
): ApplyRecord {
  const byId = new Map(changes.map((c) => [c.id, c]));
  // `.id`s are unique per menu only: claims are kept as menu + id.
  const claimed = new Set<string>(
    record.outcomes.flatMap((o) => (o.itemId && byId.has(o.id) ? [`${byId.get(o.id)!.path} ${o.itemId}`] : [])),
  );
  const itemsOf = (state: RouterState, path: string): readonly RosItem[] => {
    const key = menuKeyOf(path);
    return key === undefined ? [] : state[key];
  };
  const settle = (outcome: ChangeOutcome): ChangeOutcome => {
    const change = byId.get(outcome.id);
    if (outcome.status !== 'unknown' || !change) return outcome;
    const applied = (itemId: string): ChangeOutcome => ({ id: outcome.id, status: 'applied', itemId });
    const notApplied: ChangeOutcome = { id: outcome.id, status: 'not-applied' };
    const items = itemsOf(now, change.path);
    if (change.action === 'add') {
      const known = new Set(itemsOf(before, change.path).map((i) => i['.id']));
      const twin = items.find(
        (item) =>
          !known.has(item['.id']) &&
          !claimed.has(`${change.path} ${item['.id']}`) &&
          Object.entries(change.after ?? {}).every(([k, v]) => v === null || sameValue(item[k], v)),
      );
      if (!twin) return notApplied;
      claimed.add(`${change.path} ${twin['.id']}`);
      return applied(twin['.id']);
    }
    const id = outcome.itemId ?? change.itemId;
    const target = items.find((item) => item['.id'] === id);
    if (change.action === 'remove') return target || id === undefined ? notApplied : applied(id);
    const took =
      target !== undefined &&
      Object.entries(change.after ?? {}).every(([k, v]) =>
        v === null ? target[k] === undefined : sameValue(target[k], v),
      );
    return took ? applied(target['.id']) : notApplied;
  };
  const outcomes = record.outcomes.map(settle);
  return {
    ...record,
    outcomes,
    applied: outcomes.filter((o) => o.status === 'applied').map((o) => o.id),
  };
}
