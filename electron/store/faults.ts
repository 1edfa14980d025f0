/**
 * Faults of the disk under the history (full, read-only, damaged) as one sentence each, from
 * either SQLite driver or Node's file calls: better-sqlite3 sets `code` to SQLite's name
 * (SQLITE_FULL, SQLITE_READONLY_…), node:sqlite sets `errcode` to the number (sqlite.org/rescode.html:
 * 5 BUSY, 6 LOCKED, 8 READONLY, 10 IOERR, 11 CORRUPT, 13 FULL, 14 CANTOPEN, 26 NOTADB; extended codes keep the
 * primary in the low byte), and only the text survives in a logged stack: SQLite's fixed
 * messages (sqlite3ErrStr) are read as the last resort.
 */
import { statfsSync } from 'node:fs';
import type { AppError } from '../../contract/errors';

export type StorageFault = 'full' | 'read-only' | 'damaged' | 'unreadable' | 'locked';

const BY_NUMBER: Record<number, StorageFault> = {
  5: 'locked',
  6: 'locked',
  8: 'read-only',
  10: 'unreadable',
  11: 'damaged',
  13: 'full',
  14: 'unreadable',
  26: 'damaged',
};

const BY_TEXT: Array<[RegExp, StorageFault]> = [
  [/SQLITE_FULL|ENOSPC|EDQUOT|database or disk is full|no space left/i, 'full'],
  [/SQLITE_READONLY|EROFS|readonly database|read-only file system/i, 'read-only'],
  [/SQLITE_CORRUPT|SQLITE_NOTADB|database disk image is malformed|file is not a database/i, 'damaged'],
  // busy_timeout (db.ts) has already waited: another process still holds the write lock.
  [/SQLITE_BUSY|SQLITE_LOCKED|database is locked|database table is locked/i, 'locked'],
  [/SQLITE_CANTOPEN|SQLITE_IOERR|EACCES|EPERM|unable to open database file|disk I\/O error/i, 'unreadable'],
];

/** Which storage fault an error (or a logged stack's text) is, if any. */
export function storageFaultOf(caught: unknown): StorageFault | undefined {
  if (typeof caught === 'string') return BY_TEXT.find(([re]) => re.test(caught.split('\n')[0] ?? ''))?.[1];
  if (typeof caught !== 'object' || caught === null) return undefined;
  const e: { code?: unknown; errcode?: unknown; message?: unknown } = caught;
  if (typeof e.errcode === 'number') {
    const fault = BY_NUMBER[e.errcode & 0xff];
    if (fault) return fault;
  }
  const text = `${typeof e.code === 'string' ? e.code : ''} ${typeof e.message === 'string' ? e.message : ''}`;
  return BY_TEXT.find(([re]) => re.test(text))?.[1];
}

/** Less than this free in the data folder's file system: a write that failed there failed for room. */
const NEARLY_FULL_BYTES = 256 * 1024;

function nearlyFull(dataDir: string): boolean {
  try {
    const fs = statfsSync(dataDir);
    return fs.bavail * fs.bsize < NEARLY_FULL_BYTES;
  } catch {
    return false;
  }
}

/**
 * storageFaultOf, with the data folder looked at: SQLite reports a full disk as a plain disk I/O
 * error when it cannot grow its shared-memory (-shm) or WAL file at open (SQLITE_IOERR, no errno
 * kept), so an I/O error on a file system with no room left is named a full disk.
 */
export function storageFaultIn(caught: unknown, dataDir: string): StorageFault | undefined {
  const fault = storageFaultOf(caught);
  return fault === 'unreadable' && nearlyFull(dataDir) ? 'full' : fault;
}

/**
 * What the operation under way had done when the fault came, said after the fault's fix:
 * nothing (the default: the command failed before it recorded anything), nothing changed on the
 * boxes, nothing sent yet, or what a run had sent and the way on from there.
 */
export type Aftermath =
  | { kind: 'nothing-recorded' }
  | { kind: 'nothing-changed' }
  | { kind: 'nothing-sent' }
  | { kind: 'sent'; runId: string; sent: number }
  | { kind: 'unsure'; runId?: string };

function aftermathWords(after: Aftermath): string {
  switch (after.kind) {
    // The history is opened before any box is reached (every handler asks the store first).
    case 'nothing-recorded':
      return 'then run the command again. Nothing was recorded, and nothing was sent to the router or the PBX.';
    case 'nothing-changed':
      return 'then run the command again. Nothing was changed on the router or the PBX.';
    case 'nothing-sent':
      return 'then run the command again. Nothing was sent to the router or the PBX.';
    case 'sent':
      return `then look at History: run ${after.runId} had sent ${after.sent} ${after.sent === 1 ? 'change or PBX step' : 'changes and PBX steps'} when it stopped (the record of the last ones may be missing), so verify the run or roll it back.`;
    case 'unsure':
      return `then look at History${after.runId ? ` for run ${after.runId}` : ''}: the router or the PBX may hold more than it records, so verify the run before anything else.`;
  }
}

/**
 * The technician's sentence for a fault in the data folder: what happened and the fix, then what
 * the operation had done (`after`). `file` is the history's path, named when it is damaged.
 */
export function storageError(
  fault: StorageFault,
  dataDir: string,
  detail: string,
  context: { file?: string; after?: Aftermath } = {},
): AppError {
  const other = 'or choose another data folder with --data-dir (or FSPBX_NAT_DATA_DIR)';
  const what: Record<StorageFault, string> = {
    full: `The disk holding the wizard's data folder (${dataDir}) is full: free some space`,
    'read-only': `The wizard's data folder (${dataDir}) is read-only: make it writable, ${other}`,
    damaged: `The wizard's history ${context.file ?? `in ${dataDir}`} is damaged and cannot be read: move it out of the folder and keep it for support (the wizard then starts a new, empty history)`,
    unreadable: `The wizard's history in ${dataDir} cannot be read or written (permissions, or a disk error): check the folder, ${other}`,
    locked: `Another program is writing to the wizard's history in ${dataDir} (another fspbx-nat, browser mode or the desktop app): let it finish or close it`,
  };
  return {
    code: 'io_failed',
    message: `${what[fault]}, ${aftermathWords(context.after ?? { kind: 'nothing-recorded' })}`,
    detail,
  };
}
