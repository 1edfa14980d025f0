/**
 * What the router's answers mean for commit-confirmed; confirm.ts only asks the questions and
 * sends the changes. Whether its clock can time the revert, whether a revert job is already
 * waiting, what the technician reads when the job cannot be installed, which items a confirm
 * removes and whether that called the revert off. Pure.
 */
import { err, ok, type AppError, type Result } from '../../contract/errors';
import type { RouterChange } from './change';
import { MENUS } from './menus';
import { addMinutes, type RouterClock } from './revert';

/** One row of an answer as the router sends it: fields by name, none of them promised. */
export type AnswerRow = Readonly<Record<string, string | undefined>>;

/**
 * The router's own date and time (/system/clock): the scheduler runs on it,
 * and it may be far from the laptop's.
 */
export interface ClockReading {
  clock: RouterClock;
  /** `performance.now()` on this machine when the router answered: later reads add the time since. */
  readAt: number;
}

/**
 * The first row of `/system/clock/print` as a clock: `date` and `time` are required, the zone and
 * offset kept when the router prints them (RouterOS prints `time-zone-name` and `gmt-offset`:
 * https://manual.mikrotik.com/docs/cli-reference/system/clock.md).
 */
export function clockOfRow(row: AnswerRow | undefined): Result<RouterClock> {
  if (row?.date && row.time) {
    return ok({
      date: row.date,
      time: row.time,
      ...(row['time-zone-name'] ? { zone: row['time-zone-name'] } : {}),
      ...(row['gmt-offset'] ? { gmtOffset: row['gmt-offset'] } : {}),
    });
  }
  return err({
    code: 'io_failed',
    message: 'The router did not tell its clock, so the automatic revert cannot be timed.',
    detail: `/system/clock/print: ${JSON.stringify(row ?? null)}`,
  });
}

/**
 * The router's clock at `now` (`performance.now()` on this machine): an earlier reading moved on
 * by the time elapsed here since, never back (a `now` before the reading moves it by nothing).
 */
export function clockAt(reading: ClockReading, now: number): RouterClock {
  const moved = addMinutes(reading.clock, Math.max(0, now - reading.readAt) / 60_000);
  return moved.ok ? moved.value : reading.clock;
}

export interface PendingRevert {
  /** When the router will run the revert (its scheduler's next run, router clock), if it says. */
  nextRun?: string;
}

/** The scheduler rows found under the revert job's name: a row with an id is a job still waiting. */
export function pendingOf(rows: readonly AnswerRow[]): PendingRevert | undefined {
  const row = rows.find((r) => r['.id']);
  if (!row) return undefined;
  return row['next-run'] ? { nextRun: row['next-run'] } : {};
}

export const STILL_PENDING: AppError = {
  code: 'invalid_input',
  message:
    'An earlier change on this router is still waiting for confirmation: confirm it or let it revert before applying again.',
};

/** What the router said when the revert job's script or scheduler was refused (or never answered). */
export interface InstallFailure {
  failed?: { error: AppError };
}

/** The technician's sentence when the revert job could not be installed: nothing else was sent. */
export function installFailed(record: InstallFailure): AppError {
  return {
    code: record.failed?.error.code ?? 'io_failed',
    message: `The automatic revert could not be installed, so nothing was changed: ${record.failed?.error.message ?? 'no answer'}`,
    ...(record.failed?.error.detail ? { detail: record.failed.error.detail } : {}),
  };
}

/**
 * The confirm's removals aimed at the items the router listed under the revert job's name
 * (`present[i]` answers `changes[i]`); an item the router no longer has is not asked for.
 */
export function confirmTargets(
  changes: readonly RouterChange[],
  present: readonly (readonly AnswerRow[] | undefined)[],
): RouterChange[] {
  return changes.flatMap((change, i) => {
    const id = present[i]?.find((r) => r['.id'])?.['.id'];
    return id === undefined ? [] : [{ ...change, itemId: id }];
  });
}

/** The confirm found the revert's timer on the router (it is among the removals aimed at what is there). */
export function timerWaiting(found: readonly RouterChange[]): boolean {
  return found.some((c) => c.path === MENUS.schedulers);
}

/**
 * Confirmed when the router took the scheduler's removal: the timer is what undoes the change.
 * No scheduler under the name means the revert already ran (or never was); a removal refused or
 * unanswered leaves the timer set. A script left behind after the timer went runs no more.
 */
export function timerCalledOff(
  sent: readonly RouterChange[],
  outcomes: readonly { id: string; status: string }[],
): boolean {
  const timer = sent.find((c) => c.path === MENUS.schedulers);
  return timer !== undefined && outcomes.some((o) => o.id === timer.id && o.status === 'applied');
}
