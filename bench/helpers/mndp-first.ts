/**
 * Runs inside the bench's client namespace and stays up: for each line `mndp` or `scan` on stdin,
 * one discovery, timed from the call to the first MikroTik heard, printed as one JSON line.
 * `mndp` is electron/mndp/discover.ts alone; `scan` is the Scan button's whole operation through
 * the dispatcher (the LAN read, then MNDP beside the SSH sweep). The process is started once, so a
 * round times the discovery as a running app meets it, not Node's start.
 */
import { createInterface } from 'node:readline';
import { createDispatcher } from '../../electron/api/dispatcher';
import { createHandlers } from '../../electron/api/handlers';
import { nodeEnv } from '../../electron/api/handlers/node-env';
import { discoverMndp } from '../../electron/mndp/discover';
import type { DiscoverProgress } from '../../contract/types';

const [address = '', broadcast = ''] = process.argv.slice(2);
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

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  void (line.trim() === 'scan' ? scanRound() : mndpRound()).then((r) => console.log(JSON.stringify(r)));
});
console.log('READY');
