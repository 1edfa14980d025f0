/**
 * Commit-confirmed on a live router: read the router's clock, install the
 * revert script and its scheduler before anything else, and remove both when
 * the technician confirms. The timing itself is pure (revert.ts).
 */
import { MENUS } from './menus';
import { Failure, type Result } from '../../contract/errors';
import { applyChanges, type ApplyRecord } from './apply';
import type { RouterChange } from './change';
import type { RouterConnection } from './connection';
import { addMinutes, REVERT_NAME, revertConfirm, revertInstall, revertUninstall, type RouterClock } from './revert';

/**
 * The router's own date and time (/system/clock): the scheduler runs on it,
 * and it may be far from the laptop's.
 */
export interface ClockReading {
  clock: RouterClock;
  /** `performance.now()` on this machine when the router answered: later reads add the time since. */
  readAt: number;
}

export async function readRouterClock(conn: RouterConnection): Promise<ClockReading> {
  const clock = await routerClockNow(conn);
  return { clock, readAt: performance.now() };
}

/** The router's clock as it is now: an earlier reading moved on by the time elapsed here since. */
export function clockAt(reading: ClockReading, now = performance.now()): RouterClock {
  const moved = addMinutes(reading.clock, Math.max(0, now - reading.readAt) / 60_000);
  return moved.ok ? moved.value : reading.clock;
}

async function routerClockNow(conn: RouterConnection): Promise<RouterClock> {
  const row = (await conn.command('/system/clock/print'))[0];
  if (row?.date && row.time) {
    return {
      date: row.date,
      time: row.time,
      ...(row['time-zone-name'] ? { zone: row['time-zone-name'] } : {}),
      ...(row['gmt-offset'] ? { gmtOffset: row['gmt-offset'] } : {}),
    };
  }
  throw new Failure({
    code: 'io_failed',
    message: 'The router did not tell its clock, so the automatic revert cannot be timed.',
    detail: `/system/clock/print: ${JSON.stringify(row ?? null)}`,
  });
}

export interface PendingRevert {
  /** When the router will run the revert (its scheduler's next run, router clock), if it says. */
  nextRun?: string;
}

/** A revert job already on the router means an earlier apply is still waiting for its confirmation. */
export async function pendingRevert(conn: RouterConnection): Promise<PendingRevert | undefined> {
  const rows = await conn.command(`${MENUS.schedulers}/print`, [`?name=${REVERT_NAME}`]);
  const row = rows.find((r) => r['.id']);
  if (!row) return undefined;
  return row['next-run'] ? { nextRun: row['next-run'] } : {};
}

export interface InstalledRevert {
  revertAt: RouterClock;
  record: ApplyRecord;
}

/**
 * Installs the job that runs `rollback` after `minutes` unless confirmed.
 * Script, then scheduler; if either is refused, whatever landed
 * is removed again and the apply must not go on.
 */
export interface InstallOptions {
  /** A recent reading of the router's clock (saves a round trip); read now when absent. */
  clock?: ClockReading;
  /** Whether a revert job is already there, from a state just read; asked of the router when absent. */
  pending?: boolean;
}

export async function installRevert(
  conn: RouterConnection,
  rollback: readonly RouterChange[],
  minutes: number,
  options: InstallOptions = {},
): Promise<Result<InstalledRevert>> {
  if (options.pending ?? (await pendingRevert(conn)) !== undefined) {
    return {
      ok: false,
      error: {
        code: 'invalid_input',
        message:
          'An earlier change on this router is still waiting for confirmation: confirm it or let it revert before applying again.',
      },
    };
  }
  const clock = clockAt(options.clock ?? (await readRouterClock(conn)));
  const install = revertInstall(rollback, clock, minutes);
  if (!install.ok) return install;
  const record = await applyChanges(conn, install.value.changes);
  if (!record.complete) {
    await applyChanges(conn, revertUninstall(record.outcomes)).catch(() => undefined);
    return {
      ok: false,
      error: {
        code: record.failed?.error.code ?? 'io_failed',
        message: `The automatic revert could not be installed, so nothing was changed: ${record.failed?.error.message ?? 'no answer'}`,
        ...(record.failed?.error.detail ? { detail: record.failed.error.detail } : {}),
      },
    };
  }
  return { ok: true, value: { revertAt: install.value.revertAt, record } };
}

export interface Confirmation {
  /** False when no revert was waiting: it already ran (too late to confirm) or there never was one. */
  confirmed: boolean;
  record: ApplyRecord;
}

/** "Confirm": the timer first, then the script. Safe to call when nothing is pending. */
export async function confirmRevert(conn: RouterConnection): Promise<Confirmation> {
  const changes = revertConfirm();
  const present = await Promise.all(
    changes.map((c) => conn.command(`${c.path}/print`, ['=.proplist=.id', `?name=${REVERT_NAME}`])),
  );
  const found = changes.flatMap((change, i) => {
    const id = present[i]?.find((r) => r['.id'])?.['.id'];
    return id === undefined ? [] : [{ ...change, itemId: id }];
  });
  const record = await applyChanges(conn, found);
  const timerRemoved = found.some((c) => c.path === MENUS.schedulers) && record.complete;
  return { confirmed: timerRemoved, record };
}
