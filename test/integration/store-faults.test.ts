/**
 * Storage faults while an operation runs (issue 28 item 5): a full disk, a read-only data folder, a
 * history damaged inside (its header still whole, so it opens), another process's lock. Each is a
 * real fault (a tmpfs of a few hundred KiB filled with dd, a read-only bind mount, bytes
 * overwritten in the file, a second SQLite connection holding the write lock) met through the API
 * dispatcher as browser mode and the desktop app call it, or through the site run with stand-in
 * boxes that record what reaches them, or through the `fspbx-nat` command as a process. Every
 * answer is io_failed with one sentence saying what happened, what to do and what was sent; no
 * stack reaches it. Mounts are made and removed here.
 */
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Failure, type AppError, type Result } from '../../contract/errors';
import { pbxStepId } from '../../contract/plan-counts';
import { siteInputs } from '../../contract/schemas';
import { createDispatcher } from '../../electron/api/dispatcher';
import { createHandlers } from '../../electron/api/handlers';
import { nodeEnv } from '../../electron/api/handlers/node-env';
import { applySite, planSite, type SiteDeps } from '../../electron/site/run';
import { openStore, type Store } from '../../electron/store';
import { stockPbx } from '../unit/pbx/fixtures/stock';
import { defconfRouter } from '../unit/routeros/fixtures/defconf';

const isRoot = process.getuid?.() === 0;
const cleanup: Array<() => void> = [];

