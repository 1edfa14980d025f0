/**
 * `npm run demo` as README tells a newcomer to run it (as root): the site comes up, the wizard
 * starts with Scan off, and a whole visit runs through the command lines the demo prints (plan,
 * apply, verify, confirm, history, rollback, rollback-apply, export). Then two applies of one run
 * at once: one proceeds, the other is refused, and the router's revert still fires on time. Ctrl+C
 * (SIGINT to the demo's process group, as a terminal sends it) leaves no process and no lab
 * folder behind, and keeps the wizard's data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { RouterOSAPI } from 'node-routeros';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lab/lab';
import { isAlive } from '../lab/netns';
import { processStart, readRecord, runDir, type RunRecord } from '../lab/registry';
import { runProgram, type RunResult } from '../lab/run';

const isRoot = process.getuid?.() === 0;

interface Printed {
  lines: string[];
  env: NodeJS.ProcessEnv;
  /** The printed CLI lines by subcommand (plan, apply, …), split into argv. */
  commands: Map<string, string[]>;
  labId: string;
  dataDir: string;
  url: string;
  router: { host: string; apiPort: number; user: string; password: string };
}

let demo: ChildProcess | undefined;
let printed: Printed;
let output = '';

/** Waits (bounded) until the demo has printed `pattern`. */
function printedLine(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(output);
      if (match) {
        clearInterval(timer);
        clearTimeout(limit);
        resolve(match);
      } else if (demo?.exitCode !== null) {
        clearInterval(timer);
        clearTimeout(limit);
        reject(new Error(`the demo exited (${demo?.exitCode}) before printing ${pattern}:\n${output}`));
      }
    };
    const timer = setInterval(check, 200);
    const limit = setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`the demo did not print ${pattern} within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
  });
}

function parse(text: string): Printed {
  const lines = text.split('\n');
  const env: NodeJS.ProcessEnv = { ...process.env };
  const commands = new Map<string, string[]>();
  for (const line of lines) {
    const exported = /^ {2}export (\w+)='([^']*)'$/.exec(line);
    if (exported) env[exported[1]!] = exported[2]!;
    if (/^ {2}node bin\/fspbx-nat\.js /.test(line)) {
      const argv = line.trim().split(/\s+/);
      // node bin/fspbx-nat.js --data-dir DIR <command> …
      commands.set(argv[4]!, argv);
    }
  }
  const router = /MikroTik router {2}(\S+) {2}API-SSL port \d+, API port (\d+)\n\s+user (\S+) {2}password (\S+)/.exec(
    text,
  );
  if (!router) throw new Error(`the demo printed no router:\n${text}`);
  return {
    lines,
    env,
    commands,
    labId: /as lab (\S+);/.exec(text)![1]!,
    dataDir: /history, snapshots and exported bundles in (\S+)/.exec(text)![1]!,
    url: /(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(text)![1]!,
    router: { host: router[1]!, apiPort: Number(router[2]), user: router[3]!, password: router[4]! },
  };
}

/** Runs a printed line with its placeholders filled in. */
function cli(command: string, fill: Record<string, string> = {}, extra: string[] = []): Promise<RunResult> {
  const argv = printed.commands.get(command);
  if (!argv) throw new Error(`the demo printed no "${command}" line`);
  const filled = argv.map((arg) => fill[arg] ?? arg);
  if (filled.some((arg) => /^<.*>$/.test(arg))) throw new Error(`unfilled placeholder in ${filled.join(' ')}`);
  return runProgram([process.execPath, ...filled.slice(1), ...extra], { env: printed.env, timeoutMs: 180_000 });
}

function ok(result: RunResult, what: string): RunResult {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

const runIdOf = (stdout: string) => /^run ([0-9a-f-]{36})/m.exec(stdout)![1]!;

async function onRouter<T>(use: (api: RouterOSAPI) => Promise<T>): Promise<T> {
  const { host, apiPort, user, password } = printed.router;
  const api = new RouterOSAPI({ host, port: apiPort, user, password, timeout: 10 });
  await api.connect();
  try {
    return await use(api);
  } finally {
    await api.close();
  }
}

let record: RunRecord | undefined;

beforeAll(async () => {
  if (!isRoot) return;
  // Exactly README's line, in a process group of its own so that SIGINT reaches all of it as Ctrl+C would.
  demo = spawn('npm', ['run', 'demo'], { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  demo.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await printedLine(/Press Ctrl\+C to stop\./, 240_000);
  printed = parse(output);
  record = await readRecord(printed.labId);
}, 300_000);

afterAll(async () => {
  // Whatever happened above: the demo's whole group goes (its own Ctrl+C path first).
  if (demo?.pid && demo.exitCode === null) {
    try {
      process.kill(-demo.pid, 'SIGINT');
    } catch {
      // already gone
    }
    await new Promise((r) => setTimeout(r, 20_000));
  }
  if (printed?.dataDir?.includes('fspbx-demo-data-')) rmSync(printed.dataDir, { recursive: true, force: true });
}, 60_000);

describe.skipIf(!isRoot)('npm run demo (needs root: the PBX host has private mounts)', () => {
  it('prints the logins, what to type in step 4 and where the data stays, with Scan off', async () => {
    expect(output).toContain('Scan is off in the demo');
    expect(output).toContain('Scan off: FSPBX_NAT_NO_SCAN=1');
    expect(output).toMatch(/SIP trunk provider {2}name "Carrier" {2}address 198\.51\.100\.10/);
    expect(output).toContain('Ctrl-C stops the site and the wizard and keeps that folder');
    expect(printed.dataDir.startsWith(runDir(printed.labId))).toBe(false);
    expect(existsSync(`${printed.dataDir}/site.json`)).toBe(true);
    expect(readFileSync(`${printed.dataDir}/site.json`, 'utf8')).not.toContain(printed.router.password);
    expect(record?.pids.length).toBeGreaterThan(0);
    // The wizard answers at the printed address.
    const page = await fetch(printed.url.split('#')[0]!);
    expect(page.status).toBe(200);
  });

  it('runs a whole visit through the printed command lines', async () => {
    const planned = ok(await cli('plan'), 'plan');
    const run = runIdOf(planned.stdout);
    expect(planned.stdout).toMatch(/^run \S+: \d+ changes/m);

    const applied = ok(await cli('apply', { '<run>': run }), 'apply');
    expect(applied.stdout).toContain(`run ${run}: applied`);
    const snapshot = /Snapshot (\S+) saved\./.exec(applied.stderr)![1]!;

    const verified = await cli('verify', { '<run>': run });
    expect(verified.stdout).toMatch(new RegExp(`run ${run}: (pass|warn)`));
    expect(verified.code).toBe(0);

    ok(await cli('confirm', { '<run>': run }), 'confirm');
    expect(ok(await cli('history'), 'history').stdout).toMatch(new RegExp(`confirmed\\s+\\d+\\s+${run}`));

    const rollback = ok(await cli('rollback', { '<snapshot>': snapshot }), 'rollback');
    const rollbackRun = runIdOf(rollback.stdout);
    const restored = ok(await cli('rollback-apply', { '<rollback-run>': rollbackRun }), 'rollback-apply');
    expect(restored.stdout).toContain(`run ${rollbackRun}: confirmed`);
    const history = ok(await cli('history'), 'history').stdout;
    expect(history).toMatch(new RegExp(`rolled-back\\s+\\d+\\s+${run}`));

    ok(await cli('export', { '<run>': run }), 'export');
    expect(existsSync(`${printed.dataDir}/visit.zip`)).toBe(true);
  });

  it('lets one of two applies of the same run proceed, refuses the other, and the revert still fires', async () => {
    // The printed site file with a one-minute revert (the shortest the wizard allows).
    const site = JSON.parse(readFileSync(`${printed.dataDir}/site.json`, 'utf8')) as Record<string, unknown>;
    const short = `${printed.dataDir}/site-1min.json`;
    writeFileSync(short, JSON.stringify({ ...site, options: { revertMinutes: 1 } }));
    const siteFile = `${printed.dataDir}/site.json`;
    const planArgv = printed.commands.get('plan')!.map((a) => (a === siteFile ? short : a));
    const planned = await runProgram([process.execPath, ...planArgv.slice(1)], {
      env: printed.env,
      timeoutMs: 180_000,
    });
    const run = runIdOf(ok(planned, 'plan').stdout);
    const natBefore = await onRouter(async (api) => ((await api.write('/ip/firewall/nat/print')) as unknown[]).length);

    const both = await Promise.all([
      cli('apply', { '<run>': run, [siteFile]: short }),
      cli('apply', { '<run>': run, [siteFile]: short }),
    ]);
    const winners = both.filter((r) => r.code === 0);
    const losers = both.filter((r) => r.code !== 0);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(winners[0]!.stdout).toContain(`run ${run}: applied`);
    expect(losers[0]!.stderr).toMatch(/another apply, confirm or rollback of this (run|site) is under way/i);
    const { nat, revertJobs } = await onRouter(async (api) => ({
      nat: ((await api.write('/ip/firewall/nat/print')) as unknown[]).length,
      revertJobs: ((await api.write('/system/scheduler/print')) as { name?: string }[]).filter(
        (s) => s.name === 'fspbx-nat-revert',
      ).length,
    }));
    expect(nat).toBeGreaterThan(natBefore);
    // The loser removed nothing of the winner's: its revert job is still armed.
    expect(revertJobs).toBe(1);

    // Nobody confirms: the router undoes its part by itself (bounded wait past the minute).
    const deadline = Date.now() + 150_000;
    let after = nat;
    while (Date.now() < deadline && after !== natBefore) {
      await new Promise((r) => setTimeout(r, 5000));
      after = await onRouter(async (api) => ((await api.write('/ip/firewall/nat/print')) as unknown[]).length);
    }
    expect(after).toBe(natBefore);
  }, 300_000);

  it('Ctrl+C stops the site and the wizard and removes the lab, keeping the data folder', async () => {
    const pid = demo!.pid!;
    const exited = new Promise<number | null>((resolve) => demo!.once('exit', (code) => resolve(code)));
    process.kill(-pid, 'SIGINT');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000))]);
    expect(code).not.toBe('hung');
    // npm exits on the signal at once; the demo's clean-up goes on and prints when done.
    for (let i = 0; i < 300 && !output.includes('The site is stopped and removed.'); i += 1) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(output).toContain('The site is stopped and removed.');
    expect(existsSync(runDir(printed.labId))).toBe(false);
    expect(await readRecord(printed.labId)).toBeUndefined();
    for (const { pid: held, start } of record?.pids ?? []) {
      const alive = isAlive(held) && (await processStart(held)) === start;
      expect(alive, `lab process ${held}`).toBe(false);
    }
    // Nothing of the demo's process group is left (npm exits first; its children finish their clean-up after).
    const groupAlive = () => {
      try {
        process.kill(-pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && groupAlive(); i += 1) await new Promise((r) => setTimeout(r, 200));
    const left = groupAlive() ? (await runProgram(['ps', '-o', 'pid,args', '-g', String(pid)])).stdout : '';
    expect(left).toBe('');
    expect(existsSync(`${printed.dataDir}/wizard.db`)).toBe(true);
  }, 90_000);
});
