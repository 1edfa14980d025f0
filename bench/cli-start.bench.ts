/**
 * CLI cold start: `node dist/electron/cli.js --help` as a whole process, several runs after a
 * warm-up, beside bare `node -e 0` (Node's own start, the floor). Goal (issue 16): ≤ 300 ms.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface CliStartBench {
  runs: number;
  helpMs: { min: number; median: number };
  nodeMs: { min: number; median: number };
  goalMs: number;
  met: boolean;
}

const ROOT = join(__dirname, '..');
const round = (x: number) => Math.round(x * 10) / 10;

function time(argv: string[], runs: number): { min: number; median: number } {
  const ms: number[] = [];
  for (let i = 0; i <= runs; i += 1) {
    const t0 = performance.now();
    const r = spawnSync(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: 'ignore' });
    const took = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}`);
    if (i > 0) ms.push(took); // the first run warms the file cache
  }
  ms.sort((a, b) => a - b);
  return { min: round(ms[0]!), median: round(ms[Math.floor(ms.length / 2)]!) };
}

export function benchCliStart(runs = 10): CliStartBench {
  const cli = join(ROOT, 'dist', 'electron', 'cli.js');
  if (!existsSync(cli)) execFileSync(process.execPath, ['build/build.mjs', '--quiet'], { cwd: ROOT, stdio: 'inherit' });
  const helpMs = time([process.execPath, cli, '--help'], runs);
  const nodeMs = time([process.execPath, '-e', '0'], runs);
  return { runs, helpMs, nodeMs, goalMs: 300, met: helpMs.median <= 300 };
}

if (require.main === module) console.log(JSON.stringify(benchCliStart(), null, 2));
