/**
 * The command line runs whole visits in the lab, from the technician's laptop
 * (`tech`): two runs, then a rollback to the first snapshot restores both
 * boxes exactly; and an apply killed mid-way is found unfinished on the next
 * start and rolled back. Box state is compared before and after: the router's
 * configuration over its API, the PBX's tables and vars.xml over its shell.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerTarget } from '../../contract/schemas';
import type { ApplyResult, PlannedRun, RunSummary } from '../../contract/types';
import { connectRouter } from '../../electron/routeros/connection';
import { readRouterState } from '../../electron/routeros/reader';
import { MENUS, writableFields, type MenuKey } from '../../electron/routeros/state';
import { openStore } from '../../electron/store';
import { REPO_ROOT, startLab, type Endpoint, type Lab } from '../lab/lab';
import { nsenterArgv } from '../lab/netns';
import { runProgram } from '../lab/run';
import { SITE } from '../lab/topology';

let lab: Lab;
let api: Endpoint;
let dataDir: string;
let siteFile: string;
let env: NodeJS.ProcessEnv;

function cliArgv(args: string[]): string[] {
  return nsenterArgv(
    lab.hosts.tech!,
    [process.execPath, 'bin/fspbx-nat.js', '--data-dir', dataDir, ...args],
    REPO_ROOT,
  );
}

async function cli<T>(args: string[]): Promise<T> {
  const run = await runProgram(cliArgv(['--json', ...args]), { env, timeoutMs: 180_000 });
  if (run.code !== 0) throw new Error(`fspbx-nat ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** The router's configuration as a technician would compare it: every menu, writable fields only, no counters or ids. */
async function routerConfig(): Promise<Record<string, Record<string, string>[]>> {
  const conn = await connectRouter(
    routerTarget.parse({
      host: api.host,
      port: api.port,
      username: lab.router!.user,
      password: lab.router!.password,
      fingerprint: lab.router!.fingerprint,
    }),
  );
  try {
    const state = await readRouterState(conn);
    const out: Record<string, Record<string, string>[]> = {};
    for (const key of Object.keys(MENUS) as MenuKey[]) out[key] = state[key].map(writableFields);
    return out;
  } finally {
    await conn.close();
  }
}

/** The PBX rows the wizard may touch, in a fixed order, and vars.xml byte for byte. */
async function pbxConfig(): Promise<string> {
  const sql =
    "select string_agg(t::text, E'\\n' order by t::text) from (" +
    'select row(s.*)::text as t from v_sip_profile_settings s union all ' +
    'select row(v.*)::text from v_vars v union all ' +
    'select row(e.extension, e.sip_bypass_media, e.description)::text from v_extensions e) q';
  const rows = await lab.exec('pbx', ['sudo', '-u', 'postgres', 'psql', '-X', '-At', '-d', 'fusionpbx', '-c', sql]);
  const vars = await lab.exec('pbx', ['cat', '/etc/freeswitch/vars.xml']);
  if (rows.code !== 0) throw new Error(rows.stderr);
  return `${rows.stdout}\n--- vars.xml\n${vars.stdout}`;
}

beforeAll(async () => {
  // bin/fspbx-nat.js runs the built command: build the current source first.
  await runProgram([process.execPath, join(REPO_ROOT, 'build', 'build.mjs'), '--quiet'], { timeoutMs: 120_000 });
  lab = await startLab();
  api = await lab.relay('tech', { host: SITE.router.lan, port: lab.router!.apiSslPort });
  dataDir = join(lab.dir, 'cli-data');
  siteFile = join(lab.dir, 'site.json');
  env = { ...process.env, ROUTER_PW: lab.router!.password, PBX_PW: lab.ssh.rootPassword };
  delete env.FSPBX_NAT_NO_SCAN;
  // No password in the file: the CLI takes them from the environment.
  writeFileSync(
    siteFile,
    JSON.stringify({
      router: {
        host: SITE.router.lan,
        port: lab.router!.apiSslPort,
        username: lab.router!.user,
        fingerprint: lab.router!.fingerprint,
      },
      pbx: { host: SITE.pbx, username: 'root', auth: { kind: 'password', password: '' }, hostKey: lab.hostKeys.pbx },
      trunks: [{ name: 'Carrier', address: SITE.trunk }],
      phones: [],
      options: { revertMinutes: 5 },
    }),
  );
});