afterEach(() => {
  for (const undo of cleanup.splice(0).reverse()) undo();
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fspbx-faults-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function mount(args: string[], at: string): void {
  execFileSync('mount', [...args, at]);
  // Lazily if a handle is still open: a mount is never left behind on the test machine.
  cleanup.push(() => {
    try {
      execFileSync('umount', [at], { stdio: 'ignore' });
    } catch {
      execFileSync('umount', ['-l', at]);
    }
  });
}

/** A data folder on a tmpfs of `kib` KiB: `fill` takes every block left. */
function smallDisk(kib = 512): { dir: string; fill: () => void; free: () => void } {
  const dir = folder();
  mount(['-t', 'tmpfs', '-o', `size=${kib}k`, 'none'], dir);
  const filler = join(dir, 'fill');
  return {
    dir,
    fill: () => {
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k'], { stdio: 'ignore' });
      } catch {
        // dd ends with "No space left on device": that is the point.
      }
    },
    free: () => rmSync(filler, { force: true }),
  };
}

const inputs = siteInputs.parse({
  router: { host: '192.168.88.1', tls: false, username: 'admin', password: 'x' },
  pbx: { host: '192.168.88.10', username: 'root', auth: { kind: 'password', password: 'x' } },
  trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
  phones: [{ name: 'Home office', address: '192.0.2.20' }],
  options: { publicIp: '203.0.113.2' },
});
const access = { router: inputs.router, pbx: inputs.pbx };

/**
 * Stand-in boxes that answer reads with fixed states, journal through the hooks as the real
 * engines do (all of a box's ids, then each answer), and record what was sent. `beforePbx` runs
 * when the PBX's turn comes: the disk fills there in the mid-way case.
 */
function standIns(store: Store, beforePbx: () => void = () => undefined) {
  const sent: string[] = [];
  const deps: SiteDeps = {
    store,
    openRouter: async () => ({
      read: async () => defconfRouter(),
      exportText: async () => '',
      apply: async (_before, plan, _minutes, hooks) => {
        hooks.before(plan.changes.map((c) => c.id));
        for (const change of plan.changes) {
          sent.push(`router ${change.id}`);
          hooks.after(change.id, true);
        }
        return {};
      },
      confirm: async () => 'kept' as const,
      close: async () => undefined,
    }),
    openPbx: async () => ({
      hostKey: 'SHA256:stand-in',
      read: async () => stockPbx(),
      apply: async (plan, hooks) => {
        beforePbx();
        const ids = [...plan.changes.map((c) => c.id), ...plan.steps.map((_, i) => pbxStepId(i + 1))];
        hooks.before(ids);
        for (const id of ids) {
          sent.push(`pbx ${id}`);
          hooks.after(id, true);
        }
      },
      askFsCli: async () => new Map(),
      gatewayNames: async () => new Map(),
      close: async () => undefined,
    }),
  };
  return { deps, sent };
}

async function refusal(work: Promise<unknown>): Promise<AppError> {
  try {
    await work;
  } catch (caught) {
    if (caught instanceof Failure) return caught.error;
    throw caught;
  }
  throw new Error('it went through');
}

/** No stack, no driver's class name in what the technician reads; the detail one line. */
function noStack(error: AppError): void {
  expect(error.code).toBe('io_failed');
  expect(error.message).not.toMatch(/\n|\bat .*:\d+|SqliteError|\[internal\]/);
  expect(error.detail ?? '').not.toContain('\n');
}

/** The API as browser mode and the desktop app call it, with the log it writes. */
function api(dataDir: string) {
  const logged: string[] = [];
  const dispatcher = createDispatcher(createHandlers(nodeEnv('browser', dataDir)), {
    error: (message, detail) => logged.push(`${message}: ${String(detail)}`),
  });
  const call = async (op: string, input: unknown): Promise<Result<unknown>> =>
    dispatcher.call(op, input, { signal: new AbortController().signal, progress: () => undefined });
  return { call, logged };
}

function failed(result: Result<unknown>): AppError {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value).slice(0, 200)}`);
  return result.error;
}

/** A history damaged inside: its header is whole (the file opens), the runs table's first page is not. */
async function damagedHistory(): Promise<{ dir: string; file: string; runIds: string[] }> {
  const dir = folder();
  const store = openStore(dir);
  const { deps } = standIns(store);
  const runIds: string[] = [];
  for (let i = 0; i < 6; i += 1) runIds.push((await planSite(deps, inputs)).runId);
  store.close();
  const file = join(dir, 'wizard.db');
  const reader = new Database(file, { readonly: true });
  const pageSize = Number(reader.pragma('page_size', { simple: true }));
  const rootpage =
    reader.prepare<[], { rootpage: number }>("SELECT rootpage FROM sqlite_master WHERE name = 'runs'").get()
      ?.rootpage ?? 0;
  reader.close();
  expect(rootpage).toBeGreaterThan(1);
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (rootpage - 1) * pageSize);
  closeSync(fd);
  return { dir, file, runIds };
}

function rawKey(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
}

describe.skipIf(!isRoot)('storage faults during an operation (needs root for tmpfs and bind mounts)', () => {
  it('the disk fills between plan and apply: nothing is sent, the sentence says so, and the plan applies once there is space', async () => {
    // Room for a whole apply's snapshot and journal once the filler is gone.
    const disk = smallDisk(4096);
    const store = openStore(disk.dir);
    cleanup.push(() => store.close());
    const { deps, sent } = standIns(store);
    const { runId } = await planSite(deps, inputs);
    disk.fill();
    const error = await refusal(applySite(deps, deps.store.getRun(runId), access, () => undefined));
    noStack(error);
    expect(error.message).toBe(
      `The disk holding the wizard's data folder (${disk.dir}) is full: free some space, then run the command again. Nothing was sent to the router or the PBX.`,
    );
    expect(error.detail).toMatch(/SQLITE_FULL|disk is full/);
    expect(sent).toEqual([]);
    // Nothing half-taken stays behind: no lock, the run still planned.
    disk.free();
    expect(store.getRun(runId).status).toBe('planned');
    const applied = await applySite(deps, deps.store.getRun(runId), access, () => undefined);
    expect(applied.status).toBe('applied');
    expect(sent.length).toBeGreaterThan(0);
  });

  it('the disk fills mid-apply, after the router half: the sentence counts what was sent and says what to do next', async () => {
    const disk = smallDisk();
    const store = openStore(disk.dir);
    cleanup.push(() => store.close());
    const { deps, sent } = standIns(store, disk.fill);
    const { runId } = await planSite(deps, inputs);
    const error = await refusal(applySite(deps, deps.store.getRun(runId), access, () => undefined));
    noStack(error);
    const routerSent = sent.filter((s) => s.startsWith('router ')).length;
    expect(routerSent).toBeGreaterThan(0);
    expect(sent.filter((s) => s.startsWith('pbx '))).toEqual([]);
    expect(error.message).toBe(
      `The disk holding the wizard's data folder (${disk.dir}) is full: free some space, then look at History: run ${runId} had sent ${routerSent} changes and PBX steps when it stopped (the record of the last ones may be missing), so verify the run or roll it back.`,
    );
  });

  it('through the API: a write on a full disk, a history reopened on one, a damaged history, a truncated one and a read-only folder are each one sentence, logged with their detail', async () => {
    const disk = smallDisk();
    const full = api(disk.dir);
    expect((await full.call('trust.list', {})).ok).toBe(true);
    disk.fill();
    const refused = failed(await full.call('trust.add', { key: rawKey(), name: 'Colleague' }));
    noStack(refused);
    expect(refused.message).toBe(
      `The disk holding the wizard's data folder (${disk.dir}) is full: free some space, then run the command again. Nothing was changed on the router or the PBX.`,
    );
    expect(full.logged).toEqual([expect.stringMatching(/^operation trust\.add failed: .*(SQLITE_FULL|disk is full)/)]);

    // A history reopened on a full disk: SQLite cannot grow its -shm file and says only "disk I/O error".
    const reopened = smallDisk();
    openStore(reopened.dir).close();
    reopened.fill();
    const atOpen = failed(await api(reopened.dir).call('history.list', {}));
    noStack(atOpen);
    expect(atOpen.message).toBe(
      `The disk holding the wizard's data folder (${reopened.dir}) is full: free some space, then run the command again. Nothing was recorded, and nothing was sent to the router or the PBX.`,
    );

    const { dir: damagedDir, file } = await damagedHistory();
    const damaged = failed(await api(damagedDir).call('history.list', {}));
    noStack(damaged);
    expect(damaged.message).toBe(
      `The wizard's history ${file} is damaged and cannot be read: move it out of the folder and keep it for support (the wizard then starts a new, empty history), then run the command again. Nothing was changed on the router or the PBX.`,
    );

    // Truncated to half: SQLite finds it malformed on opening; it is kept aside, never replaced in silence.
    const truncatedDir = folder();
    const truncating = openStore(truncatedDir);
    for (let i = 0; i < 6; i += 1) await planSite(standIns(truncating).deps, inputs);
    truncating.close();
    const whole = join(truncatedDir, 'wizard.db');
    truncateSync(whole, Math.floor(statSync(whole).size / 2));
    const truncated = failed(await api(truncatedDir).call('history.list', {}));
    noStack(truncated);
    expect(truncated.message).toMatch(
      /^The wizard's history wizard\.db in .* was damaged \(not a readable SQLite database\): it is kept as wizard\.db\.damaged-[\dT-]+Z, and the next command starts a new, empty history\.$/,
    );
    expect(readdirSync(truncatedDir).filter((f) => f.startsWith('wizard.db'))).toEqual([
      expect.stringMatching(/^wizard\.db\.damaged-/),
    ]);

    const readOnlyDir = folder();
    openStore(readOnlyDir).close();
    mount(['--bind', readOnlyDir], readOnlyDir);
    execFileSync('mount', ['-o', 'remount,bind,ro', readOnlyDir]);
    const readOnly = failed(await api(readOnlyDir).call('history.list', {}));
    noStack(readOnly);
    expect(readOnly.message).toMatch(/^The wizard's data folder \(.*\) is read-only: make it writable, /);
  });
});

