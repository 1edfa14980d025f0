/**
 * Latest request wins for every read in the store: a slow earlier answer never overwrites a newer
 * one, and a login changed while a read is under way drops that read's answer. The answers are
 * held in promises the test resolves in the order it chooses (no timers).
 */
import { describe, expect, it } from 'vitest';
import type { Result } from '../../../contract/errors';
import type { OpName, Output } from '../../../contract/operations';
import type { LanFacts, PbxSummary, PlannedRun, RouterSummary, RunSummary } from '../../../contract/types';
import { latest } from '../../../renderer/src/store/latest';
import { createWizardStore } from '../../../renderer/src/store/wizard';
import { FakeClient, deferred, ok } from './fake-client';

/** Each call of `op` waits on its own promise; `answer(n, value)` settles the n-th call. */
function held<K extends OpName>(client: FakeClient, op: K) {
  const pending: ReturnType<typeof deferred<Result<Output<K>>>>[] = [];
  client.on(op, () => {
    const d = deferred<Result<Output<K>>>();
    pending.push(d);
    return d.promise;
  });
  return {
    answer: async (n: number, value: Output<K>) => {
      pending[n]!.resolve(ok(value));
      // Let the store's continuation run before the test looks.
      await new Promise((r) => setTimeout(r, 0));
    },
  };
}

const router = (identity: string): RouterSummary => ({
  identity,
  version: '7.16',
  board: 'hEX',
  wanAddresses: ['203.0.113.7/24'],
  doubleNat: false,
  insecure: false,
  canWrite: true,
});
const pbx = (hostname: string): PbxSummary => ({ kind: 'fspbx', hostname, hostKey: 'SHA256:x' });
const plan = (runId: string): PlannedRun => ({ runId, plan: { changes: [], warnings: [], facts: {} } });
const lan = (reasoning: string): LanFacts => ({ interfaces: [], reasoning });
const runs = (runId: string): RunSummary[] => [
  { runId, siteId: 's', kind: 'apply', status: 'confirmed', startedAt: '2026-01-01T00:00:00.000Z', changeCount: 1 },
];

describe('the latest() ticket', () => {
  it('only the newest ticket is current; superseding makes every ticket stale', () => {
    const reads = latest();
    const first = reads.take();
    const second = reads.take();
    expect([first(), second()]).toEqual([false, true]);
    reads.supersede();
    expect(second()).toBe(false);
    expect(reads.take()()).toBe(true);
  });
});

