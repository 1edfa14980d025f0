import { describe, expect, it } from 'vitest';
import type { PlannedRun, RouterSummary, RunSummary, VerifyResult } from '../../../contract/types';
import { createWizardStore } from '../../../renderer/src/store/wizard';
import { keyPrompt } from '../../../renderer/src/store/load';
import { FakeClient, deferred, failed, ok } from './fake-client';

const routerSummary: RouterSummary = {
  identity: 'HQ',
  version: '7.16',
  board: 'hEX',
  wanAddresses: ['203.0.113.7/24'],
  doubleNat: false,
  insecure: false,
  canWrite: true,
};

const plannedRun: PlannedRun = {
  runId: 'run-1',
  plan: {
    changes: [
      {
        id: 'r1',
        target: 'router',
        path: '/ip/firewall/nat',
        action: 'add',
        before: null,
        after: { chain: 'dstnat' },
        reason: 'Forward SIP.',
      },
      {
        id: 'p1',
        target: 'pbx',
        path: 'v_vars/external_sip_ip',
        action: 'set',
        before: { var_value: 'x' },
        after: { var_value: 'y' },
        reason: 'Public IP.',
      },
    ],
    warnings: [],
    facts: {},
  },
};

const run = (over: Partial<RunSummary> = {}): RunSummary => ({
  runId: 'run-1',
  siteId: 'site-1',
  kind: 'apply',
  status: 'applied',
  startedAt: '2025-01-01T10:00:00.000Z',
  changeCount: 2,
  ...over,
});

/** A store whose router and PBX forms are filled in as a technician would. */
function loggedIn(client: FakeClient) {
  const store = createWizardStore(client);
  store.getState().setRouterForm({ host: '192.168.88.1', password: 'rpw' });
  store.getState().setPbxForm({ host: '192.168.88.10', password: 'ppw' });
  return store;
}

describe('wizard store: navigation', () => {
  it('walks forward and back within the steps, never past either end', () => {
    const store = createWizardStore(new FakeClient());
    const s = () => store.getState();
    s().back();
    expect(s().step).toBe('network');
    for (let i = 0; i < 20; i++) s().next();
    expect(s().step).toBe('done');
    s().back();
    expect(s().step).toBe('verify');
  });

  it('a failed check opens the review at its plan entry; moving on forgets it', () => {
    const store = createWizardStore(new FakeClient());
    store.getState().goTo('verify');
    store.getState().showChange('r1');
    expect(store.getState()).toMatchObject({ step: 'review', focusedChange: 'r1' });
    store.getState().goTo('verify');
    expect(store.getState().focusedChange).toBeUndefined();
  });
});

describe('wizard store: who may reach the PBX', () => {
  it('gives every row its own key from the state, never reused, and each store counts on its own', () => {
    const a = createWizardStore(new FakeClient());
    const b = createWizardStore(new FakeClient());
    a.getState().addPeer('trunks');
    a.getState().addPeer('phones');
    const first = a.getState().trunks[0]!.key;
    a.getState().removePeer('trunks', first);
    a.getState().addPeer('trunks');
    const keys = [...a.getState().trunks, ...a.getState().phones].map((p) => p.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).not.toContain(first);
    // Another window's store starts from its own state, not from a counter the first one moved.
    expect(b.getState().trunks.map((p) => p.key)).toEqual([first]);
    b.getState().addPeer('phones');
    expect(b.getState().phones[0]!.key).toBe(b.getState().nextPeerKey - 1);
  });

  it('edits only the row it is given, and keeps what was typed across steps', () => {
    const store = createWizardStore(new FakeClient());
    store.getState().addPeer('trunks');
    const [one, two] = store.getState().trunks;
    store.getState().updatePeer('trunks', two!.key, { name: 'Carrier', address: '198.51.100.0/24' });
    store.getState().next();
    store.getState().next();
    expect(store.getState().trunks).toEqual([
      { key: one!.key, name: '', address: '' },
      { key: two!.key, name: 'Carrier', address: '198.51.100.0/24' },
    ]);
  });
});

