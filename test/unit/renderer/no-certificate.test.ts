/**
 * A stock router's API-SSL has no certificate: the router slice offers three ways on, re-reads the
 * router the chosen way, and every later call that logs in to the router connects the same way.
 */
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../contract/errors';
import type { InputArg } from '../../../contract/operations';
import type { PlannedRun, RouterSummary, VerifyResult } from '../../../contract/types';
import { createWizardStore } from '../../../renderer/src/store/wizard';
import { FakeClient, failed, ok } from './fake-client';

const NO_CERTIFICATE: AppError = {
  code: 'no_certificate',
  message: "The router's API-SSL has no certificate, so it offers only anonymous encryption. No password was sent.",
};
const MADE = 'ab'.repeat(32);
const SSH_KEY = `SHA256:${'k'.repeat(43)}`;

const summary = (over: Partial<RouterSummary> = {}): RouterSummary => ({
  identity: 'HQ',
  version: '7.16',
  board: 'hEX',
  wanAddresses: ['203.0.113.7/24'],
  doubleNat: false,
  insecure: false,
  canWrite: true,
  ...over,
});

const plannedRun: PlannedRun = { runId: 'run-1', plan: { changes: [], warnings: [], facts: {} } };
const verified: VerifyResult = { runId: 'run-1', status: 'pass', checks: [] };

/** A stock router as the backend answers it: refused unless the technician has answered `no_certificate`. */
function stockRouter(input: InputArg<'router.read'>) {
  if (!input.tls) return ok(summary({ insecure: true }));
  if (input.fingerprint === MADE) return ok(summary({ fingerprint: MADE }));
  if (input.noCertificate === 'make-certificate') return ok(summary({ fingerprint: MADE }));
  if (input.noCertificate === 'ssh-certificate') {
    // The router's SSH host key comes first, to accept; then the certificate is made and pinned.
    return input.sshHostKey === SSH_KEY
      ? ok(summary({ fingerprint: MADE, apiSslCertificate: { name: 'fspbx-api-ssl', made: true } }))
      : failed({ code: 'host_key_unknown', message: 'First SSH connection to the router.', fingerprint: SSH_KEY });
  }
  if (input.noCertificate === 'anonymous') return ok(summary({ unverified: true }));
  return failed(NO_CERTIFICATE);
}

function stockSite() {
  const client = new FakeClient()
    .on('router.read', stockRouter)
    .on('site.plan', () => ok(plannedRun))
    .on('site.apply', (input) => ok({ runId: input.runId, status: 'applied' as const, applied: [] }))
    .on('site.verify', () => ok(verified));
  const store = createWizardStore(client);
  store.getState().setRouterForm({ host: '192.168.88.1', password: 'rpw' });
  store.getState().setPbxForm({ host: '192.168.88.10', password: 'ppw' });
  return { client, store };
}

/** The router target of every call after the login: plan, apply and verify. */
async function laterTargets(client: FakeClient, store: ReturnType<typeof stockSite>['store']) {
  await store.getState().makePlan();
  await store.getState().applyPlan();
  await store.getState().verifyRun();
  return [
    client.inputsOf('site.plan')[0]!.router,
    client.inputsOf('site.apply')[0]!.access!.router,
    client.inputsOf('site.verify')[0]!.access!.router,
  ];
}

