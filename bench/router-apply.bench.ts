/**
 * Applying the same desired state to the MikroTik simulator in the site lab,
 * from the tech host with 20 ms added latency (tc netem on tech's LAN port,
 * inside the lab's namespace only): this engine (read + plan + revert job +
 * pipelined apply) beside Ansible `community.routeros.api_modify` (one task
 * per menu) in the same run. Round trips are counted by a relay in this
 * process: one per TCP connection plus one per client flight (the client
 * speaking again after the router answered). Target (issue 6): at least 3×
 * faster than Ansible and within 2× of the round-trip lower bound (connect,
 * log in, read, write: 4). Plain API on both sides. Needs root (namespaces).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { routerTarget, type RouterTarget } from '../electron/api/schemas';
import { connectRouter, type RouterConnection } from '../electron/routeros/connection';
import { applyRouterPlan, readRouterForApply, restoreRouter } from '../electron/routeros/engine';
import type { RouterPlanInputs } from '../electron/routeros/inputs';
import { planRouter, type RouterPlan } from '../electron/routeros/plan';
import { readRouterState } from '../electron/routeros/reader';
import type { RouterState } from '../electron/routeros/state';
import { startLab, type Endpoint, type Lab } from '../test/lab/lab';
import { SITE } from '../test/lab/topology';

export interface RouterApplyBench {
  runs: number;
  latencyMs: number;
  /** Median measured round trip (identity print) through the delayed link. */
  rttMs: number;
  changes: number;
  ours: { medianMs: number; roundTrips: number };
  ansible: { medianMs: number; roundTrips: number; connections: number };
  lowerBound: { roundTrips: number; ms: number };
  ratios: { ansibleOverOurs: number; oursOverLowerBoundMs: number; oursOverLowerBoundTrips: number };
  targets: { threeTimesFasterThanAnsible: boolean; withinTwiceLowerBound: boolean };
}

const LATENCY_MS = 20;
const RUNS = 3;
const LOWER_BOUND_TRIPS = 4;

const INPUTS: RouterPlanInputs = {
  pbxAddress: SITE.pbx,
  trunks: [
    { name: 'Carrier', address: SITE.trunk },
    { name: 'Carrier backup', address: '198.51.100.0/28' },
  ],
  phones: [{ name: 'Home office', address: SITE.phone }],
  pbxRtp: { start: 16384, end: 32768 },
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.floor(s.length / 2)]!.toFixed(1));
};

/** Counts connections and client flights between a client and the lab's relay. */
interface Counter {
  connections: number;
  flights: number;
}

function countingRelay(target: Endpoint, counter: Counter): Promise<{ server: Server; port: number }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    counter.connections += 1;
    let lastFromClient = false;
    const upstream = tcpConnect(target.port, target.host);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      if (!lastFromClient) counter.flights += 1;
      lastFromClient = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      lastFromClient = false;
      client.write(chunk);
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    }),
  );
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

function planOf(state: RouterState): RouterPlan {
  const result = planRouter(state, INPUTS);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.plan;
}

