/**
 * The router engine's I/O entry points, over one open connection: apply a
 * plan behind an automatic revert (a rollback's restore plan goes the same
 * way, without one), confirm it, and settle the record after a lost link.
 * Planning stays pure (plan.ts, restore.ts).
 */
import type { AppError } from '../../contract/errors';
import { applyChanges, settleUnknown, type ApplyProgress, type ApplyRecord } from './apply';
import type { RouterChange } from './change';
import { confirmRevert, installRevert, type Confirmation } from './confirm';
import type { RouterConnection } from './connection';
import { conntrackTargets } from './conntrack';
import { clearConntrack, type ConntrackCleared } from './conntrack-clear';
import type { RouterPlan } from './plan';
import { readRouterState } from './reader';
import { REVERT_NAME, rollbackOf, type RouterClock } from './revert';
import type { RouterState } from './state';

export { DEFAULT_REVERT_MINUTES } from '../../contract/schemas';
import { DEFAULT_REVERT_MINUTES } from '../../contract/schemas';

export interface RouterApplyOptions {
  /** Minutes before the router undoes the apply by itself; false = no automatic revert. */
  revertMinutes?: number | false;
  onProgress?: (progress: ApplyProgress) => void;
  commandTimeoutMs?: number;
}

export type RouterApplyResult =
  | {
      ok: true;
      record: ApplyRecord;
      /** The rollback the revert script holds (also what restore would do). */
      rollback: RouterChange[];
      /** When the router reverts by itself unless confirmed (router clock). */
      revertAt?: RouterClock;
      /** The connection-tracking entries removed once every change was applied. */
      conntrack?: ConntrackCleared;
    }
  | { ok: false; error: AppError; record?: ApplyRecord };

/**
 * Applies `plan`, made from `before` (the snapshot just read). With a revert
 * delay, the revert job is on the router before the first change; if it
 * cannot be installed nothing is changed.
 */
export async function applyRouterPlan(
  conn: RouterConnection,
  before: RouterState,
  plan: RouterPlan,
  options: RouterApplyOptions = {},
): Promise<RouterApplyResult> {
  const rollback = rollbackOf(before, plan);
  if (!rollback.ok) return { ok: false, error: rollback.error };
  const minutes = options.revertMinutes ?? DEFAULT_REVERT_MINUTES;
  let revertAt: RouterClock | undefined;
  if (minutes !== false && plan.changes.length > 0) {
    const installed = await installRevert(conn, rollback.value.changes, minutes, {
      pending: before.schedulers.some((s) => s.name === REVERT_NAME),
      scripts: before.scripts.map((s) => s.name ?? ''),
    });
    if (!installed.ok) return { ok: false, error: installed.error };
    revertAt = installed.value.revertAt;
  }
  const record = await applyChanges(conn, plan.changes, {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.commandTimeoutMs }),
  });
  // The connections these forwards decide start afresh (conntrack.ts); a failure here leaves the change applied.
  const conntrack = record.complete
    ? await clearConntrack(conn, conntrackTargets(before, plan.changes)).catch((caught: unknown): ConntrackCleared => ({
        cleared: false,
        removed: 0,
        summary: `connection tracking not cleared: ${caught instanceof Error ? caught.message : String(caught)}`,
      }))
    : undefined;
  return {
    ok: true,
    record,
    rollback: rollback.value.changes,
    ...(revertAt ? { revertAt } : {}),
    ...(conntrack ? { conntrack } : {}),
  };
}

/** "Confirm": the router keeps the change; the revert job is removed. `confirmed` false = it had already reverted. */
export async function confirmRouterApply(conn: RouterConnection): Promise<Confirmation> {
  return confirmRevert(conn);
}

/**
 * After a lost link, on a new connection: reads the router and turns every
 * "unknown" in the record into applied or not-applied.
 */
export async function settleRouterRecord(
  conn: RouterConnection,
  before: RouterState,
  changes: readonly RouterChange[],
  record: ApplyRecord,
): Promise<{ record: ApplyRecord; state: RouterState }> {
  const state = await readRouterState(conn);
  return { record: settleUnknown(record, changes, before, state), state };
}
