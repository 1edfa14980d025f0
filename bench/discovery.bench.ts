/**
 * Discovery in the site lab, from the tech host, beside the reference tools
 * in the same run: MAC-Telnet's `mndp` (time until it lists the MikroTik) and
 * `nmap -sT -p22 -T4` over the /24. Target (issue 5): the whole scan under
 * 2 s on a /24 and a sweep no slower than nmap's. Needs root (namespaces).
 */
import { spawn } from 'node:child_process';
import { REPO_ROOT, startLab, type Lab } from '../test/lab/lab';
import { nsenterArgv } from '../test/lab/netns';
import { runProgram } from '../test/lab/run';

export interface DiscoveryBench {
  runs: number;
  ours: { firstMikrotikMs: number; sweepMs: number; totalMs: number };
  mndp: { firstMikrotikMs: number };
  nmap: { sweepMs: number };
  ratios: { firstMikrotik: number; sweep: number };
  targets: { totalUnder2s: boolean; sweepNoSlowerThanNmap: boolean };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.floor(s.length / 2)]!.toFixed(1));
};

/** Starts `mndp` in the tech host and resolves when it prints the router's address (or after 10 s). */
function mndpFirst(lab: Lab, routerIp: string): Promise<number> {
  return new Promise((resolve, reject) => {
    // stdbuf: mndp block-buffers its output when it is not on a terminal.
    const [file, ...args] = nsenterArgv(lab.hosts.tech!, ['stdbuf', '-o0', 'mndp']);
    const t0 = performance.now();
    const child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mndp did not list the router: ${out}`));
    }, 10_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes(routerIp)) {
        clearTimeout(timer);
        const ms = performance.now() - t0;
        child.kill('SIGKILL');
        resolve(ms);
      }
    });
  });
}

export async function benchDiscovery(runs = 5): Promise<DiscoveryBench | { skipped: string }> {
  if (process.getuid?.() !== 0) return { skipped: 'needs root for the lab namespaces' };
  const lab = await startLab();
  try {
    const env = { ...process.env };
    delete env.FSPBX_NAT_NO_SCAN;
    const ours: { firstMikrotik: number; sweepDone: number; total: number }[] = [];
    const mndp: number[] = [];
    const nmap: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const r = await runProgram(
        nsenterArgv(
          lab.hosts.tech!,
          [process.execPath, '--import', 'tsx', 'bench/helpers/discover-timing.ts'],
          REPO_ROOT,
        ),
        { env, timeoutMs: 60_000 },
      );
      const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) throw new Error(`discover bench printed nothing: ${r.stderr}`);
      ours.push(JSON.parse(line) as { firstMikrotik: number; sweepDone: number; total: number });
      mndp.push(await mndpFirst(lab, lab.addresses.router.lan));
      const t0 = performance.now();
      const n = await lab.exec('tech', ['nmap', '-sT', '-p22', '-T4', '-n', '192.168.88.0/24'], { timeoutMs: 60_000 });
      if (n.code !== 0) throw new Error(`nmap failed: ${n.stderr}`);
      nmap.push(performance.now() - t0);
    }
    const result: DiscoveryBench = {
      runs,
      ours: {
        firstMikrotikMs: median(ours.map((o) => o.firstMikrotik)),
        sweepMs: median(ours.map((o) => o.sweepDone)),
        totalMs: median(ours.map((o) => o.total)),
      },
      mndp: { firstMikrotikMs: median(mndp) },
      nmap: { sweepMs: median(nmap) },
      ratios: { firstMikrotik: 0, sweep: 0 },
      targets: { totalUnder2s: false, sweepNoSlowerThanNmap: false },
    };
    result.ratios = {
      firstMikrotik: Number((result.ours.firstMikrotikMs / result.mndp.firstMikrotikMs).toFixed(3)),
      sweep: Number((result.ours.sweepMs / result.nmap.sweepMs).toFixed(3)),
    };
    result.targets = {
      totalUnder2s: result.ours.totalMs < 2000,
      sweepNoSlowerThanNmap: result.ours.sweepMs <= result.nmap.sweepMs,
    };
    return result;
  } finally {
    await lab.stop();
  }
}
