/**
 * Runs inside the lab's tech host: one discover, with the time of each
 * milestone since the start, as one JSON line.
 */
import { createDispatcher } from '../../electron/api/dispatcher';
import { createHandlers } from '../../electron/api/handlers';
import { nodeEnv } from '../../electron/api/handlers/node-env';
import type { DiscoverProgress, DiscoverResult } from '../../contract/types';

async function main(): Promise<void> {
  const dispatcher = createDispatcher(createHandlers(nodeEnv('cli', `/tmp/fspbx-bench-${process.pid}`)));
  const t0 = performance.now();
  let firstMikrotik: number | undefined;
  let sweepDone: number | undefined;
  const result = await dispatcher.call(
    'discover',
    {},
    {
      signal: new AbortController().signal,
      progress: (raw) => {
        const event = raw as DiscoverProgress;
        const now = performance.now() - t0;
        if (event.kind === 'router' && event.router.isMikrotik) firstMikrotik ??= now;
        if (event.kind === 'sweep' && event.scanned === event.total) sweepDone ??= now;
      },
    },
  );
  const total = performance.now() - t0;
  const value = result.ok ? (result.value as DiscoverResult) : undefined;
  const found = value ? { routers: value.routers.length, ssh: value.sshHosts.length } : undefined;
  console.log(JSON.stringify({ firstMikrotik, sweepDone, total, found }));
}

void main();
