/**
 * The router as a site run reaches it (sides.ts RouterSide): a RouterOS API connection opened with
 * the remembered certificate (pins.ts), and the read-back that settles what was in flight when
 * the link dropped mid-apply, from a fresh read on a new connection opened the same way, never
 * journalled as a guess.
 */
import { Failure } from '../../../contract/errors';
import type { RouterTarget } from '../../../contract/schemas';
import type { ApplyRecord } from '../../routeros/apply';
import { connectRouter, type ConnectOptions, type RouterConnection } from '../../routeros/connection';
import { staleConntrack } from '../../routeros/conntrack-clear';
import { applyRouterPlan, confirmRouterApply, settleRouterRecord } from '../../routeros/engine';
import type { RouterPlan } from '../../routeros/plan';
import { readRouterState } from '../../routeros/reader';
import type { RouterState } from '../../routeros/state';
import type { ApplyHooks, RouterSide } from '../sides';
import { pinnedRouter, type Pins } from './pins';

/** The journal's name for clearing the forwards' connection-tracking entries after an apply or a rollback. */
export const CONNTRACK_STEP = 'router-conntrack';

/** How this runtime connects (its TLS, waits between certificate read-backs, time limits); defaults for the app. */
export type RouterBoxOptions = ConnectOptions;

/** A RouterOS API connection to the router, its certificate pinned as pins.ts says. */
export function openRouterBox(
  pins: Pins,
  target: RouterTarget,
  options: RouterBoxOptions = {},
): Promise<RouterConnection> {
  return connectRouter(pinnedRouter(pins, target), options);
}

async function exportText(conn: RouterConnection): Promise<string> {
  const rows = await conn.command('/export', [], 60_000).catch(() => []);
  return rows.map((r) => r.ret ?? '').join('\n');
}

const SETTLED_APPLIED = 'The link dropped before the answer; read back on a new connection: applied.';
const SETTLED_NOT_APPLIED = 'The link dropped before the answer; read back on a new connection: not applied.';
const UNSETTLED = 'The link dropped before the answer and the router could not be read again: unknown.';

/**
 * Turns every "unknown" of a router apply into applied / not applied from a
 * fresh read on a new connection. Reports each to the hooks, once.
 */
async function settleRouter(
  reopen: () => Promise<RouterConnection>,
  before: RouterState,
  plan: RouterPlan,
  record: ApplyRecord,
  hooks: ApplyHooks,
): Promise<ApplyRecord> {
  const unknown = record.outcomes.filter((o) => o.status === 'unknown').map((o) => o.id);
  if (unknown.length === 0) return record;
  let settled: ApplyRecord | undefined;
  try {
    const again = await reopen();
    try {
      settled = (await settleRouterRecord(again, before, plan.changes, record)).record;
    } finally {
      await again.close();
    }
  } catch {
    settled = undefined;
  }
  for (const id of unknown) {
    const status = settled?.outcomes.find((o) => o.id === id)?.status;
    if (status === 'applied') hooks.after(id, true, SETTLED_APPLIED);
    else hooks.after(id, false, status === 'not-applied' ? SETTLED_NOT_APPLIED : UNSETTLED);
  }
  return settled ?? record;
}

export async function openRouterSide(
  pins: Pins,
  target: RouterTarget,
  options: RouterBoxOptions = {},
): Promise<RouterSide> {
  const pinned = pinnedRouter(pins, target);
  const reopen = () => connectRouter(pinned, options);
  const conn = await reopen();
  return {
    read: () => readRouterState(conn),
    exportText: () => exportText(conn),
    async apply(before, plan, revertMinutes, hooks: ApplyHooks) {
      hooks.before(plan.changes.map((c) => c.id));
      const started = Date.now();
      const result = await applyRouterPlan(conn, before, plan, {
        revertMinutes,
        onProgress: (p) => {
          if (p.status === 'applied') hooks.after(p.changeId, true);
          else if (p.status === 'failed') hooks.after(p.changeId, false, p.status);
          // 'unknown' waits for the read-back below.
        },
      });
      if (!result.ok) throw new Failure(result.error);
      if (result.conntrack) {
        // Journalled like a step: what the router's connection table lost after the changes. Never a
        // failed step: the changes are applied either way (verify names entries left behind), and a
        // later failure must keep its own change as the one that failed.
        hooks.before([CONNTRACK_STEP]);
        hooks.after(CONNTRACK_STEP, true, result.conntrack.summary);
      }
      const record = await settleRouter(reopen, before, plan, result.record, hooks);
      if (!record.outcomes.every((o) => o.status === 'applied')) {
        throw new Failure(
          record.failed?.error ?? {
            code: 'transport_closed',
            message:
              'The router stopped answering part-way; what it applied is in the journal. Roll back or apply again.',
          },
        );
      }
      // The router counts in its own clock; the laptop shows the same moment in its own.
      return typeof revertMinutes === 'number' && result.revertAt
        ? { revertAt: new Date(started + revertMinutes * 60_000).toISOString() }
        : {};
    },
    confirm: async () => {
      const confirmation = await confirmRouterApply(conn);
      return confirmation.confirmed ? 'kept' : confirmation.timerLeft ? 'still-set' : 'undone';
    },
    staleConnections: (targets, pbxAddress) => staleConntrack(conn, targets, pbxAddress),
    close: () => conn.close(),
  };
}
