/**
 * Runs inside the lab's tech host (the technician's laptop): the lab's bare round trips through
 * the wizard's own adapters, then whole site phases through one dispatcher, each timed and with
 * what it cost on the wire: SSH connections and exec channels, RouterOS API commands and round
 * trips (a round trip is a wave of commands in flight together, as tagged commands pipeline).
 * Reads { access, site, runs } as JSON on stdin; prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { Client } from 'ssh2';
import { createDispatcher } from '../../electron/api/dispatcher';
import { createHandlers } from '../../electron/api/handlers';
import { nodeEnv } from '../../electron/api/handlers/node-env';
import { readPbx } from '../../test/integration/helpers/boxes';
import { openSsh, type SshSession } from '../../electron/pbx/session/ssh';
import { ApiClient } from '../../electron/routeros/api/client';
import { connectRouter } from '../../electron/routeros/connection';
import { readRouterState } from '../../electron/routeros/reader';
import { pbxTarget, routerTarget } from '../../contract/schemas';

interface Counts {
  sshConnections: number;
  sshExecs: number;
  apiConnections: number;
  apiCommands: number;
  apiRoundTrips: number;
  /** Time the wizard slept on purpose (≥ 500 ms at once): FreeSWITCH's "Please wait N seconds". */
  waitsMs: number;
  /** fs_cli invocations on the PBX (the lab's stand-in logs one line each). */
  fsCliCalls: number;
}

const counts: Counts = {
  sshConnections: 0,
  sshExecs: 0,
  apiConnections: 0,
  apiCommands: 0,
  apiRoundTrips: 0,
  waitsMs: 0,
  fsCliCalls: 0,
};
let inFlight = 0;

function count(): void {
  const sshConnect = Client.prototype.connect;
  Client.prototype.connect = function (this: Client, ...args: Parameters<Client['connect']>) {
    counts.sshConnections += 1;
    return sshConnect.apply(this, args);
  };
  const sshExec = Client.prototype.exec as unknown as (...args: unknown[]) => boolean;
  (Client.prototype as unknown as { exec: (...args: unknown[]) => boolean }).exec = function (
    this: Client,
    ...args: unknown[]
  ) {
    counts.sshExecs += 1;
    return sshExec.apply(this, args);
  };
  const open = ApiClient.open.bind(ApiClient);
  ApiClient.open = (options) => {
    counts.apiConnections += 1;
    return open(options);
  };
  const command = ApiClient.prototype.command;
  ApiClient.prototype.command = function (this: ApiClient, path, words) {
    const sent = command.call(this, path, words);
    counts.apiCommands += 1;
    if (inFlight === 0) counts.apiRoundTrips += 1;
    inFlight += 1;
    sent.answer.then(
      () => (inFlight -= 1),
      () => (inFlight -= 1),
    );
    return sent;
  };
  const timeout = globalThis.setTimeout;
  globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) => {
    if ((ms ?? 0) >= 500) {
      const started = performance.now();
      return timeout(
        (...a: unknown[]) => {
          counts.waitsMs += performance.now() - started;
          fn(...a);
        },
        ms,
        ...rest,
      );
    }
    return timeout(fn, ms, ...rest);
  }) as typeof setTimeout;
}

function snapshot(): Counts {
  return { ...counts, fsCliCalls: fsCliLines() };
}

/** The stand-in's log, as this host sees the PBX host's files (given by the bench). */
let fsCliLog: string | undefined;
function fsCliLines(): number {
  if (!fsCliLog) return 0;
  try {
    return readFileSync(fsCliLog, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '').length;
  } catch {
    return 0;
  }
}

function since(before: Counts): Counts {
  const now = snapshot();
  return Object.fromEntries(
    Object.entries(now).map(([k, v]) => [k, Math.round((v - before[k as keyof Counts]) * 10) / 10]),
  ) as unknown as Counts;
}

interface Phase {
  ms: number;
  counts: Counts;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; phase: Phase }> {
  const before = snapshot();
  const t0 = performance.now();
  const value = await fn();
  return { value, phase: { ms: Math.round((performance.now() - t0) * 10) / 10, counts: since(before) } };
}

