/**
 * Runs inside the bench's client namespace and stays up: for each line on stdin, one discovery,
 * timed to the first MikroTik heard, printed as one JSON line. `mndp` is electron/mndp/discover.ts
 * alone, from the call; `scan` is the Scan button's whole operation through the dispatcher (the LAN
 * read, then MNDP beside the SSH sweep), from the call; `tool` is MAC-Telnet's `mndp`, from its
 * spawn until it prints the router's address. All three start from this one process in the same
 * namespace, so none pays for entering it; the wizard's code is warm after the first round, as in
 * an app that is running when Scan is pressed.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createDispatcher } from '../../electron/api/dispatcher';
import { createHandlers } from '../../electron/api/handlers';
import { nodeEnv } from '../../electron/api/handlers/node-env';
import { discoverMndp } from '../../electron/mndp/discover';
import type { DiscoverProgress } from '../../contract/types';

const [address = '', broadcast = '', router = ''] = process.argv.slice(2);
const WINDOW_S = 3;

async function mndpRound(): Promise<{ firstMs?: number; doneMs: number }> {
  const stop = new AbortController();
  const t0 = performance.now();
  let firstMs: number | undefined;
  await discoverMndp({
    interfaces: [{ name: 'eth0', address, broadcast }],
    seconds: WINDOW_S,
    signal: stop.signal,
    onNeighbour: (n) => {
      if (!n.isMikrotik || firstMs !== undefined) return;
      firstMs = performance.now() - t0;
      stop.abort();
    },
  });
  return { ...(firstMs !== undefined ? { firstMs } : {}), doneMs: performance.now() - t0 };
}

async function scanRound(): Promise<{ firstMs?: number; doneMs: number }> {
  const dispatcher = createDispatcher(createHandlers(nodeEnv('cli', `/tmp/fspbx-bench-mndp-${process.pid}`)));
  const stop = new AbortController();
  const t0 = performance.now();
  let firstMs: number | undefined;
  // Stopped at the first router (the rest of the scan is not what is timed).
  await dispatcher.call(
    'discover',
    { seconds: WINDOW_S },
    {
      signal: stop.signal,
      progress: (raw) => {
        const event = raw as DiscoverProgress;
        if (event.kind !== 'router' || !event.router.isMikrotik || firstMs !== undefined) return;
        firstMs = performance.now() - t0;
        stop.abort();
      },
    },
  );
  return { ...(firstMs !== undefined ? { firstMs } : {}), doneMs: performance.now() - t0 };
}

function toolRound(): Promise<{ firstMs?: number; doneMs: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    // stdbuf: mndp block-buffers its output when it is not on a terminal.
    const child = spawn('stdbuf', ['-o0', 'mndp'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    let firstMs: number | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (firstMs !== undefined || !out.includes(router)) return;
      firstMs = performance.now() - t0;
      child.kill('SIGKILL');
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ ...(firstMs !== undefined ? { firstMs } : {}), doneMs: performance.now() - t0 });
    });
  });
}

const ROUNDS: Record<string, () => Promise<{ firstMs?: number; doneMs: number }>> = {
  mndp: mndpRound,
  scan: scanRound,
  tool: toolRound,
};

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const round = ROUNDS[line.trim()] ?? mndpRound;
  void round().then((r) => console.log(JSON.stringify(r)));
});
console.log('READY');
