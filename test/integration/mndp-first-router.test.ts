/**
 * The first router is told as soon as it is heard (issue 28 item 7): discovery hands each new
 * neighbour to its callback while the window is still open, not in a list at the end. Over real
 * UDP on loopback against the lab's MNDP responder. No time is measured (bench/mndp-first.bench.ts
 * times it against MAC-Telnet's `mndp`): the check is the order of events.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MndpNeighbour } from '../../contract/types';
import { discoverMndp } from '../../electron/mndp/discover';
import { startMndpResponder, type MndpResponder } from '../lab/routeros/mndp/responder';

// A port of this file's own; 5678 itself is never touched.
const PORT = 35680;
const LAPTOP = { name: 'lo', address: '127.0.0.1', broadcast: '127.255.255.255' };
let responder: MndpResponder | undefined;

afterEach(async () => {
  await responder?.close();
  responder = undefined;
});

describe('the first router heard', () => {
  it('reaches the callback while the discovery window is still open', async () => {
    responder = await startMndpResponder({
      port: PORT,
      bindAddress: '127.0.0.63',
      announceTo: undefined,
      intervalMs: 60_000,
      lanInterface: 'lan-first',
      info: () => ({
        identity: 'first',
        version: '7.16.2 (stable)',
        board: 'RB5009UG+S+',
        uptimeSeconds: 5,
        interfaceName: 'bridge',
        ipv4: '127.0.0.63',
      }),
    });
    const stop = new AbortController();
    let settled = false;
    let heard: (n: MndpNeighbour) => void = () => undefined;
    const first = new Promise<MndpNeighbour>((resolve) => (heard = resolve));
    // A window far longer than the test: only the callback can bring the router back in time.
    const discovery = discoverMndp({
      interfaces: [LAPTOP],
      seconds: 600,
      port: PORT,
      targets: () => ['127.0.0.63'],
      listenForAnnouncements: false,
      signal: stop.signal,
      onNeighbour: (n) => heard(n),
    }).finally(() => (settled = true));
    const router = await first;
    expect(router.identity).toBe('first');
    expect(router.isMikrotik).toBe(true);
    expect(settled).toBe(false);
    stop.abort();
    // The result still lists it once the window is closed.
    expect((await discovery).neighbours.map((n) => n.identity)).toEqual(['first']);
  });
});
