/**
 * Applying the same desired state to the MikroTik simulator in the site lab
 * with 20 ms added latency (tc netem on tech's LAN port, inside the lab's
 * namespace only): this engine (read + plan + revert job + pipelined apply)
 * beside Ansible `community.routeros.api_modify` (one task per menu) in the
 * same run. Both clients run inside the tech host and reach the router
 * through a counting hop on tech's loopback: one round trip per TCP
 * connection plus one per client flight (the client speaking again after the
 * router answered). Target (issue 6): at least 3x faster than Ansible and
 * within 2x of the round-trip lower bound (connect, log in, read, write: 4).
 * Plain API on both sides; the engine over API-SSL is reported beside it.
 * Needs root (namespaces).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { routerTarget, type RouterTarget } from '../contract/schemas';
import { connectRouter, type RouterConnection } from '../electron/routeros/connection';
import { routerScope } from '../electron/routeros/managed';
import type { RouterPlanInputs } from '../electron/routeros/inputs';
import { planRouter, type RouterPlan } from '../electron/routeros/plan';
import { readRouterState } from '../electron/routeros/reader';
import type { RouterState } from '../electron/routeros/state';
import { REPO_ROOT, startLab, type Endpoint, type Lab } from '../test/lab/lab';
import { nsenterArgv } from '../test/lab/netns';
import { SITE } from '../test/lab/topology';
import { openRouterSide } from '../electron/site/boxes';
import { GIVEN_ONLY } from '../test/integration/helpers/boxes';
import { restoreRouter } from '../test/integration/router-engine-helpers';

export interface RouterApplyBench {
  runs: number;
  latencyMs: number;
  latencyBy: string;
  /** Median measured round trip (identity print) through the delayed link. */
  rttMs: number;
  changes: number;
  ours: { medianMs: number; roundTrips: number; phasesMs: Record<string, number> };
  /** The same engine run over API-SSL (the wizard's default), certificate pinned; bound 5 (TCP, TLS 1.3, login, read, write). */
  oursTls: { medianMs: number; roundTrips: number };
  ansible: { medianMs: number; roundTrips: number; connections: number };
  /** 4 round trips at the measured RTT, plus the router's own time to answer the one read any client needs. */
  lowerBound: { roundTrips: number; networkMs: number; routerReadMs: number; ms: number };
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
/** What a rollback may write here: the wizard's entries for this PBX (routeros/managed.ts). */
const SCOPE = routerScope(INPUTS);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.floor(s.length / 2)]!.toFixed(1));
};

/** Counts connections and client flights between a client and the lab's relay. */
interface Counter {
  connections: number;
  flights: number;
}