describe('router login: API-SSL without a certificate', () => {
  it('stops with the error and chooses nothing by itself', async () => {
    const { client, store } = stockSite();
    await store.getState().readRouter();
    expect(store.getState().router).toEqual({ status: 'error', error: NO_CERTIFICATE });
    expect(store.getState().routerForm.noCertificate).toBeUndefined();
    expect(client.inputsOf('router.read')).toHaveLength(1);
  });

  it('make a certificate: re-reads asking for it, then pins what was made and drops the unverified way', async () => {
    const { client, store } = stockSite();
    await store.getState().readRouter();
    await store.getState().chooseNoCertificate('make-certificate');
    expect(client.inputsOf('router.read')[1]).toEqual({
      host: '192.168.88.1',
      tls: true,
      username: 'admin',
      password: 'rpw',
      noCertificate: 'make-certificate',
    });
    expect(store.getState().router).toMatchObject({ status: 'done', value: { fingerprint: MADE } });
    expect(store.getState().routerForm).toMatchObject({ fingerprint: MADE, tls: true });
    expect(store.getState().routerForm.noCertificate).toBeUndefined();
    for (const target of await laterTargets(client, store)) {
      expect(target).toMatchObject({ tls: true, fingerprint: MADE });
      expect(target).not.toHaveProperty('noCertificate');
    }
  });

  it("a certificate over SSH: the router's SSH key is accepted first, then the certificate is pinned and the way dropped", async () => {
    const { client, store } = stockSite();
    await store.getState().readRouter();
    await store.getState().chooseNoCertificate('ssh-certificate');
    expect(client.inputsOf('router.read')[1]).toEqual({
      host: '192.168.88.1',
      tls: true,
      username: 'admin',
      password: 'rpw',
      noCertificate: 'ssh-certificate',
    });
    // The SSH host key is shown to accept; accepting it goes on the same way, the key with it.
    expect(store.getState().router).toMatchObject({ status: 'error', error: { code: 'host_key_unknown' } });
    await store.getState().acceptRouterCertificate(SSH_KEY);
    expect(client.inputsOf('router.read')[2]).toMatchObject({ noCertificate: 'ssh-certificate', sshHostKey: SSH_KEY });
    expect(client.inputsOf('router.read')[2]).not.toHaveProperty('fingerprint');
    expect(store.getState().router).toMatchObject({ status: 'done', value: { fingerprint: MADE } });
    expect(store.getState().routerForm).toMatchObject({ fingerprint: MADE, tls: true });
    expect(store.getState().routerForm.noCertificate).toBeUndefined();
    expect(store.getState().routerForm.sshHostKey).toBeUndefined();
    for (const target of await laterTargets(client, store)) {
      expect(target).toMatchObject({ tls: true, fingerprint: MADE });
      expect(target).not.toHaveProperty('noCertificate');
      expect(target).not.toHaveProperty('sshHostKey');
    }
  });

  it('connect unverified: the answer is carried into plan, apply and verify', async () => {
    const { client, store } = stockSite();
    await store.getState().readRouter();
    await store.getState().chooseNoCertificate('anonymous');
    expect(client.inputsOf('router.read')[1]).toMatchObject({ tls: true, noCertificate: 'anonymous' });
    expect(store.getState().router).toMatchObject({ status: 'done', value: { unverified: true } });
    for (const target of await laterTargets(client, store)) {
      expect(target).toMatchObject({ tls: true, noCertificate: 'anonymous' });
    }
  });

  it('plain API: re-reads on the standard plain port, with no certificate answer sent', async () => {
    const { client, store } = stockSite();
    store.getState().setRouterForm({ port: '18729' });
    await store.getState().readRouter();
    await store.getState().chooseNoCertificate('plain-api');
    const again = client.inputsOf('router.read')[1]!;
    expect(again).toEqual({ host: '192.168.88.1', tls: false, username: 'admin', password: 'rpw' });
    expect(store.getState().router).toMatchObject({ status: 'done', value: { insecure: true } });
    for (const target of await laterTargets(client, store)) {
      expect(target).toMatchObject({ tls: false });
      expect(target).not.toHaveProperty('noCertificate');
    }
  });

  it('another router address forgets the answer; accepting a shown certificate drops it too', async () => {
    const { store } = stockSite();
    await store.getState().chooseNoCertificate('anonymous');
    store.getState().setRouterForm({ password: 'typed again' });
    expect(store.getState().routerForm.noCertificate).toBe('anonymous');
    store.getState().setRouterForm({ host: '192.168.88.2' });
    expect(store.getState().routerForm.noCertificate).toBeUndefined();

    // An SSH key accepted for one address is forgotten with it.
    await store.getState().chooseNoCertificate('ssh-certificate');
    await store.getState().acceptRouterCertificate(SSH_KEY);
    store.getState().setRouterForm({ host: '192.168.88.3' });
    expect(store.getState().routerForm.sshHostKey).toBeUndefined();

    await store.getState().chooseNoCertificate('anonymous');
    await store.getState().acceptRouterCertificate(MADE);
    expect(store.getState().routerForm).toMatchObject({ fingerprint: MADE });
    expect(store.getState().routerForm.noCertificate).toBeUndefined();
  });
});
