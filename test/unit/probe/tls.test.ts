/**
 * The TLS handshake probe on real sockets at 127.0.0.1: a TLS server with a
 * self-signed certificate (made with openssl for this test) completes, a
 * closed port is refused, a plain TCP server that never speaks TLS is
 * reported as not TLS, and the probe sends nothing after the handshake.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createTcpServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsHandshake } from '../../../electron/probe/tls';

const dir = mkdtempSync(join(tmpdir(), 'tls-probe-'));
const servers: Server[] = [];
let tlsPort = 0;
let silentPort = 0;
let closedPort = 0;
const received: Buffer[] = [];
let handshakes = 0;

const listen = (server: Server) =>
  new Promise<number>((resolve) => {
    servers.push(server);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });

beforeAll(async () => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=FreeSWITCH',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const tls = createTlsServer(
    { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
    (socket: TLSSocket) => {
      handshakes += 1;
      socket.on('data', (d: Buffer) => received.push(d));
    },
  );
  tlsPort = await listen(tls);
  const silent = createTcpServer(() => undefined);
  silentPort = await listen(silent);
  const closed = createTcpServer();
  closedPort = await listen(closed);
  await new Promise<void>((r) => closed.close(() => r()));
});

afterAll(async () => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('TLS handshake probe', () => {
  it('completes against a self-signed server, names the certificate, sends nothing after', async () => {
    const r = await tlsHandshake('127.0.0.1', { port: tlsPort, what: 'SIP over TLS' }, 3_000);
    expect(r).toMatchObject({ protocol: 'tcp', port: tlsPort, verdict: 'handshake', certificate: 'FreeSWITCH' });
    expect(r.tlsVersion).toMatch(/^TLSv1\.[23]$/);
    await new Promise((res) => setTimeout(res, 100));
    // The server saw the handshake complete too (the client's Finished was flushed, not dropped).
    expect(handshakes).toBe(1);
    expect(Buffer.concat(received).length).toBe(0);
  });

  it('a closed port is refused', async () => {
    const r = await tlsHandshake('127.0.0.1', { port: closedPort, what: 'WSS' }, 3_000);
    expect(r.verdict).toBe('refused');
  });

  it('a server that accepts and never answers TLS is not a TLS listener', async () => {
    const r = await tlsHandshake('127.0.0.1', { port: silentPort, what: 'WSS' }, 500);
    expect(r.verdict).toBe('no-answer');
    expect(r.detail).toMatch(/connection opened but no TLS answer/);
  });
});