/** The same desired state for api_modify: one task per menu, entries as the plan would add or set them. */
function playbook(plan: RouterPlan, api: Record<string, unknown>): unknown[] {
  const entries = (path: string): Record<string, string>[] =>
    plan.changes
      .filter((c) => c.path === path && c.action === 'add')
      .map(
        (c) =>
          Object.fromEntries(Object.entries(c.after ?? {}).filter(([, v]) => v !== null)) as Record<string, string>,
      );
  const task = (path: string, data: unknown[], extra: Record<string, unknown> = {}) => ({
    name: path,
    'community.routeros.api_modify': {
      ...api,
      path: path.slice(1).split('/').join(' '),
      data,
      handle_absent_entries: 'ignore',
      handle_entries_content: 'ignore',
      ...extra,
    },
  });
  return [
    {
      hosts: 'localhost',
      connection: 'local',
      gather_facts: false,
      tasks: [
        task('/ip/firewall/service-port', [{ name: 'sip', disabled: true }]),
        task('/ip/firewall/address-list', entries('/ip/firewall/address-list')),
        task('/ip/firewall/nat', entries('/ip/firewall/nat')),
      ],
    },
  ];
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export async function benchRouterApply(): Promise<RouterApplyBench> {
  const lab: Lab = await startLab();
  const dir = await mkdtemp(join(tmpdir(), 'router-apply-bench-'));
  let relay: Server | undefined;
  try {
    if (!lab.router) throw new Error('the site lab started without the MikroTik simulator');
    const upstream = await lab.relay('tech', { host: SITE.router.lan, port: lab.router.apiPort });
    const counter: Counter = { connections: 0, flights: 0 };
    const counting = await countingRelay(upstream, counter);
    relay = counting.server;
    const target: RouterTarget = routerTarget.parse({
      host: '127.0.0.1',
      port: counting.port,
      tls: false,
      username: lab.router.user,
      password: lab.router.password,
    });
    const withRouter = async <T>(fn: (c: RouterConnection) => Promise<T>): Promise<T> => {
      const conn = await connectRouter(target);
      try {
        return await fn(conn);
      } finally {
        await conn.close();
      }
    };

    const snapshot = await withRouter(readRouterState);
    const desired = planOf(snapshot);
    await lab.exec('tech', ['tc', 'qdisc', 'add', 'dev', 'eth0', 'root', 'netem', 'delay', `${LATENCY_MS}ms`]);
    const rtts = await withRouter(async (conn) => {
      const out: number[] = [];
      for (let i = 0; i < 10; i += 1) out.push((await timed(() => conn.command('/system/identity/print'))).ms);
      return out;
    });
    const rttMs = median(rtts);

    const api = {
      hostname: '127.0.0.1',
      port: counting.port,
      username: lab.router.user,
      password: lab.router.password,
      tls: false,
    };
    const book = join(dir, 'apply.yml');
    await writeFile(book, JSON.stringify(playbook(desired, api), null, 2));
    const env = {
      ...process.env,
      ANSIBLE_LOCALHOST_WARNING: 'false',
      ANSIBLE_INVENTORY_UNPARSED_WARNING: 'false',
      ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
      ANSIBLE_HOME: join(dir, 'ansible'),
      ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'),
      ANSIBLE_NOCOLOR: '1',
    };

    const ours: { ms: number; trips: number }[] = [];
    const theirs: { ms: number; trips: number; connections: number }[] = [];
    const reset = async (): Promise<void> => {
      await withRouter((c) => restoreRouter(c, snapshot));
    };
    for (let i = 0; i < RUNS; i += 1) {
      counter.connections = 0;
      counter.flights = 0;
      const mine = await timed(() =>
        withRouter(async (conn) => {
          const reading = await readRouterForApply(conn);
          const result = await applyRouterPlan(conn, reading.state, planOf(reading.state), {
            revertMinutes: 5,
            clock: reading.clock,
          });
          if (!result.ok || !result.record.complete) throw new Error('the engine did not apply the plan');
        }),
      );
      ours.push({ ms: mine.ms, trips: counter.connections + counter.flights });
      if (planOf(await withRouter(readRouterState)).changes.length !== 0) throw new Error('engine run incomplete');
      await reset();

      counter.connections = 0;
      counter.flights = 0;
      const ansible = await timed(() => run('ansible-playbook', ['-i', 'localhost,', book], env));
      theirs.push({
        ms: ansible.ms,
        trips: counter.connections + counter.flights,
        connections: counter.connections,
      });
      if (planOf(await withRouter(readRouterState)).changes.length !== 0) {
        throw new Error(`Ansible did not reach the desired state: ${ansible.value.stdout}`);
      }
      await reset();
    }
    await lab.exec('tech', ['tc', 'qdisc', 'del', 'dev', 'eth0', 'root']);

    const oursMs = median(ours.map((r) => r.ms));
    const ansibleMs = median(theirs.map((r) => r.ms));
    const oursTrips = median(ours.map((r) => r.trips));
    const lowerMs = Number((LOWER_BOUND_TRIPS * rttMs).toFixed(1));
    const ratios = {
      ansibleOverOurs: Number((ansibleMs / oursMs).toFixed(2)),
      oursOverLowerBoundMs: Number((oursMs / lowerMs).toFixed(2)),
      oursOverLowerBoundTrips: Number((oursTrips / LOWER_BOUND_TRIPS).toFixed(2)),
    };
    return {
      runs: RUNS,
      latencyMs: LATENCY_MS,
      rttMs,
      changes: desired.changes.length,
      ours: { medianMs: oursMs, roundTrips: oursTrips },
      ansible: {
        medianMs: ansibleMs,
        roundTrips: median(theirs.map((r) => r.trips)),
        connections: median(theirs.map((r) => r.connections)),
      },
      lowerBound: { roundTrips: LOWER_BOUND_TRIPS, ms: lowerMs },
      ratios,
      targets: {
        threeTimesFasterThanAnsible: ratios.ansibleOverOurs >= 3,
        withinTwiceLowerBound: ratios.oursOverLowerBoundMs <= 2 && ratios.oursOverLowerBoundTrips <= 2,
      },
    };
  } finally {
    relay?.close();
    await lab.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchRouterApply().then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
