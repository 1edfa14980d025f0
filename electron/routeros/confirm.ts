/**
 * Commit-confirmed on a live router: read the router's clock, install the
 * revert script and its scheduler before anything else, and remove both when
 * the technician confirms. The timing itself is pure (revert.ts), and so is what the router's
 * answers mean (confirm-answers.ts): this file asks and sends.
 */
import { MENUS } from './menus';
import { Failure, type Result } from '../../contract/errors';
import { applyChanges, type ApplyRecord } from './apply';
import type { RouterChange } from './change';
import {
  clockAt as clockAtThen,
  clockOfRow,
  confirmTargets,
  installFailed,
  pendingOf,
  STILL_PENDING,
  timerCalledOff,
  timerWaiting,
  type ClockReading,
  type PendingRevert,
} from './confirm-answers';
import type { RouterConnection } from './connection';
import {
  isRevertPart,
  leftoverRevert,
  REVERT_NAME,
  revertConfirm,
  revertInstall,
  revertUninstall,
  type RouterClock,
} from './revert';
import { readBackError, type RevertScript } from './revert-chunks';

export type { ClockReading, PendingRevert } from './confirm-answers';

export async function readRouterClock(conn: RouterConnection): Promise<ClockReading> {
  const clock = await routerClockNow(conn);
  return { clock, readAt: performance.now() };
}

/** The router's clock as it is now: an earlier reading moved on by the time elapsed here since. */
export function clockAt(reading: ClockReading, now = performance.now()): RouterClock {
  return clockAtThen(reading, now);
}

async function routerClockNow(conn: RouterConnection): Promise<RouterClock> {
  const clock = clockOfRow((await conn.command('/system/clock/print'))[0]);
  if (!clock.ok) throw new Failure(clock.error);
  return clock.value;
}

/** A revert job already on the router means an earlier apply is still waiting for its confirmation. */
export async function pendingRevert(conn: RouterConnection): Promise<PendingRevert | undefined> {
  return pendingOf(await conn.command(`${MENUS.schedulers}/print`, [`?name=${REVERT_NAME}`]));
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
  /** The names of the wizard's scripts on the router, from a state just read; asked of the router when absent. */
  scripts?: readonly string[];
}

export async function installRevert(
  conn: RouterConnection,
  rollback: readonly RouterChange[],
  minutes: number,
  options: InstallOptions = {},
): Promise<Result<InstalledRevert>> {
  if (options.pending ?? (await pendingRevert(conn)) !== undefined) return { ok: false, error: STILL_PENDING };
  const clock = clockAt(options.clock ?? (await readRouterClock(conn)));
  const install = revertInstall(rollback, clock, minutes);
  if (!install.ok) return install;
  const names =
    options.scripts ?? (await conn.command(`${MENUS.scripts}/print`, ['=.proplist=name'])).map((r) => r.name ?? '');
  const left = leftoverRevert(names);
  if (left) return { ok: false, error: left };
  // The scripts first, each read back as the router kept it; the timer only once all are whole.
  const scripts = install.value.changes.filter((c) => c.path === MENUS.scripts);
  const written = await applyChanges(conn, scripts);
  const cut = written.complete
    ? readBackError(install.value.scripts, await keptSources(conn, install.value.scripts))
    : undefined;
  const timer =
    written.complete && !cut
      ? await applyChanges(
          conn,
          install.value.changes.filter((c) => c.path !== MENUS.scripts),
        )
      : undefined;
  const record = joinRecords(written, timer);
  if (cut) {
    await applyChanges(conn, revertUninstall(record.outcomes)).catch(() => undefined);
    return { ok: false, error: cut };
  }
  if (!record.complete) {
    await applyChanges(conn, revertUninstall(record.outcomes)).catch(() => undefined);
    return { ok: false, error: installFailed(record) };
  }
  return { ok: true, value: { revertAt: install.value.revertAt, record } };
}

/** Each script's `source` as the router holds it now (undefined: no such script). */
async function keptSources(
  conn: RouterConnection,
  scripts: readonly RevertScript[],
): Promise<Map<string, string | undefined>> {
  const rows = await Promise.all(
    scripts.map((s) => conn.command(`${MENUS.scripts}/print`, ['=.proplist=name,source', `?name=${s.name}`])),
  );
  return new Map(scripts.map((s, i) => [s.name, rows[i]?.find((r) => r.name === s.name)?.source]));
}

/** One record of two sends, the second absent when it was never sent. */
function joinRecords(first: ApplyRecord, second: ApplyRecord | undefined): ApplyRecord {
  if (!second) return first;
  const failed = first.failed ?? second.failed;
  return {
    outcomes: [...first.outcomes, ...second.outcomes],
    applied: [...first.applied, ...second.applied],
    ...(failed ? { failed } : {}),
    complete: first.complete && second.complete,
  };
}

export interface Confirmation {
  /**
   * True once the router took the timer's removal (a script left behind runs no more). False when no
   * revert was waiting (it already ran, too late to confirm, or there never was one), or when the
   * router refused or never answered the timer's removal.
   */
  confirmed: boolean;
  /** The timer was there and is still set: the router refused or never answered its removal. */
  timerLeft: boolean;
  record: ApplyRecord;
}

/** "Confirm": the timer first, then the script. Safe to call when nothing is pending. */
export async function confirmRevert(conn: RouterConnection): Promise<Confirmation> {
  // A revert too long for one script left parts beside it (revert.ts revertLayout): they go too.
  const scripts = await conn.command(`${MENUS.scripts}/print`, ['=.proplist=name']);
  const changes = revertConfirm(scripts.flatMap((r) => (r.name !== undefined && isRevertPart(r.name) ? [r.name] : [])));
  const present = await Promise.all(
    changes.map((c) => conn.command(`${c.path}/print`, ['=.proplist=.id', `?name=${c.match?.name ?? REVERT_NAME}`])),
  );
  const found = confirmTargets(changes, present);
  const record = await applyChanges(conn, found);
  const confirmed = timerCalledOff(found, record.outcomes);
  return { confirmed, timerLeft: !confirmed && timerWaiting(found), record };
}
