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
import { countPlan, countWords } from '../../contract/plan-counts';
import type { ApplyResult, PlannedRun, RunSummary } from '../../contract/types';
import { connectRouter } from '../../electron/routeros/connection';
import { readRouterState } from '../../electron/routeros/reader';
import { MENUS, writableFields, type MenuKey } from '../../electron/routeros/state';
import { openStore } from '../../electron/store';
import { REPO_ROOT, startLab, type Endpoint, type Lab } from '../lab/lab';
import { nsenterArgv } from '../lab/netns';
import { runProgram } from '../lab/run';
import { SITE } from '../lab/topology';
import WebSocket from 'ws';
import type { ServerMessage } from '../../contract/wire';
import { createDispatcher } from '../../electron/api/dispatcher';
import { createHandlers } from '../../electron/api/handlers';
import { nodeEnv } from '../../electron/api/handlers/node-env';
import { installationSigner } from '../../electron/bundle';
import { startBrowserHost } from '../../electron/host/server';
import { createClient } from '../../renderer/src/api/client';
import { dropBox, forge, plantAttack, renamed, signedWith, strangerSigner } from './helpers/forge-bundle';
import { sortedDataDump } from './helpers/pbx-dump';

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

  it('a disk that fills between plan and apply: one sentence, exit 1, nothing sent; with room again the apply counts changes and PBX steps apart', async () => {
    // The data folder on a tmpfs mounted in the tech host's own (private) mount namespace.
    const kept = dataDir;
    dataDir = join(lab.dir, 'small-disk');
    const filler = join(dataDir, 'fill');
    expect((await lab.exec('tech', ['mkdir', '-p', dataDir])).code).toBe(0);
    expect((await lab.exec('tech', ['mount', '-t', 'tmpfs', '-o', 'size=8m', 'none', dataDir])).code).toBe(0);
    try {
      const routerBefore = await routerConfig();
      const pbxBefore = await pbxConfig();
      const planned = await cli<PlannedRun>(['plan', siteFile, ...secrets]);
      await lab.exec('tech', ['sh', '-c', `dd if=/dev/zero of=${filler} bs=4k 2>/dev/null; true`]);
      const apply = () =>
        runProgram(cliArgv(['apply', '--run', planned.runId, '--site', siteFile, '--yes', ...secrets]), {
          env,
          timeoutMs: 180_000,
        });
      const refused = await apply();
      expect(refused.code).toBe(1);
      expect(refused.stderr.split('\n')[0]).toBe(
        `fspbx-nat: The disk holding the wizard's data folder (${dataDir}) is full: free some space, then run the command again. Nothing was recorded, and nothing was sent to the router or the PBX. [io_failed]`,
      );
      expect(refused.stderr).not.toMatch(/\n\s+at |SqliteError|\[internal\]/);
      expect(await routerConfig()).toEqual(routerBefore);
      expect(await pbxConfig()).toEqual(pbxBefore);

      await lab.exec('tech', ['rm', '-f', filler]);
      const applied = await apply();
      expect(applied.code, applied.stderr).toBe(0);
      const counts = countPlan(planned.plan);
      expect(counts.pbxSteps).toBeGreaterThan(0);
      expect(applied.stdout.split('\n')[0]).toBe(`run ${planned.runId}: applied, ${countWords(counts)} applied`);
      // The history is on the tech host's tmpfs: read it there.
      const runs = await cli<RunSummary[]>(['history']);
      await rollbackTo(runs.find((r) => r.runId === planned.runId)!.snapshotId!);
      expect(await routerConfig()).toEqual(routerBefore);
      expect(await pbxConfig()).toEqual(pbxBefore);
    } finally {
      await lab.exec('tech', ['umount', '-l', dataDir]);
      dataDir = kept;
    }
  });
});

/*
 * Issue 21: forged bundles, imported through the CLI and through browser mode (the WebSocket
 * host), never put anything on either box that the wizard does not manage, and never an exec-set
 * line in vars.xml; each refusal is one sentence. A trusted colleague's bundle restores the
 * wizard's changes exactly. The boxes' state (router tables over the API, the PBX's rows and
 * vars.xml, the sorted pg_dump) is compared before and after, and from the stranger on the WAN
 * nothing new answers.
 */
