/**
 * A rollback asks only for the logins of the boxes it reads: the contract takes a PBX-only login
 * for rollback.plan and rollback.apply (never for site.apply), and the handler passes it on
 * instead of asking for the router's. Real store; nothing leaves 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contract } from '../../../contract/operations';
import { siteHandlers } from '../../../electron/api/handlers/site';
import { openStore, type Store } from '../../../electron/store';
import { stockPbx } from '../pbx/fixtures/stock';
import { defconfRouter } from '../routeros/fixtures/defconf';
import { storedInputs } from '../helpers/stored-inputs';

const router = { host: '127.0.0.1', tls: false, username: 'admin', password: 'x' };
// Port 1 on the loopback refuses at once: what is asserted is which login the handler goes on with.
const pbx = { host: '127.0.0.1', port: 1, username: 'root', auth: { kind: 'password' as const, password: 'x' } };

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fspbx-rollback-access-'));
  store = openStore(dir);
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function snapshot(): string {
  const site = store.upsertSite({ routerHost: router.host, pbxHost: pbx.host });
  const run = store.createRun({
    siteId: site.siteId,
    kind: 'apply',
    inputs: storedInputs(),
    plan: { changes: [], warnings: [], facts: {} },
  });
  const saved = store.saveSnapshot(run.runId, site.siteId, { router: defconfRouter(), pbx: stockPbx() });
  store.setRunStatus(run.runId, 'confirmed');
  return saved.snapshotId;
}

const ctx = { progress: () => {}, signal: new AbortController().signal };

describe('the logins a rollback takes', () => {
  it('lets the router login out of a rollback, and only there', () => {
    const pbxOnly = { pbx };
    expect(contract['rollback.plan'].input.safeParse({ snapshotId: 's-1', access: pbxOnly }).success).toBe(true);
    expect(contract['rollback.apply'].input.safeParse({ runId: 'r-1', access: pbxOnly }).success).toBe(true);
    expect(contract['site.apply'].input.safeParse({ runId: 'r-1', access: pbxOnly }).success).toBe(false);
    expect(contract['site.confirm'].input.safeParse({ runId: 'r-1', access: pbxOnly }).success).toBe(false);
    // A PBX login is always needed: even a router rollback reads the PBX.
    expect(contract['rollback.plan'].input.safeParse({ snapshotId: 's-1', access: { router } }).success).toBe(false);
  });

  it('goes on to the PBX with its login alone for the PBX half, and names the router login a router rollback lacks', async () => {
    const handlers = siteHandlers(() => store);
    const snapshotId = snapshot();
    const input = contract['rollback.plan'].input;
    // The PBX half: the handler does not ask for the router; it reaches for the PBX (refused on port 1).
    const half = handlers['rollback.plan'](input.parse({ snapshotId, sides: ['pbx'], access: { pbx } }), ctx);
    await expect(half).rejects.toMatchObject({
      error: { code: 'host_unreachable', message: /^127\.0\.0\.1:1 refused/ },
    });
    // Both boxes without the router's login: one sentence, before any box is reached.
    await expect(handlers['rollback.plan'](input.parse({ snapshotId, access: { pbx } }), ctx)).rejects.toThrow(
      /^This rollback puts the router back: give the router login too/,
    );
  });
});
