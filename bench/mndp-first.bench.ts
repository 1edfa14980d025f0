/**
 * Time to the first MikroTik (issue 28 item 7: within 2× MAC-Telnet's `mndp`). Two namespaces and
 * a veth, as routeros-sim-mndp.test.ts builds them: the RouterOS simulator answering MNDP in one,
 * the technician's side in the other. Each round, in turn: Debian mactelnet-client's `mndp`
 * (from its spawn until it prints the router's address), the wizard's electron/mndp/discover.ts
 * (from the call to its first neighbour), and the Scan operation through the dispatcher (from the
 * call to its first router event). All three are started by one helper process inside the client
 * namespace (bench/helpers/mndp-first.ts), so none pays for entering the namespace. Needs root.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import {
  Namespaces,
  canUseNamespaces,
  startSimInNamespace,
  stopChild,
  sweepStaleNamespaces,
} from '../test/lab/routeros/testing/netns';

export interface MndpFirstBench {
  rounds: number;
  mndpMs: { median: number; min: number; max: number };
  discoverTsMs: { median: number; min: number; max: number };
  scanMs: { median: number; min: number; max: number };
  /** The first round of each, before any was warm: the technician's first Scan after the app starts. */
  cold: { mndpMs: number; discoverTsMs: number; scanMs: number };
  ratios: { discoverTs: number; scan: number };
  target: { ratio: 2; discoverTsMet: boolean; scanMet: boolean };
}

const ROUTER = '192.168.88.1';
const CLIENT = '192.168.88.50';

function stats(xs: number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const round = (n: number) => Number(n.toFixed(1));
  return { median: round(s[Math.floor(s.length / 2)]!), min: round(s[0]!), max: round(s[s.length - 1]!) };
}

/** One line in, one JSON line out, from the helper that stays up in the client namespace. */
function ask(helper: ChildProcess, lines: Interface, what: 'tool' | 'mndp' | 'scan'): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} round gave no answer in 15 s`)), 15_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      const r = JSON.parse(line) as { firstMs?: number };
      if (r.firstMs === undefined) reject(new Error(`${what} round heard no MikroTik: ${line}`));
      else resolve(r.firstMs);
    });
    helper.stdin?.write(`${what}\n`);
  });
}

export async function benchMndpFirst(rounds = 9): Promise<MndpFirstBench | { skipped: string }> {
  if (!(await canUseNamespaces())) return { skipped: 'needs root and network namespaces' };
  await sweepStaleNamespaces();
  const ns = new Namespaces();
  const dir = await mkdtemp(join(tmpdir(), 'bench-mndp-'));
  let sim: ChildProcess | undefined;
  let helper: ChildProcess | undefined;
  try {
    const router = await ns.add('BM');
    const client = await ns.add('BC');
    await ns.link(router, 'bridge', client, 'eth0');
    await ns.exec(router, 'ip', 'addr', 'add', `${ROUTER}/24`, 'dev', 'bridge');
    await ns.exec(router, 'ip', 'link', 'set', 'bridge', 'up');
    await ns.exec(client, 'ip', 'addr', 'add', `${CLIENT}/24`, 'dev', 'eth0');
    await ns.exec(client, 'ip', 'link', 'set', 'eth0', 'up');
    // mndp broadcasts to 255.255.255.255, which needs a route; without one it only listens.
    await ns.exec(client, 'ip', 'route', 'add', 'default', 'via', ROUTER);
    const config = join(dir, 'sim.json');
    await writeFile(
      config,
      JSON.stringify({ bind: '0.0.0.0', apiPort: 8728, apiSslPort: 8729, stateDir: dir, identity: 'bench', mndp: {} }),
    );
    sim = (await startSimInNamespace(ns, router, config)).child;

    helper = spawn(
      'ip',
      [
        'netns',
        'exec',
        client,
        process.execPath,
        '--import',
        'tsx',
        'bench/helpers/mndp-first.ts',
        CLIENT,
        '192.168.88.255',
        ROUTER,
      ],
      // The Scan operation sweeps and broadcasts only where scanning is allowed.
      { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, FSPBX_NAT_NO_SCAN: '' } },
    );
    const lines = createInterface({ input: helper.stdout! });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the MNDP helper did not start in 60 s')), 60_000);
      lines.once('line', () => {
        clearTimeout(timer);
        resolve();
      });
    });

    const mndp: number[] = [];
    const ours: number[] = [];
    const scan: number[] = [];
    // The first of each is the app's first Scan (code not yet run, caches cold): kept apart, then the rounds, interleaved.
    const cold = {
      mndpMs: Number((await ask(helper, lines, 'tool')).toFixed(1)),
      discoverTsMs: Number((await ask(helper, lines, 'mndp')).toFixed(1)),
      scanMs: Number((await ask(helper, lines, 'scan')).toFixed(1)),
    };
    for (let i = 0; i < rounds; i += 1) {
      mndp.push(await ask(helper, lines, 'tool'));
      ours.push(await ask(helper, lines, 'mndp'));
      scan.push(await ask(helper, lines, 'scan'));
    }
    const result: MndpFirstBench = {
      rounds,
      mndpMs: stats(mndp),
      discoverTsMs: stats(ours),
      scanMs: stats(scan),
      cold,
      ratios: { discoverTs: 0, scan: 0 },
      target: { ratio: 2, discoverTsMet: false, scanMet: false },
    };
    result.ratios = {
      discoverTs: Number((result.discoverTsMs.median / result.mndpMs.median).toFixed(2)),
      scan: Number((result.scanMs.median / result.mndpMs.median).toFixed(2)),
    };
    result.target = { ratio: 2, discoverTsMet: result.ratios.discoverTs <= 2, scanMet: result.ratios.scan <= 2 };
    return result;
  } finally {
    helper?.stdin?.end();
    await stopChild(helper);
    await stopChild(sim);
    await ns.removeAll();
    await rm(dir, { recursive: true, force: true });
  }
}

// `npm run bench:mndp`: this bench alone, printed and written to bench/results/mndp-first.json.
if (require.main === module) {
  void benchMndpFirst().then((result) => {
    const report = {
      date: new Date().toISOString(),
      machine: { node: process.version, cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown' },
      mndpFirst: result,
    };
    writeFileSync(join(__dirname, 'results', 'mndp-first.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report, null, 2));
  });
}