describe('a new history, made by several processes at once', () => {
  it('is one history for all of them, never a 0-byte file one of them would have to set aside', async () => {
    const dir = folder();
    // Each process opens the same fresh folder and records its own site (SQLite is real, the processes are real).
    const script = join(dir, 'open.ts');
    writeFileSync(
      script,
      `import { openStore } from ${JSON.stringify(join(__dirname, '..', '..', 'electron', 'store'))};\n` +
        `const store = openStore(process.argv[2]!);\n` +
        `store.upsertSite({ routerHost: '127.0.10.' + process.argv[3], pbxHost: '127.0.11.1' });\n` +
        `store.close();\n`,
    );
    const data = join(dir, 'data');
    const runs = await Promise.all(
      [1, 2, 3, 4].map(
        (n) =>
          new Promise<string>((resolve) => {
            const child = spawn(process.execPath, ['--import', 'tsx', script, data, String(n)], {
              cwd: join(__dirname, '..', '..'),
              stdio: ['ignore', 'ignore', 'pipe'],
            });
            let stderr = '';
            child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
            child.on('close', (code) =>
              resolve(`${code}${code === 0 ? '' : ` ${stderr.split('\n').slice(0, 12).join('\n')}`}`),
            );
          }),
      ),
    );
    expect(runs).toEqual(['0', '0', '0', '0']);
    expect(readdirSync(data).sort()).toEqual(['wizard.db']);
    const store = openStore(data);
    expect(
      store
        .listSites()
        .map((site) => site.routerHost)
        .sort(),
    ).toEqual(['127.0.10.1', '127.0.10.2', '127.0.10.3', '127.0.10.4']);
    store.close();
  }, 60_000);
});