/** `delayMs`: every chunk toward the router waits this long, in order (a link latency where netem is missing). */
function countingRelay(target: Endpoint, counter: Counter, delayMs = 0): Promise<{ server: Server; port: number }> {
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
      if (delayMs > 0) setTimeout(() => upstream.write(chunk), delayMs);
      else upstream.write(chunk);
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

/** What the parent hands the child that runs inside the tech host. */
interface InTechConfig {
  router: { host: string; apiPort: number; apiSslPort: number; fingerprint: string; user: string; password: string };
  dir: string;
  /** Added by the counting hop when tc netem is not available (kernel without sch_netem). */
  hopDelayMs: number;
}

interface InTechResult {
  rttMs: number;
  changes: number;
  ours: { ms: number; trips: number }[];
  oursTls: { ms: number; trips: number }[];
  ansible: { ms: number; trips: number; connections: number }[];
  /** Where the engine's plain-API time goes (medians). */
  phasesMs?: Record<string, number>;
}

/**
 * The measured part, run inside the lab's tech host (its network namespace),
 * so both clients reach the router over the delayed link directly, through
 * a counting hop on tech's own loopback.
 */
async function runInTech(config: InTechConfig): Promise<InTechResult> {
  const counter: Counter = { connections: 0, flights: 0 };
  const plainHop = await countingRelay(
    { host: config.router.host, port: config.router.apiPort },
    counter,
    config.hopDelayMs,
  );
  const tlsHop = await countingRelay(
    { host: config.router.host, port: config.router.apiSslPort },
    counter,
    config.hopDelayMs,
  );
  try {
    const target: RouterTarget = routerTarget.parse({
      host: '127.0.0.1',
      port: plainHop.port,
      tls: false,
      username: config.router.user,
      password: config.router.password,
    });
    const targetTls: RouterTarget = routerTarget.parse({
      ...target,
      port: tlsHop.port,
      tls: true,
      fingerprint: config.router.fingerprint,
    });
    const withRouter = async <T>(fn: (c: RouterConnection) => Promise<T>, to = target): Promise<T> => {
      const conn = await connectRouter(to);
      try {
        return await fn(conn);
      } finally {
        await conn.close();
      }
    };

    const snapshot = await withRouter(readRouterState);
    const desired = planOf(snapshot);
    const rtts = await withRouter(async (conn) => {
      const out: number[] = [];
      for (let i = 0; i < 10; i += 1) out.push((await timed(() => conn.command('/system/identity/print'))).ms);
      return out;
    });

    const book = join(config.dir, 'apply.yml');
    const api = {
      hostname: '127.0.0.1',
      port: plainHop.port,
      username: config.router.user,
      password: config.router.password,
      tls: false,
    };
    await writeFile(book, JSON.stringify(playbook(desired, api), null, 2));
    const env = {
      ...process.env,
      ANSIBLE_LOCALHOST_WARNING: 'false',
      ANSIBLE_INVENTORY_UNPARSED_WARNING: 'false',
      ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
      ANSIBLE_HOME: join(config.dir, 'ansible'),
      ANSIBLE_LOCAL_TEMP: join(config.dir, 'ansible-tmp'),
      ANSIBLE_NOCOLOR: '1',
    };

    /** Everything the wizard does for "apply", on its own path (site/boxes): connect, read, plan, revert job, changes. */
    const phases: Record<'connect' | 'read' | 'plan' | 'apply', number[]> = {
      connect: [],
      read: [],
      plan: [],
      apply: [],
    };
    const engineRun = async (to: RouterTarget): Promise<void> => {
      const t0 = performance.now();
      const side = await openRouterSide(GIVEN_ONLY, to);
      const t1 = performance.now();
      try {
        const before = await side.read();
        const t2 = performance.now();
        const plan = planOf(before);
        const t3 = performance.now();
        // Throws unless every change was applied.
        await side.apply(before, plan, 5, { before: () => undefined, after: () => undefined });
        if (!to.tls) {
          phases.connect.push(t1 - t0);
          phases.read.push(t2 - t1);
          phases.plan.push(t3 - t2);
          phases.apply.push(performance.now() - t3);
        }
      } finally {
        await side.close();
      }
    };
    const counted = async <T>(fn: () => Promise<T>): Promise<{ ms: number; trips: number; connections: number }> => {
      counter.connections = 0;
      counter.flights = 0;
      const { ms } = await timed(fn);
      const result = { ms, trips: counter.connections + counter.flights, connections: counter.connections };
      if (planOf(await withRouter(readRouterState)).changes.length !== 0) {
        throw new Error('a run did not reach the desired state');
      }
      await withRouter((c) => restoreRouter(c, snapshot, SCOPE));
      return result;
    };

    const result: InTechResult = {
      rttMs: median(rtts),
      changes: desired.changes.length,
      ours: [],
      oursTls: [],
      ansible: [],
    };
    for (let i = 0; i < RUNS; i += 1) {
      result.ours.push(await counted(() => engineRun(target)));
      result.oursTls.push(await counted(() => engineRun(targetTls)));
      result.ansible.push(await counted(() => run('ansible-playbook', ['-i', 'localhost,', book], env)));
    }
    result.phasesMs = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, median(v)]));
    return result;
  } finally {
    plainHop.server.close();
    tlsHop.server.close();
  }
}

