/**
 * Finds SSH servers on the LAN: a TCP connect to each address and port with
 * bounded concurrency and timeouts, reading the server's banner. The banner
 * comes from the network, so it is cut short and stripped of control
 * characters before anyone sees it.
 */
import { Socket } from 'node:net';
import type { SshCandidate } from '../../../contract/types';
import { fromInt, maskOf, toInt } from '../../lan/ipv4';
import { cleanText } from '../../../contract/text';

export interface SweepOptions {
  ports: number[];
  /** Addresses to leave out (this laptop). */
  skip?: string[];
  concurrency?: number;
  connectTimeoutMs?: number;
  bannerTimeoutMs?: number;
  signal?: AbortSignal;
  onFound?: (host: SshCandidate) => void;
  onProgress?: (scanned: number, total: number) => void;
}

export function hostsOf(cidr: string): string[] {
  const [net, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (!net || !Number.isInteger(prefix) || prefix < 22 || prefix > 32) {
    throw new RangeError(`sweep only subnets from /22 to /32, not ${cidr}`);
  }
  const base = (toInt(net) & maskOf(prefix)) >>> 0;
  const size = 2 ** (32 - prefix);
  if (size <= 2) return Array.from({ length: size }, (_, i) => fromInt(base + i));
  // Leave out the network and broadcast addresses.
  return Array.from({ length: size - 2 }, (_, i) => fromInt(base + i + 1));
}

export function cleanBanner(raw: Buffer): string {
  const line = raw.toString('latin1').split(/\r?\n/)[0] ?? '';
  return cleanText(line, 120);
}

function probe(
  address: string,
  port: number,
  connectTimeoutMs: number,
  bannerTimeoutMs: number,
): Promise<SshCandidate | undefined> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let banner = Buffer.alloc(0);
    let settled = false;
    const finish = (found: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(found ? { address, port, banner: cleanBanner(banner) } : undefined);
    };
    let timer = setTimeout(() => finish(false), connectTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      // Something listens: it counts as found even if it never speaks; the banner tells what it is.
      timer = setTimeout(() => finish(true), bannerTimeoutMs);
    });
    socket.on('data', (chunk: Buffer) => {
      banner = Buffer.concat([banner, chunk]).subarray(0, 512);
      if (banner.includes(0x0a) || banner.length >= 512) finish(true);
    });
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(banner.length > 0));
    socket.connect(port, address);
  });
}

const SWEEP_BATCH = 16;

export async function sweepSsh(addresses: string[], options: SweepOptions): Promise<SshCandidate[]> {
  const skip = new Set(options.skip ?? []);
  const jobs = addresses.filter((a) => !skip.has(a)).flatMap((a) => options.ports.map((p) => [a, p] as const));
  const total = jobs.length;
  const found: SshCandidate[] = [];
  let next = 0;
  let scanned = 0;
  const worker = async (index: number) => {
    // Started 16 to a turn of the event loop: 256 connects at once would hold it for tens of ms,
    // and the MNDP answers discovered beside the sweep (the first router) would wait behind them.
    for (let turn = 0; turn < Math.floor(index / SWEEP_BATCH); turn += 1) await new Promise((r) => setImmediate(r));
    while (next < jobs.length && !options.signal?.aborted) {
      const [address, port] = jobs[next++]!;
      const hit = await probe(address, port, options.connectTimeoutMs ?? 1000, options.bannerTimeoutMs ?? 1500);
      scanned += 1;
      if (hit) {
        found.push(hit);
        options.onFound?.(hit);
      }
      if (scanned % 16 === 0 || scanned === total) options.onProgress?.(scanned, total);
    }
  };
  // A /24 goes out in one wave: an absent host costs one timeout, not one per wave.
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency ?? 256, Math.max(total, 1)) }, (_, i) => worker(i)),
  );
  return found.sort((a, b) => toInt(a.address) - toInt(b.address) || a.port - b.port);
}

/** Is this SSH banner an OpenSSH (or any SSH-2) server? */
export function isSshBanner(banner: string): boolean {
  return /^SSH-2\.0-|^SSH-1\.99-/.test(banner);
}
