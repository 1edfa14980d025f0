/**
 * The wizard's MNDP discovery over real UDP sockets on loopback, against the simulator's
 * responder and hand-made datagrams: routers that answer by broadcast to the MNDP port are heard
 * through that port while the request goes out from an ephemeral one; a busy port is said; an
 * 8-byte request is no neighbour; a wrong-length field is dropped, not the packet; the sender's
 * address wins over the one a packet claims; the list is bounded.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMndp } from '../../electron/mndp/codec';
import { encodeMndp } from '../unit/mndp/encode';
import { discoverMndp, MAX_NEIGHBOURS } from '../../electron/mndp/discover';
import { startMndpResponder, type MndpResponder } from '../lab/routeros/mndp/responder';

// A port of its own per test file, so parallel files never meet; 5678 itself is never touched.
const PORT = 35678;
const LAPTOP = { name: 'lo', address: '127.0.0.1', broadcast: '127.255.255.255' };
const cleanup: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

async function responder(address: string, answerBy: 'unicast' | 'broadcast'): Promise<MndpResponder> {
  const r = await startMndpResponder({
    port: PORT,
    bindAddress: address,
    announceTo: undefined,
    intervalMs: 60_000,
    lanInterface: `lan-${answerBy}`, // a MAC of its own per responder
    answerBy,
    // Loopback stands in for the LAN broadcast: the answer goes to the MNDP port, not to the asker.
    broadcastTo: LAPTOP.address,
    info: () => ({
      identity: `sim-${answerBy}`,
      version: '7.16.2 (stable)',
      board: 'RB5009UG+S+',
      uptimeSeconds: 5,
      interfaceName: 'bridge',
      ipv4: address,
    }),
  });
  cleanup.push(() => r.close());
  return r;
}

/** A sender that answers every request with the datagrams given, from `address`. */
async function fakeSpeaker(address: string, datagrams: Uint8Array[]): Promise<void> {
  const socket: Socket = createSocket({ type: 'udp4', reuseAddr: true });
  let sending = false;
  socket.on('message', (_m, from) => {
    if (sending) return;
    sending = true;
    // One at a time: the receiver lives in this same process and must get to read them.
    const next = (i: number): void => {
      if (i >= datagrams.length) return;
      socket.send(datagrams[i]!, from.port, from.address, () => setTimeout(() => next(i + 1), 0));
    };
    next(0);
  });
  await new Promise<void>((resolve) => socket.bind(PORT, address, () => resolve()));
  cleanup.push(() => new Promise<void>((r) => socket.close(() => r())));
}

const ask = (targets: string[], seconds = 1.2) =>
  discoverMndp({ interfaces: [LAPTOP], seconds, port: PORT, targets: () => targets });

describe('MNDP discovery that does not depend on owning the MNDP port', () => {
  it('hears a router that answers by broadcast to the port, and one that answers the asker', async () => {
    await responder('127.0.0.61', 'broadcast');
    await responder('127.0.0.62', 'unicast');
    const result = await ask(['127.0.0.61', '127.0.0.62']);
    expect(result.portBusy).toBe(false);
    expect(result.neighbours.map((n) => n.identity).sort()).toEqual(['sim-broadcast', 'sim-unicast']);
  });

  it('says when another program holds the port, and still hears the routers that answer the asker', async () => {
    // No reuseAddr, as WinBox holds it (on the laptop's address here, so the responder can still bind).
    const holder = createSocket({ type: 'udp4' });
    await new Promise<void>((resolve) => holder.bind(PORT, LAPTOP.address, () => resolve()));
    cleanup.push(() => new Promise<void>((r) => holder.close(() => r())));
    await responder('127.0.0.63', 'unicast');
    const result = await ask(['127.0.0.63']);
    expect(result.portBusy).toBe(true);
    expect(result.neighbours.map((n) => n.identity)).toEqual(['sim-unicast']);
  });

  it('the simulator answers with unpack=1 as RouterOS does', async () => {
    await responder('127.0.0.64', 'unicast');
    const socket = createSocket('udp4');
    cleanup.push(() => new Promise<void>((r) => socket.close(() => r())));
    const answer = await new Promise<Buffer>((resolve) => {
      socket.on('message', (m) => resolve(m));
      socket.bind(0, '127.0.0.1', () => socket.send(new Uint8Array(4), PORT, '127.0.0.64'));
    });
    const decoded = decodeMndp(answer);
    expect(decoded.ok && decoded.packet.unpack).toBe(1);
  });
});

describe('what a neighbour is', () => {
  const router = (mac: string, extra: Partial<Parameters<typeof encodeMndp>[0]> = {}) =>
    encodeMndp({ mac, identity: `r-${mac.slice(-2)}`, platform: 'MikroTik', ipv4: '127.0.0.65', ...extra });

  it('an 8-byte request is not one; a packet with no MAC is not one', async () => {
    await fakeSpeaker('127.0.0.65', [new Uint8Array(8), encodeMndp({ identity: 'no mac', platform: 'MikroTik' })]);
    const result = await ask(['127.0.0.65'], 0.8);
    expect(result.neighbours).toEqual([]);
  });

  it('a field of the wrong length is dropped, the rest of the packet kept', async () => {
    const good = Buffer.from(router('02:00:00:00:00:01', { version: '7.16.2 (stable)' }));
    // Append an uptime TLV (type 10) with 3 bytes instead of 4: well framed, wrong size.
    const bad = Buffer.concat([good, Buffer.from([0, 10, 0, 3, 1, 2, 3])]);
    await fakeSpeaker('127.0.0.65', [bad]);
    const result = await ask(['127.0.0.65'], 0.8);
    expect(result.neighbours).toMatchObject([{ mac: '02:00:00:00:00:01', version: '7.16.2 (stable)' }]);
    expect(result.skipped).toBe(0);
  });

  it("uses the sender's address, and keeps an IPv4 field that names another apart", async () => {
    await fakeSpeaker('127.0.0.66', [router('02:00:00:00:00:02', { ipv4: '192.0.2.99' })]);
    const result = await ask(['127.0.0.66'], 0.8);
    expect(result.neighbours).toMatchObject([{ ipv4: '127.0.0.66', announcedIpv4: '192.0.2.99' }]);
  });

  it(`keeps at most ${MAX_NEIGHBOURS} neighbours whatever a flood says`, async () => {
    const flood = Array.from({ length: MAX_NEIGHBOURS + 40 }, (_, i) =>
      router(
        `02:00:00:00:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`,
      ),
    );
    await fakeSpeaker('127.0.0.67', flood);
    const result = await ask(['127.0.0.67'], 0.8);
    expect(result.neighbours.length).toBe(MAX_NEIGHBOURS);
    // UDP may lose some of the flood, but not all of what came past the bound.
    expect(result.skipped).toBeGreaterThan(0);
    // The list says it was cut: how many distinct devices were left out (at most the 40 sent past it).
    expect(result.leftOut).toBeGreaterThan(0);
    expect(result.leftOut).toBeLessThanOrEqual(40);
  });

  it('says nothing was left out when the list is under its limit', async () => {
    await fakeSpeaker('127.0.0.68', [router('02:00:00:00:00:68')]);
    const result = await ask(['127.0.0.68'], 0.8);
    expect(result.leftOut).toBe(0);
  });
});
