/** The history store on a real SQLite file: schema, permissions, exactness, secrets and crash safety. */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../contract/types';
import { openStore, STORE_FILE, type SecretBox, type Store } from '../../electron/store';
import { MIGRATIONS, SCHEMA_VERSION } from '../../electron/store/migrations';
import { snapshotDigest } from '../../electron/store/snapshots';
import { stockPbx } from '../unit/pbx/fixtures/stock';
import { defconfRouter } from '../unit/routeros/fixtures/defconf';
import { storedInputs } from '../unit/helpers/stored-inputs';

let dir: string;
let store: Store | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fspbx-store-'));
});

afterEach(() => {
  store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

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
  facts: { publicIp: '203.0.113.2' },
});

function open(options: Parameters<typeof openStore>[1] = {}): Store {
  store = openStore(join(dir, 'data'), options);
  return store;
}

describe('store file', () => {
  it('creates the schema once and reopens without migrating again', () => {
    open().close();
    store = undefined;
    const s = open();
    expect(s.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('is readable by its owner only: folder 0700, database, WAL and shared memory 0600', () => {
    const s = open();
    s.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10' });
    const data = join(dir, 'data');
    expect(statSync(data).mode & 0o777).toBe(0o700);
    const files = readdirSync(data).filter((f) => f.startsWith(STORE_FILE));
    expect(files).toEqual(expect.arrayContaining([STORE_FILE, `${STORE_FILE}-wal`, `${STORE_FILE}-shm`]));
    for (const f of files) expect(statSync(join(data, f)).mode & 0o777, f).toBe(0o600);
  });

  it('tightens a data folder that already existed with rights for others', () => {
    const data = join(dir, 'data');
    mkdirSync(data, { mode: 0o755 });
    chmodSync(data, 0o755);
    open();
    expect(statSync(data).mode & 0o777).toBe(0o700);
  });

  it('refuses a history written by a newer wizard instead of damaging it', () => {
    open().close();
    store = undefined;
    const raw = new Database(join(dir, 'data', STORE_FILE));
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => open()).toThrow(/newer version of the wizard/);
  });
});

describe('store migrations', () => {
  it('bring a version-3 history up to date with its sites, runs and snapshots whole', () => {
    mkdirSync(join(dir, 'data'), { mode: 0o700 });
    const raw = new Database(join(dir, 'data', STORE_FILE));
    raw.pragma('foreign_keys = ON');
    for (const sql of MIGRATIONS.slice(0, 3)) raw.exec(sql);
    raw.pragma('user_version = 3');
    raw
      .prepare(
        `INSERT INTO sites (site_id, name, router_host, router_identity, pbx_host, created_at, updated_at)
         VALUES ('s1', 'HQ', '192.168.88.1', 'HQ', '192.168.88.10', 't', 't')`,
      )
      .run();
    raw
      .prepare(
        `INSERT INTO runs (run_id, site_id, kind, status, inputs_json, plan_json, change_count, started_at, updated_at)
         VALUES ('r1', 's1', 'apply', 'confirmed', ?, '{"changes":[],"warnings":[],"facts":{}}', 0, 't', 't')`,
      )
      .run(JSON.stringify(storedInputs()));
    raw.close();

    const s = open();
    expect(s.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(s.getRun('r1').siteId).toBe('s1');
    expect(s.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(s.db.pragma('foreign_key_check')).toEqual([]);
    // The rebuilt table lets another customer on the same default addresses be a site of its own.
    const other = s.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10', routerIdentity: 'Branch' });
    expect(other.siteId).not.toBe('s1');
    expect(s.getSite('s1').routerIdentity).toBe('HQ');
  });
});

describe('sites and runs', () => {
  it('recognises the same router and PBX as the same site on the next visit', () => {
    const s = open();
    const first = s.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10', routerIdentity: 'HQ' });
    const again = s.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10' });
    expect(again.siteId).toBe(first.siteId);
    expect(again.routerIdentity).toBe('HQ');
    expect(s.listSites()).toHaveLength(1);
  });

  it("lists each run's public IP from its plan, a rollback's from the run it returned to, without parsing plans", () => {
    const s = open();
    const site = s.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10', routerIdentity: 'HQ' });
    const apply = s.createRun({
      siteId: site.siteId,
      kind: 'apply',
      inputs: storedInputs(),
      plan: { ...plan(1), facts: { 'pbx.publicIp': '203.0.113.2' } },
    });
    const snapshot = s.saveSnapshot(apply.runId, site.siteId, { router: defconfRouter(), pbx: stockPbx() });
    const rollback = s.createRun({
      siteId: site.siteId,
      kind: 'rollback',
      inputs: storedInputs(),
      plan: { ...plan(0), facts: {} },
      rollbackOf: snapshot.snapshotId,
    });
    const byId = new Map(s.listRuns().map((r) => [r.runId, r]));
    expect(byId.get(apply.runId)?.publicIp).toBe('203.0.113.2');
    expect(byId.get(rollback.runId)?.publicIp).toBe('203.0.113.2');
    // A fact that is not an address is not shown as one.
    s.db
      .prepare(`UPDATE runs SET plan_json = json_set(plan_json, '$.facts."pbx.publicIp"', '<b>x</b>') WHERE run_id = ?`)
      .run(apply.runId);
    expect(s.listRuns().find((r) => r.runId === apply.runId)?.publicIp).toBeUndefined();
  });

  it('pins fingerprints without losing the other one', () => {
    const s = open();
    const site = s.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10' });
    s.pinFingerprints(site.siteId, { pbxHostKey: 'SHA256:abc' });
    const pinned = s.pinFingerprints(site.siteId, { routerTlsFingerprint: 'ff'.repeat(32) });
    expect(pinned).toMatchObject({ pbxHostKey: 'SHA256:abc', routerTlsFingerprint: 'ff'.repeat(32) });
  });

  it('tracks a run from planned to confirmed, stamping the finish only at the end', () => {
    let t = Date.parse('2026-11-25T10:00:00Z');
    const s = open({ now: () => new Date((t += 1000)) });
    const site = s.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10' });
    const run = s.createRun({ siteId: site.siteId, kind: 'apply', inputs: storedInputs(), plan: plan(3) });
    expect(run.status).toBe('planned');
    expect(s.setRunStatus(run.runId, 'applying').finishedAt).toBeUndefined();
    expect(s.findUnfinished().map((r) => r.runId)).toEqual([run.runId]);
    const done = s.setRunStatus(run.runId, 'confirmed', { result: { applied: ['c0', 'c1', 'c2'] } });
    expect(done.finishedAt).toBe(done.updatedAt);
    expect(done.finishedAt! > done.startedAt).toBe(true);
    expect(done.result).toEqual({ applied: ['c0', 'c1', 'c2'] });
    expect(s.findUnfinished()).toEqual([]);
    expect(s.listRuns()).toEqual([expect.objectContaining({ runId: run.runId, changeCount: 3, status: 'confirmed' })]);
  });

  it('lists runs newest first and per site', () => {
    let t = 0;
    const s = open({ now: () => new Date(Date.UTC(2026, 0, 1) + (t += 60_000)) });
    const a = s.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10' });
    const b = s.upsertSite({ routerHost: '203.0.113.1', pbxHost: '203.0.113.10' });
    const r1 = s.createRun({ siteId: a.siteId, kind: 'apply', inputs: storedInputs(), plan: plan(1) });
    const r2 = s.createRun({ siteId: b.siteId, kind: 'apply', inputs: storedInputs(), plan: plan(1) });
    const r3 = s.createRun({ siteId: a.siteId, kind: 'rollback', inputs: storedInputs(), plan: plan(0) });
    expect(s.listRuns().map((r) => r.runId)).toEqual([r3.runId, r2.runId, r1.runId]);
    expect(s.listRuns({ siteId: a.siteId }).map((r) => r.runId)).toEqual([r3.runId, r1.runId]);
  });

  it('names an unknown run as a technician-readable error value', () => {
    const s = open();
    expect(() => s.getRun('nope')).toThrow('That run is not in this history.');
  });
});

describe('snapshots', () => {
  const hostile = `'; DROP TABLE runs; -- \u0000? no: "quotes" \\ $(reboot) \`id\` 🎉\n\ttabs`;

  it('keeps exactly what was read: NULL apart from empty, hostile text intact', () => {
    const s = open();
    const site = s.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10' });
    const run = s.createRun({ siteId: site.siteId, kind: 'apply', inputs: storedInputs(), plan: plan(1) });
    const ext = (extension: string, media: string | null, more = {}) => ({
      ...stockPbx().extensions[0]!,
      extension_uuid: `u-${extension}`,
      extension,
      sip_bypass_media: media,
      ...more,
    });
    const pbx = {
      ...stockPbx(),
      extensions: [ext('101', null), ext('102', ''), ext(hostile, 'bypass-media', { description: hostile })],
    };
    const saved = s.saveSnapshot(run.runId, site.siteId, { pbx, routerExport: `# ${hostile}` });
    const back = s.getSnapshot(saved.snapshotId);
    expect(back.pbx).toEqual(pbx);
    expect(back.router).toBeUndefined();
    expect(back.routerExport).toBe(`# ${hostile}`);
    expect(s.getRun(run.runId).snapshotId).toBe(saved.snapshotId);
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({ n: 1 });
  });

  it('refuses a snapshot whose bytes changed on disk', () => {
    const s = open();
    const site = s.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10' });
    const run = s.createRun({ siteId: site.siteId, kind: 'apply', inputs: storedInputs(), plan: plan(1) });
    const saved = s.saveSnapshot(run.runId, site.siteId, { router: defconfRouter() });
    s.db.prepare("UPDATE snapshots SET router_json = replace(router_json, 'false', 'true')").run();
    expect(() => s.getSnapshot(saved.snapshotId)).toThrow(/damaged/);
  });
});

describe('journal', () => {
  it('records each change as sending, then its outcome, in order', () => {
    const s = open();
    const site = s.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10' });
    const run = s.createRun({ siteId: site.siteId, kind: 'apply', inputs: storedInputs(), plan: plan(3) });
    const a = s.journalSend(run.runId, 'c0', 'router');
    s.journalResult(run.runId, a, 'done');
    const b = s.journalSend(run.runId, 'c1', 'router');
    s.journalResult(run.runId, b, 'failed', 'failure: already have such entry');
    s.journalSend(run.runId, 'c2', 'pbx');
    expect(s.readJournal(run.runId).map((e) => [e.seq, e.changeId, e.status, e.detail])).toEqual([
      [1, 'c0', 'done', undefined],
      [2, 'c1', 'failed', 'failure: already have such entry'],
      [3, 'c2', 'sending', undefined],
    ]);
  });
});

describe('secrets', () => {
  const password = 'Tr0ub4dor&3-router-secret';
  // A keychain stand-in: reversible, and the plain text never appears in its output.
  const box: SecretBox = {
    available: () => true,
    encrypt: (plain) => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)),
    decrypt: (cipher) => Buffer.from(cipher.map((b) => b ^ 0x5a)).toString('utf8'),
  };

  function fileText(): string {
    const data = join(dir, 'data');
    return readdirSync(data)
      .filter((f) => f.startsWith(STORE_FILE))
      .map((f) => readFileSync(join(data, f)).toString('latin1'))
      .join('');
  }

  it('never stores a password given in the site inputs', () => {
    const s = open();
    const site = s.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10' });
    const inputs = storedInputs({
      router: { host: '192.168.88.1', tls: true, username: 'admin', password },
      pbx: {
        host: '192.168.88.10',
        port: 22,
        username: 'root',
        auth: { kind: 'key', privateKey: `-----BEGIN KEY-----${password}`, passphrase: password },
        sudoPassword: password,
      },
    });
    const run = s.createRun({ siteId: site.siteId, kind: 'apply', inputs, plan: plan(1) });
    expect(JSON.stringify(s.getRun(run.runId).inputs)).not.toContain(password);
    expect(s.getRun(run.runId).inputs).toMatchObject({ router: { username: 'admin', password: '[redacted]' } });
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(fileText()).not.toContain(password);
  });

  it('remembers a password only as keychain ciphertext', () => {
    const s = open({ secretBox: box });
    const site = s.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10' });
    expect(s.rememberSecret({ siteId: site.siteId, target: 'router', username: 'admin', secret: password })).toBe(true);
    expect(s.recallSecret(site.siteId, 'router')).toEqual({ username: 'admin', secret: password });
    expect(fileText()).not.toContain(password);
  });

  it('remembers nothing where the OS offers no keychain', () => {
    const s = open();
    const site = s.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10' });
    expect(s.rememberSecret({ siteId: site.siteId, target: 'pbx', username: 'root', secret: password })).toBe(false);
    expect(s.recallSecret(site.siteId, 'pbx')).toBeUndefined();
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM credentials').get()).toEqual({ n: 0 });
  });
});

describe('crash safety', () => {
  it('a wizard killed mid-apply leaves an intact store that shows the unfinished run', async () => {
    const data = join(dir, 'data');
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'helpers', 'store-writer.ts'), data], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const ids = await new Promise<{ runId: string; snapshotId: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`writer did not get going: ${out}`)), 30_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const ready = /READY (\S+) (\S+)/.exec(out);
        if (ready && /SENT \d+/.test(out)) {
          clearTimeout(timer);
          resolve({ runId: ready[1]!, snapshotId: ready[2]! });
        }
      });
      child.once('exit', (code) => reject(new Error(`writer exited ${code}: ${out}`)));
    });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;

    const s = open();
    expect(s.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(s.findUnfinished().map((r) => r.runId)).toEqual([ids.runId]);
    expect(s.getSnapshot(ids.snapshotId).routerExport).toContain('masquerade');
    const journal = s.readJournal(ids.runId);
    expect(journal.length).toBeGreaterThanOrEqual(20);
    // Only the very last entry may have been caught between send and answer.
    expect(journal.slice(0, -1).every((e) => e.status === 'done')).toBe(true);
    expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));
  });
});