/** Milliseconds one command costs inside an exec: ten runs timed on the PBX, less ten runs of `true`. */
async function perCallMs(ssh: SshSession, command: string): Promise<number> {
  const loop = (cmd: string) =>
    `i=0; s=$(date +%s%N); while [ $i -lt 10 ]; do ${cmd} >/dev/null 2>&1; i=$((i+1)); done; e=$(date +%s%N); echo $(((e-s)/10))`;
  const ns = async (cmd: string) => Number((await ssh.run(['sh', '-c', loop(cmd)], { asRoot: true })).stdout.trim());
  return Math.round(((await ns(command)) - (await ns('true'))) / 1e5) / 10;
}

interface Input {
  access: { router: unknown; pbx: unknown };
  site: unknown;
  runs: number;
  /** FreeSWITCH refuses a profile restart this soon after the profile started. */
  settleMs: number;
  /** The fs_cli stand-in's log on this host's view of the PBX's files. */
  fsCliLog?: string;
}

async function main(): Promise<void> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const input = JSON.parse(text) as Input;
  const pbx = pbxTarget.parse(input.access.pbx);
  const router = routerTarget.parse(input.access.router);
  count();
  fsCliLog = input.fsCliLog;
  const out: Record<string, Phase[]> = {
    sshLogin: [],
    sshTrue: [],
    fsCli: [],
    apiLogin: [],
    apiPrint: [],
    pbxRead: [],
    routerRead: [],
    plan: [],
    apply: [],
    verify: [],
    rollback: [],
  };
  // Bare round trips: what the lab costs before the wizard does anything.
  for (let i = 0; i < input.runs * 3; i += 1) {
    const login = await timed(() => openSsh(pbx));
    out.sshLogin!.push(login.phase);
    out.sshTrue!.push((await timed(() => login.value.run(['true']))).phase);
    // The price of one fs_cli question as a batch pays it: ten in one exec, less ten of `true`.
    out.fsCli!.push({ ms: await perCallMs(login.value, 'fs_cli -x switchname'), counts: snapshot() });
    login.value.close();
    const api = await timed(() => connectRouter(router));
    out.apiLogin!.push(api.phase);
    out.apiPrint!.push((await timed(() => api.value.command('/system/identity/print'))).phase);
    await api.value.close();
  }
  for (let i = 0; i < input.runs; i += 1) {
    out.pbxRead!.push((await timed(() => readPbx(pbx))).phase);
    const conn = await connectRouter(router);
    out.routerRead!.push((await timed(() => readRouterState(conn))).phase);
    await conn.close();
  }
  const dispatcher = createDispatcher(createHandlers(nodeEnv('cli', `/tmp/fspbx-bench-${process.pid}`)), {
    error: (message, detail) => console.error(message, detail),
  });
  const call = async (op: string, body: unknown): Promise<unknown> => {
    const result = await dispatcher.call(op, body, { signal: new AbortController().signal, progress: () => undefined });
    if (!result.ok) throw new Error(`${op}: ${JSON.stringify(result.error)}`);
    return result.value;
  };
  const access = input.access;
  for (let i = 0; i < input.runs; i += 1) {
    const plan = await timed(() => call('site.plan', input.site) as Promise<{ runId: string }>);
    out.plan!.push(plan.phase);
    const runId = plan.value.runId;
    // Not the wizard's time: FreeSWITCH will not restart a profile that started < 10 s ago.
    await new Promise((r) => setTimeout(r, input.settleMs));
    counts.waitsMs = 0;
    const apply = await timed(() => call('site.apply', { runId, access }) as Promise<{ snapshotId: string }>);
    out.apply!.push(apply.phase);
    out.verify!.push((await timed(() => call('site.verify', { runId, access }))).phase);
    await call('site.confirm', { runId, access });
    await new Promise((r) => setTimeout(r, input.settleMs));
    const rollback = await timed(async () => {
      const planned = (await call('rollback.plan', { snapshotId: apply.value.snapshotId, access })) as {
        runId: string;
      };
      return call('rollback.apply', { runId: planned.runId, access });
    });
    out.rollback!.push(rollback.phase);
  }
  console.log(JSON.stringify(out));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
