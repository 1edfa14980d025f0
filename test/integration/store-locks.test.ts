/**
 * Locks and compare-and-set on the real SQLite file, through two store handles as two processes
 * (the CLI and the app) would hold them; a holder in a child process shows the lock is the file's,
 * not the process's. And the revert job a failed install takes back is only its own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../contract/types';
import { revertUninstall } from '../../electron/routeros/revert';
import { openStore, runLockKey, siteLockKey, type Store } from '../../electron/store';
import { LOCK_TTL_MS } from '../../electron/store/locks';
import { REPO_ROOT } from '../lab/lab';
import { storedInputs } from '../unit/helpers/stored-inputs';

let dir: string;
const opened: Store[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fspbx-locks-'));
});

afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(now?: () => Date): Store {
  const store = openStore(join(dir, 'data'), now ? { now } : {});
  opened.push(store);
  return store;
}

const plan: Plan = {
  changes: [
    {
      id: 'c1',
      target: 'router',
      path: '/ip/firewall/address-list',
      action: 'add',
      before: null,
      after: { list: 'fspbx-trunks', address: '198.51.100.1' },
      reason: 'trunk provider may reach the PBX',
    },
  ],
  warnings: [],
  facts: {},
};

function newRun(store: Store): { runId: string; siteId: string } {
  const site = store.upsertSite({ routerHost: '192.0.2.1', pbxHost: '192.0.2.10' });
  return {
    runId: store.createRun({ siteId: site.siteId, kind: 'apply', inputs: storedInputs(), plan }).runId,
    siteId: site.siteId,
  };
}

describe('locks on the history file', () => {
  it('lets one holder of a run work at a time, across store handles, and frees it however the work ends', async () => {
    const a = open();
    const b = open();
    const { runId, siteId } = newRun(a);
    const keys = [runLockKey(runId), siteLockKey(siteId)];
    let release!: () => void;
    const held = a.withLocks(keys, 'apply', () => new Promise<string>((r) => (release = () => r('done'))));
    await expect(b.withLocks([runLockKey(runId)], 'apply', async () => 'second')).rejects.toThrow(
      /Another apply, confirm or rollback of this run is under way \(apply, process \d+\)/,
    );
    // The site too: another run of the same site waits as well.
    await expect(b.withLocks([siteLockKey(siteId)], 'confirm', async () => 'x')).rejects.toThrow(/of this site/);
    release();
    expect(await held).toBe('done');
    expect(await b.withLocks(keys, 'apply', async () => 'next')).toBe('next');
    await expect(
      b.withLocks(keys, 'apply', async () => {
        throw new Error('apply failed');
      }),
    ).rejects.toThrow('apply failed');
    expect(await a.withLocks(keys, 'confirm', async () => 'free again')).toBe('free again');
  });

  it('takes over a lock whose process is gone, or whose time is up', async () => {
    const store = open();
    const { runId } = newRun(store);
    // A holder that dies without releasing (killed CLI): its row stays, its pid is gone.
    const child = spawn(process.execPath, ['-e', 'process.exit(0)'], { cwd: REPO_ROOT });
    const deadPid = await new Promise<number>((resolve) => child.once('exit', () => resolve(child.pid!)));
    store.db
      .prepare('INSERT INTO locks (lock_key, token, pid, purpose, taken_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(runLockKey(runId), 'gone', deadPid, 'apply', new Date().toISOString(), '9999-01-01T00:00:00.000Z');
    expect(await store.withLocks([runLockKey(runId)], 'apply', async () => 'taken over')).toBe('taken over');

    // A live holder past its expiry (a hung process): taken over once the time is up, not before.
    let now = new Date('2026-12-07T08:00:00Z');
    const later = open(() => now);
    let release!: () => void;
    const hung = later.withLocks([runLockKey(runId)], 'apply', () => new Promise<void>((r) => (release = r)));
    await expect(later.withLocks([runLockKey(runId)], 'apply', async () => 'x')).rejects.toThrow(/under way/);
    now = new Date(now.getTime() + LOCK_TTL_MS + 1000);
    expect(await later.withLocks([runLockKey(runId)], 'apply', async () => 'after expiry')).toBe('after expiry');
    release();
    await hung;
  });

  it('moves a run status only from the status expected, and says what it is now', () => {
    const a = open();
    const b = open();
    const { runId } = newRun(a);
    expect(a.setRunStatus(runId, 'applying', { expect: 'planned' }).status).toBe('applying');
    expect(() => b.setRunStatus(runId, 'applying', { expect: 'planned' })).toThrow(
      'This run is applying now: something else moved it on meanwhile. Look at History before going on.',
    );
    expect(b.getRun(runId).status).toBe('applying');
  });

  it('records per box what a run holds, keeping the other box', () => {
    const store = open();
    const { runId } = newRun(store);
    store.setRunBoxes(runId, { router: { state: 'applied' } });
    store.setRunBoxes(runId, { pbx: { state: 'applied' } });
    const after = store.setRunBoxes(runId, { router: { state: 'rolled-back', byRun: 'r2' } });
    expect(after.boxes?.router).toMatchObject({ state: 'rolled-back', byRun: 'r2', changes: 1 });
    expect(after.boxes?.pbx).toMatchObject({ state: 'applied', changes: 0 });
    expect(store.listRuns()[0]?.boxes?.router?.state).toBe('rolled-back');
  });
});

describe('a failed revert install', () => {
  it('takes back only the items its own adds created, by id, timer first', () => {
    const changes = revertUninstall([
      { id: 'revert-script', status: 'applied', itemId: '*A' },
      { id: 'revert-scheduler', status: 'failed' },
    ]);
    expect(changes).toEqual([expect.objectContaining({ action: 'remove', itemId: '*A', path: '/system/script' })]);
    expect(changes[0]).not.toHaveProperty('match');
    expect(
      revertUninstall([
        { id: 'revert-script', status: 'applied', itemId: '*A' },
        { id: 'revert-scheduler', status: 'applied', itemId: '*B' },
      ]).map((c) => c.itemId),
    ).toEqual(['*B', '*A']);
    // Refused adds (a job of that name was already there): nothing of anyone's is removed.
    expect(revertUninstall([{ id: 'revert-script', status: 'failed' }])).toEqual([]);
  });
});