export async function benchRouterApply(): Promise<RouterApplyBench | { skipped: string }> {
  if (process.getuid?.() !== 0) return { skipped: 'needs root for the lab namespaces' };
  const lab: Lab = await startLab();
  const dir = await mkdtemp(join(tmpdir(), 'router-apply-bench-'));
  try {
    if (!lab.router) throw new Error('the site lab started without the MikroTik simulator');
    // Only inside the lab: tech's LAN port, so every packet toward the router waits 20 ms. Kernels
    // without sch_netem refuse it; the counting hop then holds each chunk toward the router instead.
    const netem = await lab.exec('tech', [
      'tc',
      'qdisc',
      'add',
      'dev',
      'eth0',
      'root',
      'netem',
      'delay',
      `${LATENCY_MS}ms`,
    ]);
    const latencyBy = netem.code === 0 ? 'tc netem on tech eth0' : 'counting hop (tc netem unavailable)';
    const config: InTechConfig = {
      router: {
        host: SITE.router.lan,
        apiPort: lab.router.apiPort,
        apiSslPort: lab.router.apiSslPort,
        fingerprint: lab.router.fingerprint,
        user: lab.router.user,
        password: lab.router.password,
      },
      dir,
      hopDelayMs: netem.code === 0 ? 0 : LATENCY_MS,
    };
    const configFile = join(dir, 'config.json');
    await writeFile(configFile, JSON.stringify(config));
    const [file, ...args] = nsenterArgv(
      lab.hosts.tech!,
      [process.execPath, '--import', 'tsx', join(REPO_ROOT, 'bench', 'router-apply.bench.ts'), IN_TECH, configFile],
      REPO_ROOT,
    );
    const { stdout } = await run(file!, args, process.env);
    const line = stdout.split('\n').find((l) => l.startsWith('{'));
    if (!line) throw new Error(`the in-tech run printed nothing: ${stdout}`);
    const r = JSON.parse(line) as InTechResult;

    const oursMs = median(r.ours.map((x) => x.ms));
    const ansibleMs = median(r.ansible.map((x) => x.ms));
    const oursTrips = median(r.ours.map((x) => x.trips));
    // Any client must also wait for the router to answer one read of these menus; the simulator's
    // firewall prints are slow (they refresh counters from nftables), so that time is part of the bound.
    const networkMs = LOWER_BOUND_TRIPS * r.rttMs;
    const routerReadMs = Math.max(0, (r.phasesMs?.read ?? r.rttMs) - r.rttMs);
    const lowerMs = Number((networkMs + routerReadMs).toFixed(1));
    const ratios = {
      ansibleOverOurs: Number((ansibleMs / oursMs).toFixed(2)),
      oursOverLowerBoundMs: Number((oursMs / lowerMs).toFixed(2)),
      oursOverLowerBoundTrips: Number((oursTrips / LOWER_BOUND_TRIPS).toFixed(2)),
    };
    return {
      runs: RUNS,
      latencyMs: LATENCY_MS,
      latencyBy,
      rttMs: r.rttMs,
      changes: r.changes,
      ours: { medianMs: oursMs, roundTrips: oursTrips, phasesMs: r.phasesMs ?? {} },
      oursTls: { medianMs: median(r.oursTls.map((x) => x.ms)), roundTrips: median(r.oursTls.map((x) => x.trips)) },
      ansible: {
        medianMs: ansibleMs,
        roundTrips: median(r.ansible.map((x) => x.trips)),
        connections: median(r.ansible.map((x) => x.connections)),
      },
      lowerBound: {
        roundTrips: LOWER_BOUND_TRIPS,
        networkMs: Number(networkMs.toFixed(1)),
        routerReadMs: Number(routerReadMs.toFixed(1)),
        ms: lowerMs,
      },
      ratios,
      targets: {
        threeTimesFasterThanAnsible: ratios.ansibleOverOurs >= 3,
        withinTwiceLowerBound: ratios.oursOverLowerBoundMs <= 2 && ratios.oursOverLowerBoundTrips <= 2,
      },
    };
  } finally {
    await lab.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const IN_TECH = '--in-tech';

if (require.main === module) {
  const at = process.argv.indexOf(IN_TECH);
  const job =
    at === -1
      ? benchRouterApply()
      : readFile(process.argv[at + 1]!, 'utf8').then((text) => runInTech(JSON.parse(text) as InTechConfig));
  job.then(
    (result) => console.log(JSON.stringify(result, null, at === -1 ? 2 : undefined)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