/*
 * The same faults through `fspbx-nat` as a process: the first line the technician reads, the exit
 * code, no stack, and the detail in wizard.log. The command is bundled from the current source as
 * build/build.mjs bundles it, into a folder of its own (dist/ is rebuilt by other test files).
 */
const root = join(__dirname, '..', '..');
const cliDir = join(root, 'node_modules', '.cache', `fspbx-cli-storage-${process.pid}`);
const cliJs = join(cliDir, 'cli.js');

function cli(dataDir: string, args: string[]): Promise<{ code: number; stderr: string; first: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliJs, '--data-dir', dataDir, ...args], {
      cwd: root,
      env: { ...process.env, FSPBX_NAT_NO_SCAN: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stderr, first: stderr.split('\n')[0] ?? '' }));
  });
}

describe('storage faults through fspbx-nat', () => {
  beforeAll(async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    await build({
      absWorkingDir: root,
      entryPoints: ['electron/cli/main.ts'],
      outfile: cliJs,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'warning',
      define: { __APP_VERSION__: JSON.stringify(pkg.version) },
      external: ['electron', 'better-sqlite3', 'ssh2', 'cpu-features', 'bufferutil', 'utf-8-validate'],
    });
  }, 120_000);
  afterAll(() => rmSync(cliDir, { recursive: true, force: true }));

  it('a history damaged inside: history and export each say so in one line naming the file, exit 1, the detail in the log', async () => {
    const { dir, file, runIds } = await damagedHistory();
    const sentence = `fspbx-nat: The wizard's history ${file} is damaged and cannot be read: move it out of the folder and keep it for support (the wizard then starts a new, empty history), then run the command again. Nothing was changed on the router or the PBX. [io_failed]`;
    const history = await cli(dir, ['history']);
    const exported = await cli(dir, ['export', '--run', runIds[3]!, '--out', join(dir, 'visit.zip')]);
    for (const ran of [history, exported]) {
      expect(ran.code).toBe(1);
      expect(ran.first).toBe(sentence);
      expect(ran.stderr).not.toMatch(/\n\s+at |SqliteError|\[internal\]/);
    }
    expect(readFileSync(join(dir, 'wizard.log'), 'utf8')).toMatch(/SQLITE_CORRUPT: database disk image is malformed/);
  });

  it('a history another process keeps locked: named once the wait is over, exit 1, nothing written', async () => {
    const dir = folder();
    openStore(dir).close();
    const holder = new Database(join(dir, 'wizard.db'));
    cleanup.push(() => holder.close());
    holder.exec('BEGIN IMMEDIATE');
    const ran = await cli(dir, ['trust', 'add', rawKey(), '--name', 'Colleague']);
    holder.exec('ROLLBACK');
    expect(ran.code).toBe(1);
    expect(ran.first).toBe(
      `fspbx-nat: Another program is writing to the wizard's history in ${dir} (another fspbx-nat, browser mode or the desktop app): let it finish or close it, then run the command again. Nothing was changed on the router or the PBX. [io_failed]`,
    );
    expect(holder.prepare('SELECT count(*) AS n FROM trusted_signers').get()).toEqual({ n: 0 });
  }, 20_000);
});