afterAll(async () => {
  await lab?.stop();
});

const secrets = ['--router-password-env', 'ROUTER_PW', '--pbx-password-env', 'PBX_PW'];

async function visit(): Promise<{ runId: string; snapshotId: string }> {
  const planned = await cli<PlannedRun>(['plan', siteFile, ...secrets]);
  const applied = await cli<ApplyResult>(['apply', '--run', planned.runId, '--site', siteFile, '--yes', ...secrets]);
  expect(applied.status).toBe('applied');
  await cli<RunSummary>(['confirm', '--run', planned.runId, '--site', siteFile, '--yes', ...secrets]);
  return { runId: planned.runId, snapshotId: applied.snapshotId! };
}

async function rollbackTo(snapshotId: string): Promise<void> {
  const planned = await cli<PlannedRun>(['rollback', '--snapshot', snapshotId, '--site', siteFile, ...secrets]);
  const applied = await cli<ApplyResult>([
    'rollback-apply',
    '--run',
    planned.runId,
    '--site',
    siteFile,
    '--yes',
    ...secrets,
  ]);
  expect(applied.status).toBe('confirmed');
}

describe('the CLI in the lab', () => {
  it('runs two visits, then rolls both boxes back to the first snapshot exactly', async () => {
    const routerBefore = await routerConfig();
    const pbxBefore = await pbxConfig();
    const first = await visit();
    expect(await routerConfig()).not.toEqual(routerBefore);
    expect(await pbxConfig()).not.toEqual(pbxBefore);
    // A second visit: a remote phone is added.
    const site = JSON.parse(readFileSync(siteFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(siteFile, JSON.stringify({ ...site, phones: [{ name: 'Home office', address: SITE.phone }] }));
    await visit();
    await rollbackTo(first.snapshotId);
    expect(await routerConfig()).toEqual(routerBefore);
    expect(await pbxConfig()).toEqual(pbxBefore);
    writeFileSync(siteFile, JSON.stringify(site));
  });

  it('finds an apply killed mid-way unfinished on the next start, and rolls it back', async () => {
    const routerBefore = await routerConfig();
    const pbxBefore = await pbxConfig();
    const planned = await cli<PlannedRun>(['plan', siteFile, ...secrets]);
    const [file, ...args] = cliArgv(['apply', '--run', planned.runId, '--site', siteFile, '--yes', ...secrets]);
    const child = spawn(file!, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Killed as soon as the first change is reported sent: the router has part of the plan.
    await new Promise<void>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`apply never reported a change: ${err}`)), 120_000);
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        if (/^ok /m.test(err)) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.once('exit', r));

    // The next start: the history shows the run unfinished.
    const runs = await cli<RunSummary[]>(['history']);
    expect(runs.find((r) => r.runId === planned.runId)?.status).toBe('applying');
    const store = openStore(dataDir);
    const snapshotId = store.getRun(planned.runId).snapshotId!;
    const journal = store.readJournal(planned.runId);
    store.close();
    expect(journal.some((j) => j.status === 'done')).toBe(true);

    // Half-applied: verification fails, and the command says so with its exit code.
    const verify = await runProgram(cliArgv(['verify', '--run', planned.runId, '--site', siteFile, ...secrets]), {
      env,
      timeoutMs: 120_000,
    });
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/FAIL|fail/);

    await rollbackTo(snapshotId);
    expect(await routerConfig()).toEqual(routerBefore);
    expect(await pbxConfig()).toEqual(pbxBefore);
  });
});
