/**
 * One apply, confirm or rollback per run and per site at a time, also across processes: the CLI
 * and the app (or two CLIs) share the SQLite file. A lock is a row taken inside an IMMEDIATE
 * transaction (SQLite's write lock: the check and the insert are one step for every process), with
 * its owner's pid and a token; a row whose owner process is gone, or past its expiry, is taken over.
 */
import { randomUUID } from 'node:crypto';
import { fail } from '../../contract/errors';
import type { Db } from './db';

/** Long enough for the slowest apply (a PBX command's own limit is 3 min per step); a dead owner frees it sooner. */
export const LOCK_TTL_MS = 30 * 60_000;

export interface HeldLock {
  token: string;
  keys: string[];
}

interface LockRow {
  lock_key: string;
  token: string;
  pid: number;
  purpose: string;
  expires_at: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (caught) {
    // EPERM: it exists but belongs to another user.
    return (caught as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const runLockKey = (runId: string) => `run:${runId}`;
export const siteLockKey = (siteId: string) => `site:${siteId}`;

/**
 * Takes every key or none. Refused with the sentence the technician reads when a live holder has
 * one of them (in this process or another).
 */
export function takeLocks(db: Db, keys: readonly string[], purpose: string, now: Date): HeldLock {
  const token = randomUUID();
  // IMMEDIATE: the write lock is taken before the read, so two processes cannot both see a key free
  // (https://www.sqlite.org/lang_transaction.html). Plain SQL: the same on either SQLite binding.
  db.exec('BEGIN IMMEDIATE');
  try {
    const held = db.prepare<[string], LockRow>('SELECT * FROM locks WHERE lock_key = ?');
    for (const key of keys) {
      const row = held.get(key);
      if (row && row.expires_at > now.toISOString() && processAlive(row.pid)) {
        const what = key.startsWith('run:') ? 'run' : 'site';
        fail(
          'invalid_input',
          `Another apply, confirm or rollback of this ${what} is under way (${row.purpose}, process ${row.pid}): wait for it to finish, then look at History.`,
          `lock ${key} held by ${row.token}`,
        );
      }
    }
    const put = db.prepare(
      `INSERT INTO locks (lock_key, token, pid, purpose, taken_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (lock_key) DO UPDATE SET token = excluded.token, pid = excluded.pid, purpose = excluded.purpose,
         taken_at = excluded.taken_at, expires_at = excluded.expires_at`,
    );
    const expires = new Date(now.getTime() + LOCK_TTL_MS).toISOString();
    for (const key of keys) put.run(key, token, process.pid, purpose, now.toISOString(), expires);
    db.exec('COMMIT');
  } catch (caught) {
    try {
      db.exec('ROLLBACK');
    } catch {
      // A COMMIT that failed (a full disk) was already rolled back by SQLite: the first error is the one to tell.
    }
    throw caught;
  }
  return { token, keys: [...keys] };
}

/** Gives back only what this holder took: a lock taken over after expiry stays its new owner's. */
export function releaseLocks(db: Db, lock: HeldLock): void {
  const drop = db.prepare('DELETE FROM locks WHERE lock_key = ? AND token = ?');
  for (const key of lock.keys) drop.run(key, lock.token);
}

/** Runs `work` holding the keys; they are released however it ends. */
export async function withLocks<T>(
  db: Db,
  keys: readonly string[],
  purpose: string,
  now: Date,
  work: () => Promise<T>,
): Promise<T> {
  const lock = takeLocks(db, keys, purpose, now);
  try {
    return await work();
  } finally {
    releaseLocks(db, lock);
  }
}