describe('bundles from elsewhere, in the lab', () => {
  const colleagueDir = () => join(lab.dir, 'colleague-data');
  const techDir = () => join(lab.dir, 'tech-data');

  async function cliIn(dir: string, args: string[]) {
    const argv = nsenterArgv(
      lab.hosts.tech!,
      [process.execPath, 'bin/fspbx-nat.js', '--data-dir', dir, ...args],
      REPO_ROOT,
    );
    return runProgram(argv, { env, timeoutMs: 180_000 });
  }

  async function jsonIn<T>(dir: string, args: string[]): Promise<T> {
    const run = await cliIn(dir, ['--json', ...args]);
    if (run.code !== 0) throw new Error(`fspbx-nat ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
    return JSON.parse(run.stdout) as T;
  }

  /**
   * One sentence: no full stop followed by another sentence, and no stack trace. The trust refusal
   * ends with the command that would allow it ("To trust it: fspbx-nat trust add …"), as issue 21 words it.
   */
  function oneSentence(text: string): void {
    const line = text
      .trim()
      .replace(/^error: /i, '')
      .replace(/ To trust it: .*$/, '');
    expect(line.split('\n')).toHaveLength(1);
    expect(line).not.toMatch(/\bat .+:\d+:\d+|\[internal\]/);
    expect(line.split(/[.:] (?=[A-Z])/).length).toBeLessThanOrEqual(2);
  }

  async function strangerReaches(port: number): Promise<boolean> {
    const r = await lab.exec('stranger', ['timeout', '3', 'bash', '-c', `exec 3<>/dev/tcp/${SITE.router.wan}/${port}`]);
    return r.code === 0;
  }

  async function boxes() {
    const vars = await lab.exec('pbx', ['cat', '/etc/freeswitch/vars.xml']);
    const pwned = await lab.exec('pbx', ['sh', '-c', 'ls /tmp/fspbx-pwned* 2>/dev/null | wc -l']);
    return {
      router: await routerConfig(),
      // The rows; vars.xml apart: a restore from a bundle renders it from the rows (the bundle carries no
      // vars.xml text), so its variables and commands are compared, line by line, not its layout.
      pbx: (await pbxConfig()).split('\n--- vars.xml\n')[0],
      varsLines: vars.stdout
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.startsWith('<X-PRE-PROCESS'))
        .sort(),
      dump: await sortedDataDump(lab),
      varsXml: vars.stdout,
      pwned: Number(pwned.stdout.trim()),
    };
  }

  function noAttack(state: Awaited<ReturnType<typeof boxes>>): void {
    expect(state.varsXml).not.toMatch(/exec-set|fspbx-pwned/);
    expect(state.pwned).toBe(0);
    expect(JSON.stringify(state.router.nat)).not.toContain('"dst-port":"2222"');
    const drop = (state.router.filter ?? []).find((r) => r.comment === 'defconf: drop all not coming from LAN');
    expect(drop?.disabled ?? 'false').not.toBe('true');
  }

  it('refuses forged bundles through the CLI and browser mode, and rolls back to a trusted colleague exactly', async () => {
    const before = await boxes();
    const sshBefore = await strangerReaches(22);

    // A colleague's visit, on their installation, exported as their signed bundle.
    const planned = await jsonIn<PlannedRun>(colleagueDir(), ['plan', siteFile, ...secrets]);
    await jsonIn<ApplyResult>(colleagueDir(), [
      'apply',
      '--run',
      planned.runId,
      '--site',
      siteFile,
      '--yes',
      ...secrets,
    ]);
    await jsonIn<RunSummary>(colleagueDir(), [
      'confirm',
      '--run',
      planned.runId,
      '--site',
      siteFile,
      '--yes',
      ...secrets,
    ]);
    const visited = await boxes();
    expect(visited.router).not.toEqual(before.router);
    const bundlePath = join(lab.dir, 'colleague.zip');
    await jsonIn(colleagueDir(), ['export', '--run', planned.runId, '--out', bundlePath]);
    const bundle = new Uint8Array(readFileSync(bundlePath));
    const colleague = installationSigner(colleagueDir());
    const store = openStore(colleagueDir());
    const originalSnapshot = store.getRun(planned.runId).snapshotId!;
    store.close();
    // renamed() gives each forged copy the snapshot id `<first 40 characters>-<name>`.
    const snapshotOf = (name: string) => `${originalSnapshot.slice(0, 40)}-${name}`;

    // The forged ones, each under its own ids.
    const forged = {
      unsigned: forge(bundle, (f) => (renamed(f, 'unsigned'), plantAttack(f, SITE.pbx))),
      stranger: forge(bundle, (f) => (renamed(f, 'stranger'), plantAttack(f, SITE.pbx)), signedWith(strangerSigner())),
      trustedEvil: forge(bundle, (f) => (renamed(f, 'evil'), plantAttack(f, SITE.pbx)), signedWith(colleague)),
      noBox: forge(bundle, (f) => (renamed(f, 'nobox'), dropBox(f)), signedWith(colleague)),
    };
    const files = Object.fromEntries(
      Object.entries(forged).map(([name, bytes]) => {
        const path = join(lab.dir, `forged-${name}.zip`);
        writeFileSync(path, bytes);
        return [name, path];
      }),
    ) as Record<keyof typeof forged, string>;

    // ── CLI ──
    // The genuine bundle, before its signer is trusted: read, not rolled back to, and said so.
    const imported = await cliIn(techDir(), ['import', bundlePath]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(
      `This bundle was signed by an installation you have not trusted (key ${colleague.fingerprint}): it can be read, not rolled back to. To trust it: fspbx-nat trust add ${colleague.publicKey} --name`,
    );
    const early = await cliIn(techDir(), ['rollback', '--snapshot', originalSnapshot, '--site', siteFile, ...secrets]);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('you have not trusted');
    oneSentence(early.stderr);
    // Trusted by the fingerprint the colleague reads out; the key itself comes from the bundle already imported.
    const trusted = await cliIn(techDir(), ['trust', 'add', colleague.fingerprint, '--name', 'Colleague']);
    expect(trusted.code).toBe(0);
    expect((await cliIn(techDir(), ['trust', 'list'])).stdout).toContain(`${colleague.fingerprint}  Colleague`);
    expect((await cliIn(techDir(), ['history'])).stdout).toContain('signed by an installation you trust (Colleague');

    // Now it restores the wizard's changes exactly.
    const rolled = await jsonIn<PlannedRun>(techDir(), [
      'rollback',
      '--snapshot',
      originalSnapshot,
      '--site',
      siteFile,
      ...secrets,
    ]);
    const applied = await jsonIn<ApplyResult>(techDir(), [
      'rollback-apply',
      '--run',
      rolled.runId,
      '--site',
      siteFile,
      '--yes',
      ...secrets,
    ]);
    expect(applied.status).toBe('confirmed');
    const restored = await boxes();
    expect(restored.router).toEqual(before.router);
    expect(restored.pbx).toEqual(before.pbx);
    expect(restored.varsLines).toEqual(before.varsLines);
    expect(restored.dump).toEqual(before.dump);

    // Unsigned and a stranger's: imported for reading, refused for rollback before any login.
    for (const name of ['unsigned', 'stranger'] as const) {
      const out = await cliIn(techDir(), ['import', files[name]]);
      expect(out.code, `${name}: ${out.stderr}`).toBe(0);
      expect(out.stdout, name).toMatch(/it can be read, not rolled back to/);
      const refused = await cliIn(techDir(), [
        'rollback',
        '--snapshot',
        snapshotOf(name),
        '--site',
        siteFile,
        ...secrets,
      ]);
      expect(refused.code, name).toBe(2);
      expect(refused.stderr, name).toMatch(/not rolled back to/);
      oneSentence(refused.stderr);
    }
    // Without its boxes: not even imported.
    const noBox = await cliIn(techDir(), ['import', files.noBox]);
    expect(noBox.code).toBe(2);
    expect(noBox.stderr).toContain('does not say which router and PBX it was taken of');
    oneSentence(noBox.stderr);
    // Trusted, but carrying the attack: whatever a rollback plans, nothing the wizard does not manage goes out.
    const evilImport = await cliIn(techDir(), ['import', files.trustedEvil]);
    if (evilImport.code === 0) {
      const evilPlan = await cliIn(techDir(), [
        '--json',
        'rollback',
        '--snapshot',
        snapshotOf('evil'),
        '--site',
        siteFile,
        ...secrets,
      ]);
      if (evilPlan.code === 0) {
        const plan = JSON.parse(evilPlan.stdout) as PlannedRun;
        expect(JSON.stringify(plan.plan.changes)).not.toMatch(/2222|exec-set|Exec-Set|pwn/);
        if (plan.plan.changes.length > 0) {
          await cliIn(techDir(), ['rollback-apply', '--run', plan.runId, '--site', siteFile, '--yes', ...secrets]);
        }
      } else oneSentence(evilPlan.stderr);
    } else oneSentence(evilImport.stderr);
    const afterCli = await boxes();
    noAttack(afterCli);
    expect(afterCli.router).toEqual(before.router);
    expect(afterCli.pbx).toEqual(before.pbx);
    expect(afterCli.varsLines).toEqual(before.varsLines);
    // Nothing was written to vars.xml by any forged bundle: byte for byte as the trusted rollback left it.
    expect(afterCli.varsXml).toBe(restored.varsXml);

    // ── browser mode: the same bundles through the WebSocket host, logins relayed to the lab's boxes ──
    const pbxRelay = await lab.relay('tech', { host: SITE.pbx, port: 22 });
    const host = await startBrowserHost({
      dispatcher: createDispatcher(createHandlers(nodeEnv('browser', join(lab.dir, 'browser-data')))),
      rendererDir: lab.dir,
    });
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`, {
      origin: `http://127.0.0.1:${host.port}`,
    });
    try {
      await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
      const client = createClient({
        send: (m) => ws.send(JSON.stringify(m)),
        onMessage: (listener) => {
          const h = (data: WebSocket.RawData) => listener(JSON.parse(data.toString()) as ServerMessage);
          ws.on('message', h);
          return () => ws.off('message', h);
        },
      });
      const access = {
        router: {
          host: api.host,
          port: api.port,
          username: lab.router!.user,
          password: lab.router!.password,
          fingerprint: lab.router!.fingerprint,
        },
        pbx: {
          host: pbxRelay.host,
          port: pbxRelay.port,
          username: 'root',
          auth: { kind: 'password' as const, password: lab.ssh.rootPassword },
          hostKey: lab.hostKeys.pbx,
        },
      };
      const added = await client.call('trust.add', { key: colleague.publicKey, name: 'Colleague' });
      expect(added).toMatchObject({ ok: true, value: { fingerprint: colleague.fingerprint } });
      for (const name of ['unsigned', 'stranger'] as const) {
        const imp = await client.call('bundle.import', { path: files[name] });
        expect(imp, name).toMatchObject({ ok: true, value: { imported: { trusted: false } } });
        const refused = await client.call('rollback.plan', { snapshotId: snapshotOf(name), access });
        expect(refused, name).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
        if (!refused.ok) {
          expect(refused.error.message).toMatch(/it can be read, not rolled back to\./);
          oneSentence(refused.error.message);
        }
      }
      const noBoxed = await client.call('bundle.import', { path: files.noBox });
      expect(noBoxed).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      if (!noBoxed.ok) oneSentence(noBoxed.error.message);
      const evil = await client.call('bundle.import', { path: files.trustedEvil });
      if (evil.ok) {
        const plan = await client.call('rollback.plan', { snapshotId: snapshotOf('evil'), access });
        if (plan.ok) {
          expect(JSON.stringify(plan.value.plan.changes)).not.toMatch(/2222|exec-set|Exec-Set|pwn/);
          if (plan.value.plan.changes.length > 0)
            await client.call('rollback.apply', { runId: plan.value.runId, access });
        } else oneSentence(plan.error.message);
      } else oneSentence(evil.error.message);
    } finally {
      ws.close();
      await host.close();
    }
    const after = await boxes();
    noAttack(after);
    expect(after.router).toEqual(before.router);
    expect(after.pbx).toEqual(before.pbx);
    expect(after.varsLines).toEqual(before.varsLines);
    expect(after.varsXml).toBe(restored.varsXml);
    expect(after.dump).toEqual(before.dump);
    // From outside, nothing new answers (the forward to the PBX's SSH was never made).
    expect(await strangerReaches(2222)).toBe(false);
    expect(await strangerReaches(22)).toBe(sshBefore);
  });
});
