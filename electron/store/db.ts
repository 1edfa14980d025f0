/**
 * Opens the wizard's SQLite file: owner-only permissions, WAL, full fsync
 * (a snapshot must be on disk before the first change is sent), foreign
 * keys, and the migrations up to this build's version.
 */
import { randomUUID } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { fail, Failure } from '../../contract/errors';
import { storageError, storageFaultIn } from './faults';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import { chooseDriver, openSqlite, type Db, type SqliteDriver } from './sqlite';

export type { Db, SqliteDriver } from './sqlite';
export { chooseDriver } from './sqlite';

export const STORE_FILE = 'wizard.db';

function ownerOnly(file: string): void {
  if (existsSync(file)) chmodSync(file, 0o600);
}

/**
 * Makes the data folder owner-only, also when it already existed with looser
 * rights (mkdir's mode applies only to a folder it creates). Returns the
 * rights it had when they were tightened. Not on Windows, where modes mean little.
 */
export function ownerOnlyFolder(dataDir: string): number | undefined {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return undefined;
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o077) === 0) return undefined;
  chmodSync(dataDir, mode & 0o700);
  return mode;
}

/**
 * A new history is made whole under a name of its own (SQLite writes its header when WAL is
 * switched on) and then hard-linked into place, which fails if another process linked one first.
 * So a wizard.db that exists always begins with SQLite's header: one of 0 bytes is never a history
 * being made, it is one that lost its content, however recent.
 */
function createHistory(file: string, driver: SqliteDriver): void {
  const made = `${file}.new-${process.pid}-${randomUUID().slice(0, 8)}`;
  try {
    const db = openSqlite(made, driver);
    try {
      db.pragma('journal_mode = WAL');
    } finally {
      db.close();
    }
    try {
      linkSync(made, file);
    } catch (caught) {
      if ((caught as NodeJS.ErrnoException).code === 'EEXIST') return;
      // A file system without hard links (FAT, exFAT, some shares): copied in, still never over another's.
      try {
        copyFileSync(made, file, constants.COPYFILE_EXCL);
      } catch (copying) {
        if ((copying as NodeJS.ErrnoException).code !== 'EEXIST') throw copying;
      }
    }
  } finally {
    for (const suffix of ['-wal', '-shm', '']) rmSync(made + suffix, { force: true });
  }
}

/** Moves the history (and its -wal, -shm) aside under a timestamped name; returns the new name. */
function keepAside(file: string, why: 'empty' | 'damaged', now: Date): string {
  const kept = `${file}.${why}-${now.toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['-wal', '-shm', '']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, kept + suffix);
  }
  return kept;
}

/** A history that is there but holds nothing, or is no SQLite file: reported and kept, never replaced in silence. */
function refuseBroken(dataDir: string, file: string, why: 'empty' | 'damaged', detail: string, now: Date): never {
  let kept: string;
  try {
    kept = keepAside(file, why, now);
  } catch (caught) {
    return fail(
      'io_failed',
      `The wizard's history ${file} is ${why === 'empty' ? 'empty (0 bytes)' : 'damaged'} and could not be moved aside: move it yourself, then run the command again.`,
      `${detail}; ${String(caught)}`,
    );
  }
  return fail(
    'io_failed',
    `The wizard's history ${STORE_FILE} in ${dataDir} was ${why === 'empty' ? 'empty (0 bytes)' : 'damaged (not a readable SQLite database)'}: it is kept as ${basename(kept)}, and the next command starts a new, empty history.`,
    detail,
  );
}

/** Opens (and migrates) the history; the driver is node:sqlite in Electron, better-sqlite3 on plain Node. */
export function openDb(dataDir: string, driver: SqliteDriver = chooseDriver(), now = new Date()): Db {
  const file = join(dataDir, STORE_FILE);
  try {
    ownerOnlyFolder(dataDir);
    // A folder that takes no writes (read-only mount, no rights) is named as such, before SQLite's vaguer "cannot open".
    try {
      accessSync(dataDir, constants.W_OK);
    } catch (caught) {
      throw new Failure(storageError('read-only', dataDir, String(caught)));
    }
    const stat = existsSync(file) ? statSync(file) : undefined;
    if (stat?.isFile() && stat.size === 0) {
      refuseBroken(dataDir, file, 'empty', `0-byte ${file}, last written ${stat.mtime.toISOString()}`, now);
    }
  } catch (caught) {
    if (caught instanceof Failure) throw caught;
    const fault = storageFaultIn(caught, dataDir);
    return fail('io_failed', storageError(fault ?? 'unreadable', dataDir, String(caught)).message, String(caught));
  }
  let db: Db | undefined;
  try {
    if (!existsSync(file)) createHistory(file, driver);
    db = openSqlite(file, driver);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (caught) {
    db?.close();
    const fault = storageFaultIn(caught, dataDir);
    if (fault === 'damaged') refuseBroken(dataDir, file, 'damaged', String(caught), now);
    if (fault !== undefined) throw new Failure(storageError(fault, dataDir, String(caught)));
    return fail(
      'io_failed',
      `Cannot open the wizard's history in ${dataDir}. Check the folder, or choose another with --data-dir (or FSPBX_NAT_DATA_DIR).`,
      String(caught),
    );
  }

  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > SCHEMA_VERSION) {
    db.close();
    return fail(
      'io_failed',
      'This history was written by a newer version of the wizard. Update the wizard to open it.',
      `store version ${version}, this build knows ${SCHEMA_VERSION}`,
    );
  }
  // IMMEDIATE, and the version read again inside: two processes opening one history at once (the app
  // and the CLI, two commands on a new data folder) never both migrate it; the second waits, then
  // finds nothing to do (https://www.sqlite.org/lang_transaction.html).
  const migrate = () => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const from = Number(db.pragma('user_version', { simple: true }));
      for (let v = from; v < SCHEMA_VERSION; v += 1) {
        db.exec(MIGRATIONS[v]!);
        db.pragma(`user_version = ${v + 1}`);
      }
      // A rebuilt table must leave every reference whole, or nothing of the migration stays.
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`foreign keys broken by the migration: ${JSON.stringify(broken[0])}`);
      db.exec('COMMIT');
    } catch (caught) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // SQLite already rolled back (a failed COMMIT): the first error is the one to tell.
      }
      throw caught;
    }
  };
  if (version < SCHEMA_VERSION) {
    // Foreign keys off while tables are rebuilt (the pragma is a no-op inside a transaction).
    db.pragma('foreign_keys = OFF');
    try {
      migrate();
    } catch (caught) {
      db.close();
      const fault = storageFaultIn(caught, dataDir);
      if (fault === 'full' || fault === 'read-only' || fault === 'locked') {
        throw new Failure(storageError(fault, dataDir, String(caught)));
      }
      return fail(
        'io_failed',
        "The wizard's history could not be brought up to date; it was left as it was.",
        String(caught),
      );
    } finally {
      if (db.open) db.pragma('foreign_keys = ON');
    }
  }

  // The WAL and shared-memory files appear on first write; all three are owner-only.
  for (const suffix of ['', '-wal', '-shm']) ownerOnly(file + suffix);
  return db;
}
