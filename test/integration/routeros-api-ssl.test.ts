/**
 * API-SSL on a stock router (issue 18.1): with `certificate=none` RouterOS offers anonymous DH
 * only (api.md "API over TLS"). The simulator behaves so; the wizard names the cause, connects
 * unverified only on the technician's word, or gives api-ssl a certificate over that session and
 * comes back pinned to it; the plain API stays the third way.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerTarget, type RouterTarget } from '../../contract/schemas';
import { API_SSL_CERTIFICATE } from '../../electron/routeros/certificate';
import { connectRouter } from '../../electron/routeros/connection';
import { startRouterSim, type RouterSim, type RouterSimOptions } from '../lab/routeros';
import { failureOf } from './helpers/failure';

const HOST = '127.0.0.48';
let dir: string;
let sim: RouterSim;
/** Stock routers of other profiles (issue 25.6), started by the tests that need them, closed at the end. */
const profiles: RouterSim[] = [];
async function stockRouter(host: string, extra: Partial<RouterSimOptions>): Promise<RouterSim> {
  const started = await startRouterSim({
    bind: host,
    apiPort: 0,
    apiSslPort: 0,
    stateDir: join(dir, host),
    users: [{ name: 'admin', password: 'pw', group: 'full' }],
    apiSslCertificate: 'none',
    ...extra,
  });
  profiles.push(started);
  return started;
}
const on = (host: string, router: RouterSim, extra: Partial<RouterTarget> = {}): RouterTarget =>
  routerTarget.parse({ host, port: router.apiSslPort, username: 'admin', password: 'pw', ...extra });

/** The certificate API-SSL presents now, as a TLS client receives it. */
function presented(host: string, port: number): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host, port, rejectUnauthorized: false }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.destroy();
      resolve(new X509Certificate(raw));
    });
    socket.on('error', reject);
  });
}

/** The key usages a certificate carries, as openssl names them (Node reads only the extended ones). */
function keyUsageOf(cert: X509Certificate): string {
  return execFileSync('openssl', ['x509', '-noout', '-ext', 'keyUsage'], {
    input: cert.toString(),
    timeout: 10_000,
  }).toString();
}

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
  await Promise.all([sim?.close(), ...profiles.map((p) => p.close())]);
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