describe('latest request wins in the store', () => {
  it('router.read: the earlier answer arriving last is dropped', async () => {
    const client = new FakeClient();
    const reads = held(client, 'router.read');
    const store = createWizardStore(client);
    store.getState().setRouterForm({ host: '192.168.88.1', password: 'p' });
    const first = store.getState().readRouter();
    const second = store.getState().readRouter();
    await reads.answer(1, router('newer'));
    await reads.answer(0, router('older'));
    await Promise.all([first, second]);
    expect(store.getState().router).toEqual({ status: 'done', value: router('newer') });
  });

  it('router.read: an answer for a login changed since is dropped; the form stays as typed', async () => {
    const client = new FakeClient();
    const reads = held(client, 'router.read');
    const store = createWizardStore(client);
    store.getState().setRouterForm({ host: '192.168.88.1', password: 'p', noCertificate: 'make-certificate' });
    const reading = store.getState().readRouter();
    store.getState().setRouterForm({ host: '192.168.88.2' });
    await reads.answer(0, { ...router('old box'), fingerprint: 'AA:BB' });
    await reading;
    expect(store.getState().router.status).toBe('idle');
    // The old box's certificate is not pinned onto the new address.
    expect(store.getState().routerForm.fingerprint).toBeUndefined();
  });

  it('pbx.read: the earlier answer arriving last is dropped, and reads the peers only once', async () => {
    const client = new FakeClient().on('pbx.peers', () =>
      ok({
        trunks: [],
        phones: [],
        warnings: [],
        notProposed: [],
        resolver: { tool: 'none' as const, records: [], note: '' },
        read: { gateways: 0, runningGateways: 0, registrations: 0 },
      }),
    );
    const reads = held(client, 'pbx.read');
    const store = createWizardStore(client);
    store.getState().setPbxForm({ host: '192.168.88.10', password: 'p' });
    const first = store.getState().readPbx();
    const second = store.getState().readPbx();
    await reads.answer(1, pbx('newer'));
    await reads.answer(0, pbx('older'));
    await Promise.all([first, second]);
    expect(store.getState().pbx).toEqual({ status: 'done', value: pbx('newer') });
    expect(client.inputsOf('pbx.peers')).toHaveLength(1);
  });

  it('pbx.peers: a proposal read for the PBX login typed before is dropped', async () => {
    const client = new FakeClient();
    const reads = held(client, 'pbx.peers');
    const store = createWizardStore(client);
    store.getState().setPbxForm({ host: '192.168.88.10', password: 'p' });
    const reading = store.getState().readPeers();
    store.getState().setPbxForm({ host: '192.168.88.11' });
    await reads.answer(0, {
      trunks: [{ id: 't1', name: 'Old', address: '198.51.100.1', selected: true, why: 'gateway', sources: [] }],
      phones: [],
      warnings: [],
      notProposed: [],
      resolver: { tool: 'none', records: [], note: '' },
      read: { gateways: 1, runningGateways: 1, registrations: 0 },
    });
    await reading;
    expect(store.getState().peerProposal.status).toBe('idle');
    expect(store.getState().trunks.map((t) => t.address)).toEqual(['']);
  });

  it('site.plan: the plan asked for first, answering last, is dropped', async () => {
    const client = new FakeClient();
    const reads = held(client, 'site.plan');
    const store = createWizardStore(client);
    const first = store.getState().makePlan();
    const second = store.getState().makePlan();
    await reads.answer(1, plan('run-2'));
    await reads.answer(0, plan('run-1'));
    await Promise.all([first, second]);
    expect(store.getState().planned).toEqual({ status: 'done', value: plan('run-2') });
  });

  it('site.verify: an older check result never replaces a newer one, nor one of an earlier plan', async () => {
    const client = new FakeClient().on('site.plan', () => ok(plan('run-1')));
    const reads = held(client, 'site.verify');
    const store = createWizardStore(client);
    await store.getState().makePlan();
    const first = store.getState().verifyRun();
    const second = store.getState().verifyRun();
    await reads.answer(1, { runId: 'run-1', status: 'pass', checks: [] });
    await reads.answer(0, { runId: 'run-1', status: 'fail', checks: [] });
    await Promise.all([first, second]);
    expect(store.getState().verification).toMatchObject({ status: 'done', value: { status: 'pass' } });
    // A new plan forgets the checks: one still under way does not bring them back.
    const third = store.getState().verifyRun();
    await store.getState().makePlan();
    await reads.answer(2, { runId: 'run-1', status: 'fail', checks: [] });
    await third;
    expect(store.getState().verification.status).toBe('idle');
  });

  it('site.revertState: an older read of the undo (still armed) never replaces a newer one (undone)', async () => {
    const client = new FakeClient().on('history.list', () => ok([]));
    const reads = held(client, 'site.revertState');
    const store = createWizardStore(client);
    const first = store.getState().readRevertState();
    const second = store.getState().readRevertState();
    const run = runs('run-1')[0]!;
    await reads.answer(1, { runId: 'run-1', armed: false, routerUndone: true, run });
    await reads.answer(0, { runId: 'run-1', armed: true, routerUndone: false, run });
    await Promise.all([first, second]);
    expect(store.getState().revertState).toMatchObject({ status: 'done', value: { armed: false } });
  });

  it('history.list, app.info and lan.detect: the newer answer stays', async () => {
    const client = new FakeClient();
    const history = held(client, 'history.list');
    const info = held(client, 'app.info');
    const detect = held(client, 'lan.detect');
    const store = createWizardStore(client);
    const s = () => store.getState();
    const calls = [s().loadRuns(), s().loadRuns(), s().loadInfo(), s().loadInfo(), s().detectLan(), s().detectLan()];
    const appInfo = (version: string) => ({
      name: 'fspbx-nat',
      version,
      frontEnd: 'browser' as const,
      dataDir: '/d',
      platform: 'linux',
      runtime: { node: '22' },
    });
    await history.answer(1, runs('newer'));
    await history.answer(0, runs('older'));
    await info.answer(1, appInfo('2'));
    await info.answer(0, appInfo('1'));
    await detect.answer(1, lan('newer'));
    await detect.answer(0, lan('older'));
    await Promise.all(calls);
    expect(s().runs).toMatchObject({ status: 'done', value: [{ runId: 'newer' }] });
    expect(s().info).toMatchObject({ status: 'done', value: { version: '2' } });
    expect(s().lan).toEqual({ status: 'done', value: lan('newer') });
  });

  it("a scan's networks are not overwritten by a lan.detect asked for before it", async () => {
    const client = new FakeClient().on('discover', () =>
      ok({ lan: lan('from the scan'), routers: [], sshHosts: [], skippedPackets: 0 }),
    );
    const detect = held(client, 'lan.detect');
    const store = createWizardStore(client);
    const detecting = store.getState().detectLan();
    await store.getState().startScan();
    await detect.answer(0, lan('slow detect'));
    await detecting;
    expect(store.getState().lan).toEqual({ status: 'done', value: lan('from the scan') });
  });
});
