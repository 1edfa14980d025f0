/**
 * Opens the wizard's SQLite file: owner-only permissions, WAL, full fsync
 * (a snapshot must be on disk before the first change is sent), foreign
 * keys, and the migrations up to this build's version.
 */
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../../contract/errors';
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

/** Opens (and migrates) the history; the driver is node:sqlite in Electron, better-sqlite3 on plain Node. */
export function openDb(dataDir: string, driver: SqliteDriver = chooseDriver()): Db {
  ownerOnlyFolder(dataDir);
  const file = join(dataDir, STORE_FILE);
  let db: Db;
  try {
    db = openSqlite(file, driver);
  } catch (caught) {
    return fail(
      'io_failed',
      `Cannot open the wizard's history in ${dataDir}. Check the folder, or choose another with --data-dir (or FSPBX_NAT_DATA_DIR).`,
      String(caught),
    );
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');

  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    db.close();
    return fail(
      'io_failed',
      'This history was written by a newer version of the wizard. Update the wizard to open it.',
      `store version ${version}, this build knows ${SCHEMA_VERSION}`,
    );
  }
  const migrate = db.transaction(() => {
    for (let v = version; v < SCHEMA_VERSION; v += 1) {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }
    // A rebuilt table must leave every reference whole, or nothing of the migration stays.
    const broken = db.pragma('foreign_key_check') as unknown[];
    if (broken.length > 0) throw new Error(`foreign keys broken by the migration: ${JSON.stringify(broken[0])}`);
  });
  if (version < SCHEMA_VERSION) {
    // Foreign keys off while tables are rebuilt (the pragma is a no-op inside a transaction).
    db.pragma('foreign_keys = OFF');
    try {
      migrate();
    } catch (caught) {
      db.close();
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
