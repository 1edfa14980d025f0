/** The SSH sweep on loopback: real listeners on 127.0.0.x, hostile banners, silent ports, bounded time. */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanBanner, hostsOf, isSshBanner, sweepSsh } from '../../electron/pbx/session/sweep';

const servers: Server[] = [];
let port: number;

function listen(host: string, onConnection: (s: Socket) => void, at = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer(onConnection);
    servers.push(server);
    server.once('error', reject);
    server.listen(at, host, () => resolve((server.address() as AddressInfo).port));
  });
}

beforeAll(async () => {
  port = await listen('127.0.0.10', (s) => s.end('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'));
  await listen('127.0.0.30', (s) => s.end('SSH-2.0-OpenSSH_9.2p1\r\n'), port);
  // Hostile: escape sequences and a huge line.
  await listen('127.0.0.66', (s) => s.end(`SSH-2.0-\u001b[2J\u0007evil${'A'.repeat(5000)}\n`), port);
  // Listens but never speaks.
  await listen('127.0.0.77', () => undefined, port);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

describe('SSH sweep', () => {
  it('lists the hosts of a subnet without network and broadcast, and refuses huge ones', () => {
    expect(hostsOf('192.168.88.0/24')).toHaveLength(254);
    expect(hostsOf('192.168.88.0/24')[0]).toBe('192.168.88.1');
    expect(hostsOf('192.168.88.0/24').at(-1)).toBe('192.168.88.254');
    expect(hostsOf('10.0.0.0/22')).toHaveLength(1022);
    expect(() => hostsOf('10.0.0.0/16')).toThrow(RangeError);
  });

  it('finds every listener on a /24 with its banner, cleaned', async () => {
    const progress: number[] = [];
    const found = await sweepSsh(hostsOf('127.0.0.0/24'), {
      ports: [port],
      skip: ['127.0.0.1'],
      bannerTimeoutMs: 300,
      onProgress: (scanned) => progress.push(scanned),
    });
    expect(found.map((f) => f.address)).toEqual(['127.0.0.10', '127.0.0.30', '127.0.0.66', '127.0.0.77']);
    expect(found[0]!.banner).toBe('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3');
    const evil = found[2]!.banner;
    // eslint-disable-next-line no-control-regex
    expect(evil).not.toMatch(/[\u0000-\u001f]/);
    expect(evil.length).toBeLessThanOrEqual(120);
    expect(found[3]!.banner).toBe('');
    expect(isSshBanner(found[0]!.banner)).toBe(true);
    expect(isSshBanner(found[3]!.banner)).toBe(false);
    expect(progress.at(-1)).toBe(253);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const found = await sweepSsh(hostsOf('127.0.0.0/24'), { ports: [port], signal: controller.signal });
    expect(found).toEqual([]);
  });

  it('cleans banners from the network', () => {
    expect(cleanBanner(Buffer.from('SSH-2.0-x\u0000\u001b]0;title\u0007\r\nmore'))).toBe('SSH-2.0-x]0;title');
  });
});
