/**
 * Faults of the disk under the history (full, read-only, damaged) as one sentence each, from
 * either SQLite driver or Node's file calls: better-sqlite3 sets `code` to SQLite's name
 * (SQLITE_FULL, SQLITE_READONLY_…), node:sqlite sets `errcode` to the number (sqlite.org/rescode.html:
 * 8 READONLY, 10 IOERR, 11 CORRUPT, 13 FULL, 14 CANTOPEN, 26 NOTADB; extended codes keep the
 * primary in the low byte), and only the text survives in a logged stack: SQLite's fixed
 * messages (sqlite3ErrStr) are read as the last resort.
 */
import type { AppError } from '../../contract/errors';

export type StorageFault = 'full' | 'read-only' | 'damaged' | 'unreadable';

const BY_NUMBER: Record<number, StorageFault> = {
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
  [/SQLITE_CANTOPEN|SQLITE_IOERR|EACCES|EPERM|unable to open database file|disk I\/O error/i, 'unreadable'],
];

/** Which storage fault an error (or a logged stack's text) is, if any. */
export function storageFaultOf(caught: unknown): StorageFault | undefined {
  if (typeof caught === 'string') return BY_TEXT.find(([re]) => re.test(caught.split('\n')[0] ?? ''))?.[1];
  if (typeof caught !== 'object' || caught === null) return undefined;
  const e = caught as { code?: unknown; errcode?: unknown; message?: unknown };
  if (typeof e.errcode === 'number') {
    const fault = BY_NUMBER[e.errcode & 0xff];
    if (fault) return fault;
  }
  const text = `${typeof e.code === 'string' ? e.code : ''} ${typeof e.message === 'string' ? e.message : ''}`;
  return BY_TEXT.find(([re]) => re.test(text))?.[1];
}

/** The technician's sentence for a fault in the data folder. */
export function storageError(fault: StorageFault, dataDir: string, detail: string): AppError {
  const other = 'or choose another data folder with --data-dir (or FSPBX_NAT_DATA_DIR)';
  const message: Record<StorageFault, string> = {
    full: `The disk holding the wizard's data folder (${dataDir}) is full: free some space and run the command again. Nothing was recorded.`,
    'read-only': `The wizard's data folder (${dataDir}) is read-only: make it writable, ${other}. Nothing was recorded.`,
    damaged: `The wizard's history in ${dataDir} is damaged and cannot be read.`,
    unreadable: `The wizard's history in ${dataDir} cannot be opened (permissions, or a disk error): check the folder, ${other}.`,
  };
  return { code: 'io_failed', message: message[fault], detail };
}
