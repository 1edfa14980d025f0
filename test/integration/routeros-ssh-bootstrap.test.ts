/**
 * A stock router reached from the desktop app (issue 26.4): Electron's BoringSSL has no
 * anonymous-DH suites, so a certificate-less api-ssl cannot be spoken to at all. The Router step's
 * read runs here with the desktop's TLS (BORINGSSL_LIKE: BoringSSL's suite list, no ADH) against
 * the stock simulator (api-ssl certificate=none, SSH on): the router's SSH host key is accepted,
 * api-ssl gets a certificate over SSH, and API-SSL is reached pinned to exactly the fingerprint
 * the router reported. The password never crosses in clear: no connection to 8728 at all.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Failure } from '../../contract/errors';
import { routerTarget, type RouterTarget } from '../../contract/schemas';
import type { RouterSummary } from '../../contract/types';
import { routerHandlers } from '../../electron/api/handlers/router';
import { API_SSL_CERTIFICATE } from '../../electron/routeros/certificate';
import { connectRouter } from '../../electron/routeros/connection';
import { BORINGSSL_CLIENT_CIPHERS, BORINGSSL_LIKE } from '../../electron/routeros/tls-capability';
import { openStore, type Store } from '../../electron/store';
import { startRouterSim, type RouterSim } from '../lab/routeros';
import { failureOf } from './helpers/failure';

const HOST = '127.0.0.49';
const DROP_HOST = '127.0.0.50';
const OFF_HOST = '127.0.0.51';
const PASSWORD = 'Summer-2026';
/** The drop router is a small board: its key appears this long after `sign` answered. */
const SIGN_LAG_MS = 300;
let dir: string;
let sim: RouterSim;
let dropSim: RouterSim;
let offSim: RouterSim;
const stores: Store[] = [];

const stock = (bind: string, ssh: { disabled?: boolean } = {}, signLagMs?: number) =>
  startRouterSim({
    ...(signLagMs === undefined ? {} : { signLagMs }),
    bind,
    apiPort: 0,
    apiSslPort: 0,
    stateDir: join(dir, bind),
    users: [{ name: 'admin', password: PASSWORD, group: 'full' }],
    radiusUsers: [{ name: 'radius-tech', password: PASSWORD, group: 'full' }],
    apiSslCertificate: 'none',
    ssh: { port: 0, ...ssh },
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fspbx-sshboot-'));
  [sim, dropSim, offSim] = await Promise.all([
    stock(HOST),
    stock(DROP_HOST, {}, SIGN_LAG_MS),
    stock(OFF_HOST, { disabled: true }),
  ]);
});