describe('wizard store: logins', () => {
  it('shows the call under way, then what the router said', async () => {
    const answer = deferred<ReturnType<typeof ok<RouterSummary>>>();
    const client = new FakeClient().on('router.read', () => answer.promise);
    const store = loggedIn(client);
    const reading = store.getState().readRouter();
    expect(store.getState().router.status).toBe('loading');
    answer.resolve(ok(routerSummary));
    await reading;
    expect(store.getState().router).toEqual({ status: 'done', value: routerSummary });
    expect(client.inputsOf('router.read')).toEqual([
      { host: '192.168.88.1', tls: true, username: 'admin', password: 'rpw' },
    ]);
  });

  it('asks about an unknown certificate, then sends the accepted fingerprint; a new address forgets it', async () => {
    const client = new FakeClient().on('router.read', (input) =>
      input.fingerprint === 'ab12'
        ? ok(routerSummary)
        : failed({ code: 'host_key_unknown', message: 'First time this router is seen.', fingerprint: 'ab12' }),
    );
    const store = loggedIn(client);
    await store.getState().readRouter();
    const prompt = keyPrompt(store.getState().router);
    expect(prompt).toEqual({ fingerprint: 'ab12', changed: false, message: 'First time this router is seen.' });
    await store.getState().acceptRouterCertificate(prompt!.fingerprint);
    expect(store.getState().router.status).toBe('done');
    expect(client.inputsOf('router.read')[1]).toMatchObject({ fingerprint: 'ab12' });

    store.getState().setRouterForm({ host: '192.168.88.2' });
    expect(store.getState().routerForm.fingerprint).toBeUndefined();
    expect(store.getState().router.status).toBe('idle');
  });

  it('logs in to the PBX with a key, sending a passphrase and sudo password only when typed', async () => {
    const client = new FakeClient().on('pbx.read', () =>
      ok({ kind: 'fspbx' as const, hostname: 'pbx', hostKey: 'SHA256:x' }),
    );
    const store = createWizardStore(client);
    store.getState().setPbxForm({ host: '10.0.0.5', port: '2222', auth: 'key', privateKey: 'KEY', username: 'tech' });
    await store.getState().readPbx();
    expect(client.inputsOf('pbx.read')).toEqual([
      { host: '10.0.0.5', port: 2222, username: 'tech', auth: { kind: 'key', privateKey: 'KEY' } },
    ]);
  });
});

describe('wizard store: the run', () => {
  it('plans from the forms, leaving out empty rows and naming unnamed peers by their address', async () => {
    const client = new FakeClient().on('site.plan', () => ok(plannedRun));
    const store = loggedIn(client);
    store.getState().updatePeer('trunks', store.getState().trunks[0]!.key, { address: ' 198.51.100.10 ' });
    store.getState().addPeer('phones');
    store.getState().setOptions({ revertMinutes: '7', hairpin: true });
    await store.getState().makePlan();
    const [input] = client.inputsOf('site.plan');
    expect(input?.trunks).toEqual([{ name: '198.51.100.10', address: '198.51.100.10' }]);
    expect(input?.phones).toEqual([]);
    expect(input?.options).toMatchObject({ revertMinutes: 7, hairpin: true, mediaMode: 'proxy' });
    expect(store.getState().planned).toEqual({ status: 'done', value: plannedRun });
  });

  it('marks each change as the apply reports it, and ends with the result', async () => {
    const client = new FakeClient()
      .on('site.plan', () => ok(plannedRun))
      .on('site.apply', (input, { onProgress }) => {
        onProgress?.({ kind: 'change', changeId: 'r1', index: 0, total: 2, status: 'sending' });
        onProgress?.({ kind: 'change', changeId: 'r1', index: 0, total: 2, status: 'done' });
        onProgress?.({ kind: 'log', level: 'info', message: 'Snapshot taken.' });
        onProgress?.({ kind: 'change', changeId: 'p1', index: 1, total: 2, status: 'failed' });
        return ok({ runId: input.runId, status: 'failed' as const, applied: ['r1'] });
      });
    const store = loggedIn(client);
    await store.getState().makePlan();
    await store.getState().applyPlan();
    expect(store.getState().applying).toMatchObject({
      status: 'done',
      changes: { r1: 'done', p1: 'failed' },
      log: ['Snapshot taken.'],
      result: { runId: 'run-1', applied: ['r1'] },
    });
    expect(client.inputsOf('site.apply')[0]).toMatchObject({
      runId: 'run-1',
      access: { router: { host: '192.168.88.1' }, pbx: { host: '192.168.88.10' } },
    });
  });

  it('stops an apply when asked: the call sees its signal aborted', async () => {
    const started = deferred<void>();
    const client = new FakeClient()
      .on('site.plan', () => ok(plannedRun))
      .on(
        'site.apply',
        (_input, { signal }) =>
          new Promise((resolve) => {
            signal?.addEventListener('abort', () =>
              resolve(failed({ code: 'cancelled', message: 'Stopped after the current change.' })),
            );
            started.resolve();
          }),
      );
    const store = loggedIn(client);
    await store.getState().makePlan();
    const applying = store.getState().applyPlan();
    await started.promise;
    expect(store.getState().applying.status).toBe('running');
    store.getState().cancelApply();
    await applying;
    expect(store.getState().applying).toMatchObject({ status: 'error', error: { code: 'cancelled' } });
  });

  it('verifies and confirms the planned run, and a new plan forgets the old checks', async () => {
    const verified: VerifyResult = { runId: 'run-1', status: 'pass', checks: [] };
    const client = new FakeClient()
      .on('site.plan', () => ok(plannedRun))
      .on('site.verify', () => ok(verified))
      .on('site.confirm', () => ok(run({ status: 'confirmed' })));
    const store = loggedIn(client);
    await store.getState().makePlan();
    await store.getState().verifyRun();
    await store.getState().confirmRun();
    expect(store.getState().verification).toEqual({ status: 'done', value: verified });
    expect(store.getState().confirmation).toMatchObject({ status: 'done', value: { status: 'confirmed' } });
    expect(client.inputsOf('site.verify')[0]).toMatchObject({ runId: 'run-1' });
    expect(client.inputsOf('site.confirm')[0]).toMatchObject({ runId: 'run-1' });
    await store.getState().makePlan();
    expect(store.getState().verification.status).toBe('idle');
    expect(store.getState().confirmation.status).toBe('idle');
  });
});

