/** A history file that lost its content is reported and kept aside, never silently replaced (issue 28 item 5). */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Failure } from '../../../contract/errors';
import { openDb, STORE_FILE } from '../../../electron/store/db';
import { storageFaultOf } from '../../../electron/store/faults';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fspbx-broken-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function refusal(open: () => unknown): Failure {
  try {
    open();
  } catch (caught) {
    if (caught instanceof Failure) return caught;
    throw caught;
  }
  throw new Error('opened');
}

describe('a broken history file', () => {
  const now = new Date('2026-12-07T06:00:00.000Z');
  const file = () => join(dir, STORE_FILE);

  it('a 0-byte file is reported and kept under a timestamped name, however new it is', () => {
    // A new history is linked into place whole (db.ts createHistory): a 0-byte wizard.db is never one being made.
    writeFileSync(file(), '');
    const refused = refusal(() => openDb(dir, 'better-sqlite3', now));
    expect(refused.error.code).toBe('io_failed');
    expect(refused.error.message).toMatch(
      /was empty \(0 bytes\): it is kept as wizard\.db\.empty-2026-12-07T06-00-00-000Z/,
    );
    expect(readdirSync(dir)).toEqual(['wizard.db.empty-2026-12-07T06-00-00-000Z']);
    openDb(dir, 'better-sqlite3', now).close();
  });

  it('a new history leaves no 0-byte file and no temporary name behind', () => {
    openDb(dir, 'better-sqlite3', now).close();
    expect(
      readdirSync(dir)
        .filter((f) => f.startsWith(STORE_FILE))
        .sort(),
    ).toEqual([STORE_FILE]);
  });

  it('a file that is not a SQLite database is reported and kept', () => {
    writeFileSync(file(), 'x'.repeat(4096));
    const refused = refusal(() => openDb(dir, 'better-sqlite3', now));
    expect(refused.error.message).toMatch(
      /was damaged \(not a readable SQLite database\): it is kept as wizard\.db\.damaged-/,
    );
    expect(readdirSync(dir)).toContain('wizard.db.damaged-2026-12-07T06-00-00-000Z');
  });
});

describe('storageFaultOf', () => {
  it.each([
    [{ code: 'SQLITE_FULL', message: 'database or disk is full' }, 'full'],
    [{ code: 'ERR_SQLITE_ERROR', errcode: 13, message: 'database or disk is full' }, 'full'],
    [{ code: 'ERR_SQLITE_ERROR', errcode: 1032, message: 'attempt to write a readonly database' }, 'read-only'],
    [{ code: 'SQLITE_NOTADB', message: 'file is not a database' }, 'damaged'],
    [{ code: 'EROFS', message: 'read-only file system' }, 'read-only'],
    ['SqliteError: database or disk is full\n    at Statement.run', 'full'],
    [{ code: 'SQLITE_CONSTRAINT_UNIQUE', message: 'UNIQUE constraint failed' }, undefined],
  ])('%o is %s', (caught, fault) => {
    expect(storageFaultOf(caught)).toBe(fault);
  });
});