afterAll(async () => {
  for (const s of stores) s.close();
  await Promise.all([sim?.close(), dropSim?.close(), offSim?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

function freshStore(): Store {
  const store = openStore(join(dir, `data-${stores.length}`));
  stores.push(store);
  return store;
}

/** The Router step's read as the desktop app runs it: its handler, with BoringSSL's TLS. */
function desktopRead(
  store: Store,
  on: RouterSim,
  host: string,
  extra: Partial<RouterTarget> = {},
  pause: (ms: number) => Promise<void> = async () => undefined,
) {
  const read = routerHandlers(() => store, { tls: BORINGSSL_LIKE, pause })['router.read'];
  const input = routerTarget.parse({
    host,
    port: on.apiSslPort,
    username: 'admin',
    password: PASSWORD,
    sshPort: on.ssh!.port,
    ...extra,
  });
  return read(input, { progress: () => undefined, signal: new AbortController().signal });
}

async function refused(promise: Promise<RouterSummary>): Promise<Failure['error']> {
  return (await failureOf(promise)).error;
}

/** OpenSSL's names of BoringSSL's suites, and TLS 1.3's (which BoringSSL has too). */
const BORINGSSL_SUITES = new Set([
  ...BORINGSSL_CLIENT_CIPHERS.split(':'),
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
]);

/** What the router saw: nothing on the plain API, and no anonymous suite ever agreed. */
function expectNoClearPasswordAndNoAdh(on: RouterSim) {
  expect(on.apiConnections.filter((c) => c.service === 'api')).toEqual([]);
  for (const c of on.apiConnections) {
    if (c.cipher !== undefined) expect(BORINGSSL_SUITES.has(c.cipher), c.cipher).toBe(true);
    expect(c.cipher ?? '').not.toMatch(/ADH|anon/i);
    // A /login only ever travels inside an agreed (pinned) TLS session.
    if (c.loginAs !== undefined) expect(c.cipher).toBeDefined();
  }
}

const certificateOn = (on: RouterSim) => on.state.print('/certificate').find((c) => c.name === API_SSL_CERTIFICATE);
const apiSslCertificateOn = (on: RouterSim) =>
  on.state.print('/ip/service').find((s) => s.name === 'api-ssl' && s.dynamic !== 'true')?.certificate;

describe('a stock router from the desktop app (BoringSSL: no anonymous suites)', () => {
  let store: Store;
  beforeAll(() => {
    store = freshStore();
  });

  it('api-ssl without a certificate is named, and the sentence offers the SSH way and the plain API only', async () => {
    const error = await refused(desktopRead(store, sim, HOST));
    expect(error.code).toBe('no_certificate');
    expect(error.message).toMatch(/over the router's SSH/);
    expect(error.message).toMatch(/plain API/);
    expect(error.message).not.toMatch(/connect anyway/i);
    expect(sim.apiConnections.length).toBeGreaterThan(0);
    expect(sim.apiConnections.every((c) => c.cipher === undefined && c.loginAs === undefined)).toBe(true);
  });

  it('the anonymous ways are refused before any packet when the runtime has no ADH', async () => {
    const before = sim.apiConnections.length;
    for (const noCertificate of ['anonymous', 'make-certificate'] as const) {
      const failure = await failureOf(
        connectRouter(
          routerTarget.parse({
            host: HOST,
            port: sim.apiSslPort,
            username: 'admin',
            password: PASSWORD,
            noCertificate,
          }),
          { tls: BORINGSSL_LIKE },
        ),
      );
      expect(failure.error).toMatchObject({ code: 'invalid_input', field: 'noCertificate' });
      expect(failure.error.message).toMatch(/over the router's SSH/);
    }
    expect(sim.apiConnections.length).toBe(before);
  });

  it("the SSH way first shows the router's SSH host key to accept; no password is sent", async () => {
    const error = await refused(desktopRead(store, sim, HOST, { noCertificate: 'ssh-certificate' }));
    expect(error).toMatchObject({ code: 'host_key_unknown', fingerprint: sim.ssh!.hostKey });
    expect(error.message).toMatch(/No password was sent/);
    expect(sim.ssh!.commands).toEqual([]);
  });

  it('a wrong password over SSH is named as such, and nothing is pinned or made', async () => {
    const error = await refused(
      desktopRead(store, sim, HOST, {
        noCertificate: 'ssh-certificate',
        sshHostKey: sim.ssh!.hostKey,
        password: 'wrong',
      }),
    );
    expect(error.code).toBe('auth_failed');
    expect(error.message).toMatch(/refused user "admin" over SSH/);
    expect(error.message).toMatch(/"ssh" policy/);
    expect(store.knownFingerprint('ssh', HOST, sim.ssh!.port)).toBeUndefined();
    expect(certificateOn(sim)).toBeUndefined();
  });

  it('a changed SSH host key is refused with the fingerprint to compare; no password is sent', async () => {
    const error = await refused(
      desktopRead(store, sim, HOST, { noCertificate: 'ssh-certificate', sshHostKey: `SHA256:${'A'.repeat(43)}` }),
    );
    expect(error).toMatchObject({ code: 'host_key_changed', fingerprint: sim.ssh!.hostKey });
    expect(error.message).toMatch(/CHANGED/);
    expect(sim.ssh!.commands).toEqual([]);
  });

  it('accepted: api-ssl gets a certificate over SSH and API-SSL is reached pinned to what the router reported', async () => {
    const summary = await desktopRead(store, sim, HOST, {
      noCertificate: 'ssh-certificate',
      sshHostKey: sim.ssh!.hostKey,
    });
    const made = certificateOn(sim);
    expect(made).toMatchObject({ 'private-key': 'true' });
    expect(apiSslCertificateOn(sim)).toBe(API_SSL_CERTIFICATE);
    expect(summary.fingerprint).toBe(made?.fingerprint);
    expect(summary).toMatchObject({ insecure: false, apiSslCertificate: { name: API_SSL_CERTIFICATE, made: true } });
    expect(summary.unverified).toBeUndefined();
    // Both pins, taken only once API-SSL answered with the certificate SSH reported.
    expect(store.knownFingerprint('api-ssl', HOST, sim.apiSslPort)).toBe(made?.fingerprint);
    expect(store.knownFingerprint('ssh', HOST, sim.ssh!.port)).toBe(sim.ssh!.hostKey);
    // The lines sent were the wizard's own words: the certificate's fixed name, the typed address as common name.
    expect(
      sim.ssh!.commands.some((c) => c.startsWith('/certificate add name="fspbx-api-ssl" common-name="127.0.0.49"')),
    ).toBe(true);
    expectNoClearPasswordAndNoAdh(sim);
  });

  it('later visits connect pinned from the history, without SSH, even when the SSH way is asked for again', async () => {
    const sshLines = sim.ssh!.commands.length;
    const pinned = await desktopRead(store, sim, HOST);
    expect(pinned.fingerprint).toBe(certificateOn(sim)?.fingerprint);
    const again = await desktopRead(store, sim, HOST, { noCertificate: 'ssh-certificate' });
    expect(again.fingerprint).toBe(pinned.fingerprint);
    expect(again.apiSslCertificate).toBeUndefined();
    expect(sim.ssh!.commands).toHaveLength(sshLines);
    expect(sim.state.print('/certificate').filter((c) => c.name === API_SSL_CERTIFICATE)).toHaveLength(1);
    expectNoClearPasswordAndNoAdh(sim);
  });

  it('an account the router checks over RADIUS takes the SSH way too', async () => {
    const lines = sim.ssh!.commands.length;
    const summary = await desktopRead(freshStore(), sim, HOST, {
      username: 'radius-tech',
      noCertificate: 'ssh-certificate',
      sshHostKey: sim.ssh!.hostKey,
    });
    expect(summary).toMatchObject({ fingerprint: certificateOn(sim)?.fingerprint, apiSslCertificate: { made: false } });
    expect(sim.ssh!.commands.length).toBeGreaterThan(lines);
  });

  it('a router that lost its certificate is given a new one over the SSH key accepted before, and pinned anew', async () => {
    const admin = { name: 'admin', policies: new Set(['read', 'write', 'sensitive', 'policy']) };
    const old = certificateOn(sim)!.fingerprint;
    expect(sim.state.set('/ip/service', 'api-ssl', [['certificate', 'none']], admin).ok).toBe(true);
    expect(sim.state.remove('/certificate', API_SSL_CERTIFICATE, admin).ok).toBe(true);
    // The pin alone now meets an anonymous-only api-ssl: named, nothing sent.
    expect((await refused(desktopRead(store, sim, HOST))).code).toBe('no_certificate');
    const renewed = await desktopRead(store, sim, HOST, { noCertificate: 'ssh-certificate' });
    expect(renewed.apiSslCertificate).toEqual({ name: API_SSL_CERTIFICATE, made: true });
    expect(renewed.fingerprint).not.toBe(old);
    expect(store.knownFingerprint('api-ssl', HOST, sim.apiSslPort)).toBe(renewed.fingerprint);
    expectNoClearPasswordAndNoAdh(sim);
  });
});

describe('a router that drops off mid-bootstrap', () => {
  it('leaves nothing pinned, and running the SSH way again finishes the job', async () => {
    const store = freshStore();
    const ssh = { noCertificate: 'ssh-certificate' as const, sshHostKey: dropSim.ssh!.hostKey };
    // The 4th line is `sign`: the certificate was added, the link goes before it is signed.
    dropSim.ssh!.setFaults({ dropAtExec: 4 });
    const error = await refused(desktopRead(store, dropSim, DROP_HOST, ssh));
    expect(error.code).toBe('transport_closed');
    expect(error.message).toMatch(/nothing was pinned/);
    expect(certificateOn(dropSim)?.['private-key']).not.toBe('true');
    expect(apiSslCertificateOn(dropSim)).toBe('none');
    expect(store.knownFingerprint('api-ssl', DROP_HOST, dropSim.apiSslPort)).toBeUndefined();
    expect(store.knownFingerprint('ssh', DROP_HOST, dropSim.ssh!.port)).toBeUndefined();

    dropSim.ssh!.setFaults({});
    // This board answers `sign` before its key exists: the wizard reads back (here every 100 ms) until it does.
    const waits: number[] = [];
    const summary = await desktopRead(store, dropSim, DROP_HOST, ssh, async (ms) => {
      waits.push(ms);
      await new Promise((r) => setTimeout(r, 100));
    });
    expect(waits.length).toBeGreaterThan(0);
    expect(summary.apiSslCertificate).toEqual({ name: API_SSL_CERTIFICATE, made: false });
    expect(summary.fingerprint).toBe(certificateOn(dropSim)?.fingerprint);
    expect(store.knownFingerprint('api-ssl', DROP_HOST, dropSim.apiSslPort)).toBe(summary.fingerprint);
    expectNoClearPasswordAndNoAdh(dropSim);
  });
});

describe('a router whose SSH service is off', () => {
  it('says how to turn it on, or to use the other way this app has', async () => {
    const error = await refused(
      desktopRead(freshStore(), offSim, OFF_HOST, { noCertificate: 'ssh-certificate', sshHostKey: sim.ssh!.hostKey }),
    );
    expect(error.code).toBe('host_unreachable');
    expect(error.message).toMatch(/\/ip service enable ssh/);
    expect(error.message).toMatch(/plain API/);
    expect(error.message).not.toMatch(/without verifying/);
    expect(offSim.apiConnections).toEqual([]);
  });
});

describe('a RouterOS 6.49 router with a leftover from an earlier attempt (issue 25.6)', () => {
  const OLD_HOST = '127.0.0.57';
  let old: RouterSim;
  beforeAll(async () => {
    old = await startRouterSim({
      bind: OLD_HOST,
      apiPort: 0,
      apiSslPort: 0,
      stateDir: join(dir, OLD_HOST),
      version: '6.49.17',
      users: [{ name: 'admin', password: PASSWORD, group: 'full' }],
      apiSslCertificate: 'none',
      ssh: { port: 0 },
    });
  });
  afterAll(async () => {
    await old?.close();
  });

  it('the tls-server template is replaced, and the SHA-1 the router prints is checked against API-SSL, the SHA-256 pinned', async () => {
    // What the wizard left before key-cert-sign was asked for: a template RouterOS will not self-sign.
    const plain = await connectRouter(
      routerTarget.parse({ host: OLD_HOST, port: old.apiPort, tls: false, username: 'admin', password: PASSWORD }),
    );
    try {
      await plain.command('/certificate/add', [
        `=name=${API_SSL_CERTIFICATE}`,
        '=common-name=x',
        '=key-usage=tls-server',
      ]);
    } finally {
      await plain.close();
    }
    const store = freshStore();
    const summary = await desktopRead(store, old, OLD_HOST, {
      noCertificate: 'ssh-certificate',
      sshHostKey: old.ssh!.hostKey,
    });
    const made = certificateOn(old);
    expect(made).toMatchObject({ 'private-key': 'true', 'common-name': OLD_HOST });
    expect(made?.fingerprint).toMatch(/^[0-9a-f]{40}$/);
    expect(summary.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(summary.apiSslCertificate).toEqual({ name: API_SSL_CERTIFICATE, made: true });
    expect(store.knownFingerprint('api-ssl', OLD_HOST, old.apiSslPort)).toBe(summary.fingerprint);
    // Before 7.19 the service is named as it is; the leftover went before a fresh template was added.
    const lines = old.ssh!.commands.join('\n');
    expect(lines).toContain('/certificate remove');
    expect(lines).toContain('/ip service set api-ssl certificate=');
    // (The leftover was made over the plain API above; the wizard itself spoke API-SSL only, never ADH.)
    const wizard = old.apiConnections.filter((c) => c.service === 'api-ssl');
    expect(wizard.length).toBeGreaterThan(0);
    for (const c of wizard) expect(c.cipher ?? '').not.toMatch(/ADH|anon/i);
  });
});
