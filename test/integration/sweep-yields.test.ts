/**
 * The SSH sweep starts its connections a few at a time, one turn of the event loop apart, so what
 * runs beside it (the MNDP answers of the Scan, the first router) is not held behind 254 connects
 * made in one go (issue 28 item 7; bench/mndp-first.bench.ts measures the effect). Real sockets on
 * loopback: a closed port answers each connect with a refusal. No time is measured: the check is
 * how many connects had begun when a callback queued just after the sweep's start got to run.
 */
import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sweepSsh } from '../../electron/pbx/session/sweep';

afterEach(() => vi.restoreAllMocks());

describe('the SSH sweep', () => {
  it('lets the event loop run while it starts a /24, and still probes every address', async () => {
    // Counted, not replaced: every connect still goes out.
    const connects = vi.spyOn(Socket.prototype, 'connect');
    const addresses = Array.from({ length: 254 }, () => '127.0.0.1');
    const sweep = sweepSsh(addresses, { ports: [1], connectTimeoutMs: 2000, bannerTimeoutMs: 100 });
    const begunWhenOthersRan = await new Promise<number>((resolve) =>
      setImmediate(() => resolve(connects.mock.calls.length)),
    );
    expect(begunWhenOthersRan).toBeGreaterThan(0);
    expect(begunWhenOthersRan).toBeLessThan(addresses.length);
    expect(await sweep).toEqual([]);
    expect(connects).toHaveBeenCalledTimes(addresses.length);
  });
});