describe('wizard store: scan', () => {
  it('fills in routers (once per MAC), SSH hosts and the sweep as they arrive', async () => {
    const neighbour = { mac: 'aa', identity: 'HQ', isMikrotik: true, seenOn: 'eth0', ipv4: '192.168.88.1' };
    const lan = { interfaces: [], reasoning: 'none' };
    const seen: unknown[] = [];
    const client = new FakeClient().on('discover', (_input, { onProgress }) => {
      onProgress?.({ kind: 'router', router: neighbour });
      onProgress?.({ kind: 'router', router: { ...neighbour, identity: 'HQ renamed' } });
      onProgress?.({ kind: 'ssh-host', host: { address: '192.168.88.10', port: 22, banner: 'SSH-2.0-OpenSSH_9.2' } });
      onProgress?.({ kind: 'sweep', scanned: 10, total: 254 });
      seen.push(store.getState().scan);
      return ok({ lan, routers: [neighbour], sshHosts: [], skippedPackets: 0 });
    });
    const store = createWizardStore(client);
    await store.getState().startScan();
    expect(seen[0]).toMatchObject({
      status: 'running',
      routers: [{ identity: 'HQ renamed' }],
      sshHosts: [{ address: '192.168.88.10' }],
      sweep: { scanned: 10, total: 254 },
    });
    expect(store.getState().scan).toMatchObject({ status: 'done', routers: [neighbour], sshHosts: [] });
    expect(store.getState().lan).toEqual({ status: 'done', value: lan });
  });

  it('a second Scan replaces the first: the first one is cancelled and its late answer ignored', async () => {
    const firstMayAnswer = deferred<void>();
    const signals: AbortSignal[] = [];
    const lan = { interfaces: [], reasoning: 'none' };
    const found = (identity: string) => [{ mac: identity, identity, isMikrotik: true, seenOn: 'eth0' }];
    const client = new FakeClient().on('discover', async (_input, { signal, onProgress }) => {
      const nth = signals.push(signal!);
      if (nth === 1) {
        await firstMayAnswer.promise;
        onProgress?.({ kind: 'router', router: found('first, late')[0]! });
        return ok({ lan, routers: found('first'), sshHosts: [], skippedPackets: 0 });
      }
      return ok({ lan, routers: found('second'), sshHosts: [], skippedPackets: 0 });
    });
    const store = createWizardStore(client);
    const one = store.getState().startScan();
    await store.getState().startScan();
    expect(signals[0]!.aborted).toBe(true);
    firstMayAnswer.resolve();
    await one;
    expect(store.getState().scan).toMatchObject({ status: 'done', routers: [{ identity: 'second' }] });
  });
});

