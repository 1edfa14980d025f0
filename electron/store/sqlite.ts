/**
 * The few SQLite calls the store makes, behind one interface with two
 * drivers. The Electron main process uses Node's built-in `node:sqlite`
 * (Electron 45 runs Node 24, where it needs no flag and prints no warning):
 * then the desktop app carries no native module at all, and nothing has to be
 * rebuilt for Electron's ABI. Plain Node (the CLI, browser mode, the tests;
 * Node 20 has no `node:sqlite`) keeps better-sqlite3. Both open the same file
 * the same way, so one history serves all three front ends.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

export type SqliteDriver = 'node:sqlite' | 'better-sqlite3';

export interface RunInfo {
  changes: number | bigint;
  lastInsertRowid: number | bigint;
}

export interface Statement<P extends unknown[] = unknown[], R = unknown> {
  run(...params: P): RunInfo;
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

export interface Db {
  readonly driver: SqliteDriver;
  /** False once closed. */
  readonly open: boolean;
  prepare<P extends unknown[] = unknown[], R = unknown>(sql: string): Statement<P, R>;
  exec(sql: string): void;
  /** `PRAGMA <source>`: the rows, or with `simple` the first column of the first row. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** Wraps fn in BEGIN…COMMIT (a savepoint when nested); an exception rolls it back and is rethrown. */
  transaction<A extends unknown[], T>(fn: (...args: A) => T): (...args: A) => T;
  close(): void;
}

/** node:sqlite in Electron's main process, better-sqlite3 everywhere else. */
export function chooseDriver(versions: NodeJS.ProcessVersions = process.versions): SqliteDriver {
  return typeof versions.electron === 'string' && versions.electron !== '' ? 'node:sqlite' : 'better-sqlite3';
}

export function openSqlite(file: string, driver: SqliteDriver = chooseDriver()): Db {
  return driver === 'node:sqlite' ? openNodeSqlite(file) : openBetterSqlite3(file);
}

// better-sqlite3 is loaded only when chosen: the packaged desktop app does not ship it.
const load = createRequire(__filename);

function openBetterSqlite3(file: string): Db {
  const Database: typeof BetterSqlite3 = load('better-sqlite3');
  const raw = new Database(file);
  return {
    driver: 'better-sqlite3',
    get open() {
      return raw.open;
    },
    // better-sqlite3's statements already have this shape; its generic signature differs only in spelling.
    prepare: <P extends unknown[], R>(sql: string) => raw.prepare(sql) as unknown as Statement<P, R>,
    exec: (sql) => void raw.exec(sql),
    pragma: (source, options) => raw.pragma(source, options),
    transaction: (fn) => raw.transaction(fn),
    close: () => void raw.close(),
  };
}

/** The part of node:sqlite used here (the project's @types/node is Node 20's, which has none). */
interface NodeStatement {
  run(...params: unknown[]): RunInfo;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
interface NodeDatabase {
  prepare(sql: string): NodeStatement;
  exec(sql: string): void;
  close(): void;
}
interface NodeSqliteModule {
  DatabaseSync: new (path: string, options?: { enableForeignKeyConstraints?: boolean }) => NodeDatabase;
}

function isNodeSqlite(module: object | undefined): module is NodeSqliteModule {
  return module !== undefined && 'DatabaseSync' in module && typeof module.DatabaseSync === 'function';
}

export function nodeSqliteAvailable(): boolean {
  return isNodeSqlite(process.getBuiltinModule('node:sqlite'));
}

/**
 * Rows as better-sqlite3 gives them: plain objects, BLOBs as Buffers
 * (node:sqlite returns Uint8Arrays, which safeStorage.decryptString refuses).
 */
function plainRow(row: unknown): unknown {
  if (row === null || typeof row !== 'object') return row;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] =
      value instanceof Uint8Array && !Buffer.isBuffer(value)
        ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
        : value;
  }
  return out;
}

function openNodeSqlite(file: string): Db {
  const module = process.getBuiltinModule('node:sqlite');
  if (!isNodeSqlite(module)) {
    throw new Error(`node:sqlite is not available in Node ${process.versions.node} (it needs Node 22.13 or newer)`);
  }
  const raw = new module.DatabaseSync(file, { enableForeignKeyConstraints: true });
  let open = true;
  let depth = 0;

  const prepare = <P extends unknown[], R>(sql: string): Statement<P, R> => {
    const statement = raw.prepare(sql);
    return {
      run: (...params) => statement.run(...params),
      get: (...params) => plainRow(statement.get(...params)) as R | undefined,
      all: (...params) => statement.all(...params).map(plainRow) as R[],
    };
  };

  return {
    driver: 'node:sqlite',
    get open() {
      return open;
    },
    prepare,
    exec: (sql) => raw.exec(sql),
    pragma(source, options) {
      const rows = prepare<[], Record<string, unknown>>(`PRAGMA ${source}`).all();
      if (!options?.simple) return rows;
      const first = rows[0];
      return first === undefined ? undefined : Object.values(first)[0];
    },
    transaction:
      (fn) =>
      (...args) => {
        // Nested calls become savepoints, as in better-sqlite3, so a store function may call another.
        const savepoint = depth > 0 ? `nested_${depth}` : undefined;
        raw.exec(savepoint ? `SAVEPOINT ${savepoint}` : 'BEGIN');
        depth += 1;
        try {
          const result = fn(...args);
          raw.exec(savepoint ? `RELEASE ${savepoint}` : 'COMMIT');
          return result;
        } catch (caught) {
          try {
            raw.exec(savepoint ? `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}` : 'ROLLBACK');
          } catch {
            // SQLite already rolled back by itself (a failed COMMIT): the first error is the one to tell.
          }
          throw caught;
        } finally {
          depth -= 1;
        }
      },
    close() {
      if (!open) return;
      open = false;
      raw.close();
    },
  };
}