describe('making the certificate on routers as technicians meet them (issue 25.6)', () => {
  it("the simulator refuses to self-sign a template without key-cert-sign, as RouterOS does ('CA not found')", async () => {
    const host = '127.0.0.52';
    const router = await stockRouter(host, { version: '7.20.1' });
    const plain = await connectRouter(on(host, router, { tls: false, port: router.apiPort }));
    try {
      await plain.command('/certificate/add', ['=name=server-only', '=common-name=x', '=key-usage=tls-server']);
      const refused = await failureOf(plain.command('/certificate/sign', ['=number=server-only']));
      expect(refused.error.message).toMatch(/CA not found/);
      expect((await plain.command('/certificate/print', ['?name=server-only']))[0]?.fingerprint ?? '').toBe('');
    } finally {
      await plain.close();
    }
  });

  it('7.20: a leftover tls-server template is replaced, the assignment that drops the session is confirmed pinned', async () => {
    const host = '127.0.0.53';
    const router = await stockRouter(host, { version: '7.20.1', apiSslChangeDropsSessions: true });
    // An earlier attempt (the wizard before this fix) left a template that cannot sign itself.
    const plain = await connectRouter(on(host, router, { tls: false, port: router.apiPort }));
    try {
      await plain.command('/certificate/add', [
        `=name=${API_SSL_CERTIFICATE}`,
        '=common-name=old',
        '=key-usage=tls-server',
      ]);
    } finally {
      await plain.close();
    }
    const conn = await connectRouter(on(host, router, { noCertificate: 'make-certificate' }));
    let pinned: string | undefined;
    try {
      pinned = conn.fingerprint;
      const [cert] = await conn.command('/certificate/print', [`?name=${API_SSL_CERTIFICATE}`]);
      expect(cert).toMatchObject({ 'private-key': 'true', fingerprint: pinned, 'common-name': host });
    } finally {
      await conn.close();
    }
    const shown = await presented(host, router.apiSslPort);
    expect(shown.fingerprint256.replace(/:/g, '').toLowerCase()).toBe(pinned);
    // What the template named is what the signed certificate carries: it can sign itself and serve ECDHE-RSA.
    const usage = keyUsageOf(shown);
    expect(usage).toMatch(/Digital Signature/);
    expect(usage).toMatch(/Certificate Sign/);
    const service = router.state.print('/ip/service').filter((r) => r.name === 'api-ssl' && r.dynamic !== 'true');
    expect(service.map((r) => r.certificate)).toEqual([API_SSL_CERTIFICATE]);
  });

  it('when giving api-ssl its certificate ends that very session, the wizard comes back pinned to it', async () => {
    // 7.18: no connection rows in /ip/service, so only the dropped session is in play here.
    const host = '127.0.0.58';
    const router = await stockRouter(host, { version: '7.18.2', apiSslChangeDropsSessions: true });
    const conn = await connectRouter(on(host, router, { noCertificate: 'make-certificate' }));
    await conn.close();
    const [cert] = router.state.print('/certificate').filter((c) => c.name === API_SSL_CERTIFICATE);
    expect(conn.fingerprint).toBe(cert?.fingerprint);
    // The unverified session asked, the router ended it before answering; then one pinned session.
    expect(router.apiConnections.filter((c) => c.loginAs === 'admin')).toHaveLength(2);
  });

  it('6.49: the router prints a SHA-1 fingerprint; the wizard compares it with the SHA-1 of what API-SSL shows and pins the SHA-256', async () => {
    const host = '127.0.0.54';
    const router = await stockRouter(host, { version: '6.49.17' });
    const conn = await connectRouter(on(host, router, { noCertificate: 'make-certificate' }));
    let pinned: string | undefined;
    try {
      pinned = conn.fingerprint;
      const [cert] = await conn.command('/certificate/print', [`?name=${API_SSL_CERTIFICATE}`]);
      expect(cert?.fingerprint).toMatch(/^[0-9a-f]{40}$/);
      const shown = await presented(host, router.apiSslPort);
      expect(shown.fingerprint.replace(/:/g, '').toLowerCase()).toBe(cert?.fingerprint);
      expect(shown.fingerprint256.replace(/:/g, '').toLowerCase()).toBe(pinned);
    } finally {
      await conn.close();
    }
    expect(pinned).toMatch(/^[0-9a-f]{64}$/);
    await (await connectRouter(on(host, router, { fingerprint: pinned }))).close();
  });

  it('a small board: the key appears after sign answered; the wizard reads back, bounded, and a timed-out run carries on', async () => {
    const quick = await stockRouter('127.0.0.55', { signLagMs: 1_500 });
    // Each 5 s read-back interval passes in 250 ms here: the 2-minute bound becomes 6 s, the lag 1.5 s
    // (plus the key's own generation, which a loaded machine stretches).
    const scaled = (ms: number) => new Promise<void>((r) => setTimeout(r, ms / 20));
    const conn = await connectRouter(on('127.0.0.55', quick, { noCertificate: 'make-certificate' }), {
      pause: scaled,
    });
    await conn.close();
    expect(conn.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    // Long enough that 24 read-backs without a pause are surely over before the key exists, however
    // slow the machine; the second attempt then waits for the key itself.
    const slow = await stockRouter('127.0.0.56', { signLagMs: 8_000 });
    const hurried = await failureOf(
      connectRouter(on('127.0.0.56', slow, { noCertificate: 'make-certificate' }), { pause: async () => undefined }),
    );
    expect(hurried.error.code).toBe('timeout');
    expect(hurried.error.message).toMatch(/Connect again in a minute/);
    // The key appears once the board has made it (the lag, then the key generation itself, which a
    // loaded machine stretches): wait for that, bounded, not for a fixed time.
    const signed = () =>
      slow.state.print('/certificate').some((c) => c.name === API_SSL_CERTIFICATE && c['private-key'] === 'true');
    for (let i = 0; i < 300 && !signed(); i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(signed()).toBe(true);
    const again = await connectRouter(on('127.0.0.56', slow, { noCertificate: 'make-certificate' }), {
      pause: async () => undefined,
    });
    await again.close();
    expect(slow.state.print('/certificate').filter((c) => c.name === API_SSL_CERTIFICATE)).toHaveLength(1);
    expect(again.fingerprint).toBe(
      slow.state.print('/certificate').find((c) => c.name === API_SSL_CERTIFICATE)?.fingerprint,
    );
  });
});