describe('rows read back through schemas', () => {
  it('names a damaged plan row instead of handing it on, and the rest of the history still lists', () => {
    const s = open();
    const site = s.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10' });
    const good = s.createRun({ siteId: site.siteId, kind: 'apply', inputs: storedInputs(), plan: plan(1) });
    const bad = s.createRun({ siteId: site.siteId, kind: 'apply', inputs: storedInputs(), plan: plan(1) });
    s.db.prepare(`UPDATE runs SET plan_json = '{"changes":"all of them"}' WHERE run_id = ?`).run(bad.runId);
    expect(() => s.getRun(bad.runId)).toThrow(/damaged in the history/);
    expect(s.getRun(good.runId).plan.changes).toHaveLength(1);
    expect(
      s
        .listRuns()
        .map((r) => r.runId)
        .sort(),
    ).toEqual([good.runId, bad.runId].sort());
  });

  it('refuses a snapshot whose rows lack what a restore relies on, even with a matching checksum', () => {
    const s = open();
    const site = s.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10' });
    const run = s.createRun({ siteId: site.siteId, kind: 'apply', inputs: storedInputs(), plan: plan(1) });
    const pbx = stockPbx();
    const saved = s.saveSnapshot(run.runId, site.siteId, { pbx });
    // Rewritten as an older or foreign writer might have: the digest holds, the shape does not.
    const broken = JSON.stringify({ ...pbx, vars: pbx.vars.map(({ var_uuid: _gone, ...rest }) => rest) });
    const row = s.db.prepare('SELECT * FROM snapshots').get() as Parameters<typeof snapshotDigest>[0];
    s.db
      .prepare('UPDATE snapshots SET pbx_json = ?, sha256 = ?')
      .run(broken, snapshotDigest({ ...row, pbx_json: broken }));
    expect(() => s.getSnapshot(saved.snapshotId)).toThrow(/not in a form this version of the wizard can restore from/);
  });
});
