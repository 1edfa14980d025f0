/**
 * API-SSL on a stock router (issue 18.1): with `certificate=none` RouterOS offers anonymous DH
 * only (api.md "API over TLS"). The simulator behaves so; the wizard names the cause, connects
 * unverified only on the technician's word, or gives api-ssl a certificate over that session and
 * comes back pinned to it; the plain API stays the third way.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerTarget, type RouterTarget } from '../../contract/schemas';
import { API_SSL_CERTIFICATE } from '../../electron/routeros/certificate';
import { connectRouter } from '../../electron/routeros/connection';
import { startRouterSim, type RouterSim } from '../lab/routeros';
import { failureOf } from './helpers/failure';

const HOST = '127.0.0.48';
let dir: string;
let sim: RouterSim;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fspbx-apissl-'));
  sim = await startRouterSim({
    bind: HOST,
    apiPort: 0,
    apiSslPort: 0,
    stateDir: join(dir, 'state'),
    users: [{ name: 'admin', password: 'pw', group: 'full' }],
    apiSslCertificate: 'none',
  });
});

afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const target = (extra: Partial<RouterTarget> = {}): RouterTarget =>
  routerTarget.parse({ host: HOST, port: sim.apiSslPort, username: 'admin', password: 'pw', ...extra });

/** What Node's default TLS client gets from the router: the handshake's error code, or 'connected'. */
function defaultHandshake(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: HOST, port, rejectUnauthorized: false }, () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe('API-SSL with no certificate on the router', () => {
  it('the simulator offers anonymous DH only, as stock RouterOS: a default client is refused in the handshake', async () => {
    expect(await defaultHandshake(sim.apiSslPort)).toMatch(/HANDSHAKE_FAILURE/);
  });

  it('the wizard names the cause and the three ways on, and sends no password', async () => {
    const failure = await failureOf(connectRouter(target()));
    expect(failure.error.code).toBe('no_certificate');
    expect(failure.error.message).toMatch(/API-SSL has no certificate/);
    expect(failure.error.message).toMatch(/identity cannot be verified/);
    expect(failure.error.message).toMatch(/plain API/);
  });

  it("on the technician's word it connects unverified: encrypted, no fingerprint to pin", async () => {
    const conn = await connectRouter(target({ noCertificate: 'anonymous' }));
    try {
      expect(conn.unverified).toBe(true);
      expect(conn.fingerprint).toBeUndefined();
      expect(conn.insecure).toBe(false);
      expect((await conn.command('/system/identity/print'))[0]?.name).toBe('MikroTik');
    } finally {
      await conn.close();
    }
  });

  it('the plain API remains, flagged insecure', async () => {
    const conn = await connectRouter(target({ tls: false, port: sim.apiPort }));
    try {
      expect(conn.insecure).toBe(true);
    } finally {
      await conn.close();
    }
  });

  it('make-certificate: api-ssl gets a signed certificate, the wizard comes back pinned to what the router reports', async () => {
    const conn = await connectRouter(target({ noCertificate: 'make-certificate' }));
    let pinned: string | undefined;
    try {
      expect(conn.unverified).toBeUndefined();
      pinned = conn.fingerprint;
      const [cert] = await conn.command('/certificate/print', [`?name=${API_SSL_CERTIFICATE}`]);
      expect(cert).toMatchObject({ 'private-key': 'true', fingerprint: pinned });
      // 7.19+: the wizard's own session is a dynamic row named api-ssl too; the service is the static one.
      const rows = await conn.command('/ip/service/print', ['?name=api-ssl']);
      expect(rows.some((r) => r.dynamic === 'true' && r.connection === 'true')).toBe(true);
      const [service] = await conn.command('/ip/service/print', ['?name=api-ssl', '?dynamic=false']);
      expect(service?.certificate).toBe(API_SSL_CERTIFICATE);
    } finally {
      await conn.close();
    }
    expect(pinned).toMatch(/^[0-9a-f]{64}$/);
    // Now a default client gets a certificate, and the pin is what later visits check.
    expect(await defaultHandshake(sim.apiSslPort)).toBe('connected');
    const again = await connectRouter(target({ fingerprint: pinned }));
    await again.close();
    const other = await failureOf(connectRouter(target({ fingerprint: 'ab'.repeat(32) })));
    expect(other.error.code).toBe('host_key_changed');
    // Asking again on a router that has its certificate makes nothing new: the usual pin flow.
    const first = await failureOf(connectRouter(target({ noCertificate: 'make-certificate' })));
    expect(first.error).toMatchObject({ code: 'host_key_unknown', fingerprint: pinned });
  });
});
