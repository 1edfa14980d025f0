/**
 * The store's representative work on one SQLite driver, reported as plain
 * data (no assertions here): run in the test process on better-sqlite3, and
 * bundled and run by a Node 24 binary (Electron 45's Node line) on
 * node:sqlite. The test compares both reports with what the store promises
 * and with each other.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Plan } from '../../../contract/types';
import { openStore, STORE_FILE, type SecretBox } from '../../../electron/store';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../electron/store/migrations';
import { openSqlite, type SqliteDriver } from '../../../electron/store/sqlite';
import { defconfRouter } from '../routeros/fixtures/defconf';
import { storedInputs } from '../helpers/stored-inputs';

const plan = (n: number): Plan => ({
  changes: Array.from({ length: n }, (_, i) => ({
    id: `c${i}`,
    target: 'router' as const,
    path: '/ip/firewall/address-list',
    action: 'add' as const,
    before: null,
    after: { list: 'fspbx-trunks', address: `198.51.100.${i}` },
    reason: 'trunk provider may reach the PBX',
  })),
  warnings: [],
  facts: { 'pbx.publicIp': '203.0.113.2' },
});

const HOSTILE = `'; DROP TABLE runs; -- "quotes" \\ $(reboot) \`id\` 🎉\n\ttabs`;

function errorOf(action: () => unknown): string {
  try {
    action();
    return 'none';
  } catch (caught) {
    return (caught as Error).message;
  }
}

export function probeStore(driver: SqliteDriver, dir: string): Record<string, unknown> {
  const report: Record<string, unknown> = { node: process.versions.node };
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true, mode: 0o700 });

  // A history as version 3 of the wizard left it, written through the same driver.
  const old = openSqlite(join(data, STORE_FILE), driver);
  old.pragma('foreign_keys = ON');
  for (const sql of MIGRATIONS.slice(0, 3)) old.exec(sql);
  old.pragma('user_version = 3');
  old
    .prepare(
      `INSERT INTO sites (site_id, name, router_host, router_identity, pbx_host, created_at, updated_at)
       VALUES ('s1', 'HQ', '192.168.88.1', 'HQ', '192.168.88.10', 't', 't')`,
    )
    .run();
  old
    .prepare(
      `INSERT INTO runs (run_id, site_id, kind, status, inputs_json, plan_json, change_count, started_at, updated_at)
       VALUES ('r1', 's1', 'apply', 'confirmed', ?, '{"changes":[],"warnings":[],"facts":{}}', 0, 't', 't')`,
    )
    .run(JSON.stringify(storedInputs()));
  old.close();
  report.closedAfterClose = old.open === false;

  const ciphers: boolean[] = [];
  const box: SecretBox = {
    available: () => true,
    encrypt: (plain) => Buffer.from(`sealed:${plain}`),
    decrypt: (cipher) => {
      ciphers.push(Buffer.isBuffer(cipher));
      return cipher.toString().replace(/^sealed:/, '');
    },
  };
  let t = Date.parse('2026-12-01T10:00:00Z');
  const store = openStore(data, { driver, secretBox: box, now: () => new Date((t += 1000)) });
  const db = store.db;
  report.driver = db.driver;
  report.migrated = {
    userVersion: db.pragma('user_version', { simple: true }),
    schemaVersion: SCHEMA_VERSION,
    journalMode: db.pragma('journal_mode', { simple: true }),
    foreignKeys: db.pragma('foreign_keys', { simple: true }),
    foreignKeyCheck: db.pragma('foreign_key_check'),
    oldRunSite: store.getRun('r1').siteId,
  };

  const site = store.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10', routerIdentity: 'Branch' });
  const run = store.createRun({
    siteId: site.siteId,
    kind: 'apply',
    inputs: storedInputs({ router: { host: '192.168.88.1', tls: true, username: 'admin', password: 'hunter2' } }),
    plan: plan(2),
  });
  store.setRunStatus(run.runId, 'applying');
  const snapshot = store.saveSnapshot(run.runId, site.siteId, {
    router: defconfRouter(),
    routerExport: `# ${HOSTILE}`,
  });
  const back = store.getSnapshot(snapshot.snapshotId);
  const first = store.journalSend(run.runId, 'c0', 'router');
  store.journalResult(run.runId, first, 'done');
  const second = store.journalSend(run.runId, 'c1', 'router');
  store.journalResult(run.runId, second, 'failed', HOSTILE);
  report.runs = {
    snapshotExact: isDeepStrictEqual(back.router, defconfRouter()) && back.routerExport === `# ${HOSTILE}`,
    runPointsAtSnapshot: store.getRun(run.runId).snapshotId === snapshot.snapshotId,
    inputsRedacted: JSON.stringify(store.getRun(run.runId).inputs.router),
    journal: store.readJournal(run.runId).map((e) => [e.seq, e.changeId, e.status, e.detail ?? null]),
    unfinished: store.findUnfinished().map((r) => r.runId === run.runId),
    listed: store.listRuns().map((r) => [r.kind, r.status, r.changeCount, r.publicIp ?? null]),
    count: db.prepare('SELECT COUNT(*) AS n FROM runs').get(),
  };

  const insertSite = db.prepare<[string], never>(
    `INSERT INTO sites (site_id, name, router_host, pbx_host, created_at, updated_at)
     VALUES (?, 'x', '198.51.100.1', '198.51.100.2', 't', 't')`,
  );
  const exists = (id: string) =>
    db.prepare<[string], { n: number }>('SELECT 1 AS n FROM sites WHERE site_id = ?').get(id) !== undefined;
  const failed = errorOf(() =>
    db.transaction(() => {
      insertSite.run('tx-rolled-back');
      throw new Error('boom');
    })(),
  );
  db.transaction(() => {
    insertSite.run('tx-outer');
    errorOf(() =>
      db.transaction(() => {
        insertSite.run('tx-inner');
        throw new Error('inner boom');
      })(),
    );
  })();
  report.transactions = {
    failed,
    rolledBack: !exists('tx-rolled-back'),
    outerKept: exists('tx-outer'),
    innerRolledBack: !exists('tx-inner'),
    returns: db.transaction((a: number, b: number) => a + b)(2, 3),
  };

  report.foreignKeys = errorOf(() =>
    db
      .prepare(
        `INSERT INTO runs (run_id, site_id, kind, status, inputs_json, plan_json, change_count, started_at, updated_at)
         VALUES ('orphan', 'no-such-site', 'apply', 'planned', '{}', '{}', 0, 't', 't')`,
      )
      .run(),
  );

  store.rememberSecret({ siteId: site.siteId, target: 'router', username: 'admin', secret: 'pw' });
  report.secrets = { recalled: store.recallSecret(site.siteId, 'router'), blobsWereBuffers: ciphers };

  report.modes = readdirSync(data)
    .filter((f) => f.startsWith(STORE_FILE))
    .sort()
    .map((f) => [f.slice(STORE_FILE.length) || 'db', (statSync(join(data, f)).mode & 0o777).toString(8)]);
  store.close();
  report.closed = db.open === false;
  return report;
}