describe('wizard store: history and rollback', () => {
  it('loads the runs when History opens', async () => {
    const client = new FakeClient().on('history.list', () => ok([run({ siteName: 'HQ', publicIp: '203.0.113.7' })]));
    const store = createWizardStore(client);
    store.getState().showView('history');
    await settle(() => store.getState().runs.status === 'done');
    expect(store.getState().runs).toMatchObject({ value: [{ siteName: 'HQ', publicIp: '203.0.113.7' }] });
  });

  it('plans a rollback without logins when none were typed, with both when they were', async () => {
    const client = new FakeClient().on('rollback.plan', () => ok(plannedRun));
    const fresh = createWizardStore(client);
    await fresh.getState().planRollback('snap-1');
    const known = loggedIn(client);
    await known.getState().planRollback('snap-1');
    const [without, withLogins] = client.inputsOf('rollback.plan');
    expect(without).toEqual({ snapshotId: 'snap-1' });
    expect(withLogins).toMatchObject({ snapshotId: 'snap-1', access: { router: { password: 'rpw' } } });
    expect(known.getState()).toMatchObject({ rollbackSnapshot: 'snap-1', rollbackPlan: { status: 'done' } });
  });

  it('applies the reviewed rollback, then reads the history again', async () => {
    const client = new FakeClient()
      .on('rollback.plan', () => ok(plannedRun))
      .on('rollback.apply', (input) =>
        ok({ runId: input.runId, status: 'rolled-back' as const, applied: ['r1', 'p1'] }),
      )
      .on('history.list', () => ok([run({ kind: 'rollback', status: 'rolled-back' })]));
    const store = loggedIn(client);
    await store.getState().planRollback('snap-1');
    await store.getState().applyRollback();
    expect(store.getState().rollbackResult).toMatchObject({ status: 'done', value: { status: 'rolled-back' } });
    expect(client.calls.map((c) => c.op)).toEqual(['rollback.plan', 'rollback.apply', 'history.list']);
  });

  it('exports to the path given, or asks where with the system dialog; a closed dialog writes nothing', async () => {
    const client = new FakeClient()
      .on('bundle.export', (input) => ok({ path: input.path, sha256: 'x', bytes: 1234 }))
      .on('app.chooseFile', () => failed({ code: 'cancelled', message: 'No file chosen.' }));
    const store = createWizardStore(client);
    await store.getState().exportBundle('run-1', '/data/bundles/run-1.zip');
    expect(store.getState().exported).toMatchObject({ status: 'done', value: { path: '/data/bundles/run-1.zip' } });
    await store.getState().exportBundle('run-1');
    expect(client.inputsOf('app.chooseFile')).toEqual([
      { purpose: 'export-bundle', suggestedName: 'fspbx-nat-run-1.zip' },
    ]);
    expect(client.inputsOf('bundle.export')).toHaveLength(1);
    expect(store.getState().exported).toMatchObject({ status: 'error', error: { code: 'cancelled' } });
  });
});

describe('wizard store: trusted bundle signers', () => {
  const FP = 'SHA256:' + 'A'.repeat(43);
  const PUB = 'B'.repeat(43) + '=';
  const stranger = { signature: 'other-installation' as const, key: FP, publicKey: PUB, trusted: false };

  it("trusts an imported run's signer by its public key and the name given, then reads History and the list again", async () => {
    const client = new FakeClient()
      .on('trust.add', (input) => ok({ publicKey: input.key, fingerprint: FP, name: input.name, addedAt: 'now' }))
      .on('history.list', () => ok([run({ imported: { ...stranger, trusted: true, signerName: 'Alice' } })]))
      .on('trust.list', () => ok([{ publicKey: PUB, fingerprint: FP, name: 'Alice', addedAt: 'now' }]));
    const store = createWizardStore(client);
    await store.getState().trustSigner(stranger, 'Alice');
    expect(client.inputsOf('trust.add')).toEqual([{ key: PUB, name: 'Alice' }]);
    expect(store.getState().trustChange).toEqual({ status: 'done', value: FP });
    expect(store.getState().runs).toMatchObject({ value: [{ imported: { trusted: true, signerName: 'Alice' } }] });
    expect(store.getState().trusted).toMatchObject({ value: [{ name: 'Alice', fingerprint: FP }] });
  });

  it('stops trusting a signer, and keeps the refusal when the wizard gives one', async () => {
    const client = new FakeClient()
      .on('trust.remove', () => failed({ code: 'io_failed', message: 'The history cannot be written.' }))
      .on('history.list', () => ok([]));
    const store = createWizardStore(client);
    await store.getState().untrustSigner({ ...stranger, trusted: true });
    expect(client.inputsOf('trust.remove')).toEqual([{ key: PUB }]);
    expect(store.getState().trustChange).toMatchObject({ status: 'error', error: { code: 'io_failed' } });
    // Nothing changed: History is not read again.
    expect(client.inputsOf('history.list')).toEqual([]);
  });

  it('never sends a trust for an unsigned import (no key to trust)', async () => {
    const client = new FakeClient();
    const store = createWizardStore(client);
    await store.getState().trustSigner({ signature: 'unsigned' }, 'Nobody');
    expect(client.calls).toEqual([]);
  });

  it('reads the trusted list when History opens', async () => {
    const client = new FakeClient().on('history.list', () => ok([])).on('trust.list', () => ok([]));
    const store = createWizardStore(client);
    store.getState().showView('history');
    await settle(() => store.getState().trusted.status === 'done');
    expect(client.calls.map((c) => c.op).sort()).toEqual(['history.list', 'trust.list']);
  });
});

/** Waits (bounded) for an action started without await, such as showView's loadRuns. */
async function settle(done: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !done(); i++) await Promise.resolve();
  expect(done()).toBe(true);
}
