/**
 * What the Router step, step 4, Done and History say, rendered to static markup from a store in a
 * given state: the texts a technician reads, with no browser.
 */
import { describe, expect, it } from 'vitest';
import type {
  AppInfo,
  Change,
  DiscoverResult,
  MndpNeighbour,
  PeersProposal,
  RouterSummary,
  RunSummary,
} from '../../../contract/types';
import { SIGNATURE_MEANS } from '../../../renderer/src/components/BundleKeyNote';
import { UnfinishedBanner } from '../../../renderer/src/components/UnfinishedBanner';
import { HistoryView } from '../../../renderer/src/history/HistoryView';
import { DoneStep } from '../../../renderer/src/steps/DoneStep';
import { PeersStep } from '../../../renderer/src/steps/PeersStep';
import { NetworkStep } from '../../../renderer/src/steps/NetworkStep';
import { NO_CERTIFICATE_CHOICES, RouterStep } from '../../../renderer/src/steps/RouterStep';
import { createWizardStore } from '../../../renderer/src/store/wizard';
import { FakeClient, failed, ok } from './fake-client';
import { markup, shownText as text } from './render';

/**
 * Server rendering reads a zustand store's initial state (useSyncExternalStore's server snapshot),
 * so the view is rendered from a store created with the state as it is now.
 */

const empty: PeersProposal = {
  trunks: [],
  phones: [],
  warnings: [
    {
      code: 'trunk-many-addresses',
      target: 'pbx',
      message: 'Gateway "Carrier": sip.carrier.example resolves to 3 addresses. Prefer its published signalling range.',
    },
    {
      code: 'trunk-outside-allowed',
      target: 'pbx',
      message: 'Gateway "Carrier" is registered with 198.51.100.12, which is not in the allowed list.',
    },
  ],
  notProposed: [],
  resolver: { tool: 'getent', records: ['A'], note: '' },
  read: { gateways: 1, runningGateways: 1, registrations: null },
};

async function loggedInWith(peers: ReturnType<typeof ok<PeersProposal>> | ReturnType<typeof failed>) {
  const client = new FakeClient()
    .on('pbx.read', () => ok({ kind: 'fspbx' as const, hostname: 'pbx', hostKey: 'SHA256:x' }))
    .on('pbx.peers', () => peers);
  const store = createWizardStore(client);
  store.getState().setPbxForm({ host: '192.168.88.10', password: 'ppw' });
  await store.getState().readPbx();
  return store;
}

describe('step 4 as the technician reads it', () => {
  it('before the PBX login, says where the proposals will come from', () => {
    expect(text(createWizardStore(new FakeClient()), <PeersStep />)).toContain(
      'Log in to the PBX (step 3) and its trunks and remote phones are proposed here.',
    );
  });

  it('lists what was read and every warning to check', async () => {
    const shown = text(await loggedInWith(ok(empty)), <PeersStep />);
    expect(shown).toContain(
      'Read from the PBX: 1 gateway (1 running), registrations unknown; names resolved on the PBX with getent.',
    );
    expect(shown).toContain('Check: Gateway "Carrier": sip.carrier.example resolves to 3 addresses.');
    expect(shown).toContain(
      'Check: Gateway "Carrier" is registered with 198.51.100.12, which is not in the allowed list.',
    );
  });

  it('a failed read says why in one line, and the typed rows are still there', async () => {
    const store = await loggedInWith(failed({ code: 'timeout', message: 'The PBX did not answer in 30 s.' }));
    const html = markup(store, <PeersStep />);
    expect(html).toMatch(/Nothing proposed from the PBX: The PBX did not answer in 30 s\. Type the addresses below\./);
    expect(html).toContain('aria-label="SIP trunk providers 1 address"');
  });
});

describe('History: a rollback onto another box', () => {
  it('shows the refusal and the button to accept it; once accepted, the first warning', async () => {
    const differs =
      'The snapshot is of router "HQ" (hEX, 48:8F:5A:00:00:01); this router is "Branch" (hAP, 48:8F:5A:00:00:99).';
    const client = new FakeClient().on('rollback.plan', (input) =>
      input.acceptOtherBox
        ? ok({
            runId: 'run-2',
            plan: {
              changes: [],
              warnings: [{ code: 'other-box', message: `Accepted by the technician: ${differs}` }],
              facts: {},
            },
          })
        : failed({
            code: 'invalid_input',
            field: 'acceptOtherBox',
            message: `${differs} Rolling this snapshot back here would put another site's settings on it. Check the addresses; if the box was replaced, accept the other box (CLI: --other-box).`,
          }),
    );
    const store = createWizardStore(client);
    await store.getState().planRollback('snap-1');
    const refused = text(store, <HistoryView />);
    expect(refused).toContain(`${differs} Rolling this snapshot back here`);
    expect(refused).not.toContain('--other-box');
    expect(refused).toContain('Roll back onto this router anyway: it is not the one the snapshot was taken of');
    await store.getState().planRollbackOnOtherBox();
    const accepted = text(store, <HistoryView />);
    expect(accepted).toContain(`Accepted by the technician: ${differs}`);
    expect(accepted).not.toContain('Roll back onto this router anyway');
  });
});

const KEY = 'SHA256:3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const OTHER_KEY = 'SHA256:b3RoZXIgaW5zdGFsbGF0aW9uJ3Mga2V5AAAAAAAAAAA';
const OTHER_PUBLIC = 'b3RoZXIgaW5zdGFsbGF0aW9uJ3MgcHVibGljIGtleQA=';

const appInfo = (bundleKey?: string): AppInfo => ({
  name: 'fspbx-nat',
  version: '1.0.0',
  frontEnd: 'browser',
  platform: 'linux',
  dataDir: '/data',
  runtime: { node: '22' },
  ...(bundleKey ? { bundleKey } : {}),
});

const runOf = (patch: Partial<RunSummary>): RunSummary => ({
  runId: 'run-1',
  siteId: 'site-1',
  kind: 'apply',
  status: 'confirmed',
  startedAt: '2025-01-01T10:00:00.000Z',
  changeCount: 3,
  siteName: 'HQ',
  ...patch,
});

/** A store whose History and app facts were read from the given answers. */
async function historyWith(runs: RunSummary[], client = new FakeClient(), bundleKey: string | null = KEY) {
  client.on('history.list', () => ok(runs)).on('app.info', () => ok(appInfo(bundleKey ?? undefined)));
  const store = createWizardStore(client);
  await store.getState().loadInfo();
  await store.getState().loadRuns();
  return store;
}

const change: Change = {
  id: 'c1',
  target: 'router',
  path: '/ip/firewall/nat',
  action: 'remove',
  before: { chain: 'dstnat', 'dst-port': '5060' },
  after: null,
  reason: 'Not in the snapshot.',
};

describe('History: imported runs are history to read', () => {
  const imported = [
    runOf({
      runId: 'mine',
      snapshotId: 'snap-mine',
      imported: { signature: 'this-installation', key: KEY, trusted: true },
    }),
    runOf({
      runId: 'theirs',
      status: 'applied',
      snapshotId: 'snap-theirs',
      imported: { signature: 'other-installation', key: OTHER_KEY, publicKey: OTHER_PUBLIC, trusted: false },
    }),
    runOf({
      runId: 'nobody',
      kind: 'rollback',
      status: 'verified',
      imported: { signature: 'unsigned', trusted: false },
    }),
  ];
  const colleague = runOf({
    runId: 'alices',
    snapshotId: 'snap-alice',
    imported: {
      signature: 'other-installation',
      key: OTHER_KEY,
      publicKey: OTHER_PUBLIC,
      trusted: true,
      signerName: 'Alice',
    },
  });

  it('badges each imported run read-only with who signed it, and never calls it unfinished', async () => {
    const store = await historyWith(imported);
    const shown = text(store, <HistoryView />);
    expect(shown).toContain('Imported · signed by this installation');
    expect(shown).toContain(`Imported · signed by another installation you have not trusted (key ${OTHER_KEY})`);
    expect(shown).toContain('Imported · unsigned: origin unknown');
    expect(shown.match(/read-only/g)).toHaveLength(3);
    expect(shown).toContain(
      'Imported runs are history to read: nothing in them is ever applied, confirmed or verified.',
    );
    // 'applied' and 'verified' would be unfinished runs of this laptop; imported, they are not.
    expect(shown).not.toContain('unfinished');
    expect(markup(store, <HistoryView />)).not.toContain('class="likely"');
    expect(text(store, <UnfinishedBanner />)).toBe('');
  });

  it('says of each import, in the sentence the CLI prints, whether it can be rolled back to', async () => {
    const shown = text(await historyWith([...imported, colleague]), <HistoryView />);
    expect(shown).toContain(
      `This bundle was signed by an installation you have not trusted (key ${OTHER_KEY}): it can be read, not rolled back to. To trust it: fspbx-nat trust add ${OTHER_PUBLIC} --name "&lt;who they are&gt;", or Trust in History.`,
    );
    expect(shown).toContain(
      'This bundle is unsigned, so nobody vouches for where it came from: it can be read, not rolled back to.',
    );
    expect(shown).toContain(
      `This bundle was signed by an installation you trust (Alice, key ${OTHER_KEY}): it can be read and its snapshot rolled back to, under the same checks as a snapshot taken here.`,
    );
  });

  it('offers no apply, confirm or verify for them; only a trusted import may be rolled back to', async () => {
    const store = await historyWith([...imported, colleague]);
    const html = markup(store, <HistoryView />);
    expect(html).not.toMatch(/>(Apply|Confirm|Verify|Run the checks)[^<]*</);
    // This installation's own bundle and Alice's (trusted): a rollback may be planned. The stranger's: read only.
    expect(html.match(/>Roll back</g)).toHaveLength(2);
    expect(text(store, <HistoryView />)).toContain('read only');
  });

  it('a local run left applying is still unfinished, beside an imported one in the same status', async () => {
    const store = await historyWith([
      runOf({ runId: 'local', status: 'applying' }),
      runOf({ runId: 'theirs', status: 'applying', imported: { signature: 'unsigned' } }),
    ]);
    expect(text(store, <HistoryView />).match(/unfinished/g)).toHaveLength(1);
    expect(markup(store, <HistoryView />).match(/class="likely"/g)).toHaveLength(1);
    expect(text(store, <UnfinishedBanner />)).toContain('A run did not finish (applying,');
  });

  it("plans a rollback from a trusted colleague's snapshot afresh, and applies only the new plan", async () => {
    const client = new FakeClient()
      .on('rollback.plan', () => ok({ runId: 'fresh', plan: { changes: [change], warnings: [], facts: {} } }))
      .on('rollback.apply', (input) => ok({ runId: input.runId, status: 'rolled-back' as const, applied: ['c1'] }));
    const store = await historyWith([colleague], client);
    await store.getState().planRollback('snap-alice');
    const shown = text(store, <HistoryView />);
    expect(shown).toContain(
      `This snapshot came from an imported bundle (signed by Alice (trusted key ${OTHER_KEY})). Nothing the bundle planned is sent: the rollback is planned afresh against the router and PBX as they are now.`,
    );
    expect(shown).toContain('Apply the rollback (1 change)');
    await store.getState().applyRollback();
    expect(client.inputsOf('rollback.plan')).toEqual([{ snapshotId: 'snap-alice' }]);
    expect(client.inputsOf('rollback.apply')).toEqual([{ runId: 'fresh' }]);
  });

  it('a local snapshot gets no imported note', async () => {
    const client = new FakeClient().on('rollback.plan', () =>
      ok({ runId: 'fresh', plan: { changes: [], warnings: [], facts: {} } }),
    );
    const store = await historyWith([runOf({ runId: 'local', snapshotId: 'snap-local' })], client);
    await store.getState().planRollback('snap-local');
    expect(text(store, <HistoryView />)).not.toContain('imported bundle');
  });

  it('an import says who signed the bundle, that it is only read, and how to trust its signer', async () => {
    const client = new FakeClient().on('bundle.import', () => ok(imported[1]!));
    const store = await historyWith([], client);
    await store.getState().importBundle('/tmp/theirs.zip');
    expect(text(store, <HistoryView />)).toContain(
      `Imported run theirs: it is history, never applied. This bundle was signed by an installation you have not trusted (key ${OTHER_KEY}): it can be read, not rolled back to.`,
    );
  });

  it('offers to trust an untrusted signer beside its fingerprint, and to stop trusting a trusted one', async () => {
    const store = await historyWith([imported[1]!, colleague]);
    const html = markup(store, <HistoryView />);
    expect(html).toContain(`aria-label="Trust ${OTHER_KEY}"`);
    expect(text(store, <HistoryView />)).toContain(`Compare ${OTHER_KEY} with the fingerprint your colleague reads`);
    // No name typed: nothing can be trusted by a click alone.
    expect(html).toMatch(/<button type="submit" disabled="">Trust this installation<\/button>/);
    expect(text(store, <HistoryView />)).toContain(`Stop trusting ${OTHER_KEY}`);
  });

  it('lists the trusted signers with their fingerprints once History has read them', async () => {
    const client = new FakeClient().on('trust.list', () =>
      ok([{ publicKey: OTHER_PUBLIC, fingerprint: OTHER_KEY, name: 'Alice', addedAt: '2026-01-01T00:00:00.000Z' }]),
    );
    const store = await historyWith([], client);
    await store.getState().loadTrusted();
    const shown = text(store, <HistoryView />);
    expect(shown).toContain('Trusted bundle signers');
    expect(shown).toContain(`Alice ${OTHER_KEY}`);
  });
});

describe("the installation's bundle signing key", () => {
  it('History shows it beside Import, with what a signature proves and what it does not', async () => {
    const shown = text(await historyWith([]), <HistoryView />);
    expect(shown).toContain(`This installation signs bundles with key ${KEY}.`);
    expect(shown).toContain(SIGNATURE_MEANS);
    expect(SIGNATURE_MEANS).toBe(
      'A signature proves that a bundle was made by the installation holding that key and has not changed since; it does not prove that what the bundle says is true.',
    );
    expect(shown.indexOf('Import a bundle')).toBeLessThan(shown.indexOf('This installation signs bundles'));
  });

  it('History says so when the key cannot be read, rather than show none', async () => {
    const shown = text(await historyWith([], new FakeClient(), null), <HistoryView />);
    expect(shown).toContain(
      "This installation's bundle signing key could not be read, so bundles cannot be exported: fspbx-nat doctor says why.",
    );
    expect(shown).not.toContain('signs bundles with key');
  });

  it('Done shows it once the bundle is exported, not before', async () => {
    const client = new FakeClient().on('bundle.export', (input) => ok({ path: input.path, sha256: 'x', bytes: 4321 }));
    const store = await historyWith([], client);
    store.setState({
      planned: { status: 'done', value: { runId: 'run-1', plan: { changes: [], warnings: [], facts: {} } } },
      applying: { status: 'done', changes: {}, log: [], result: { runId: 'run-1', status: 'applied', applied: [] } },
    });
    expect(text(store, <DoneStep />)).not.toContain(KEY);
    await store.getState().exportBundle('run-1', '/data/bundles/run-1.zip');
    const shown = text(store, <DoneStep />);
    expect(shown).toContain('Bundle written to /data/bundles/run-1.zip (4321 bytes).');
    expect(shown).toContain(`This installation signs bundles with key ${KEY}. ${SIGNATURE_MEANS}`);
  });
});

describe('Router login: an account with no password', () => {
  const summary = (emptyPassword: boolean): RouterSummary => ({
    identity: 'HQ',
    version: '7.16',
    board: 'hEX',
    wanAddresses: ['203.0.113.7/24'],
    doubleNat: false,
    insecure: false,
    canWrite: true,
    ...(emptyPassword ? { emptyPassword } : {}),
  });

  async function readRouter(emptyPassword: boolean) {
    const store = createWizardStore(new FakeClient().on('router.read', () => ok(summary(emptyPassword))));
    store.getState().setRouterForm({ host: '192.168.88.1', username: 'admin', password: '' });
    await store.getState().readRouter();
    return store;
  }

  const WARNING =
    'This router account has no password: anyone on the LAN can change the router. Set one in WinBox › System › Users.';

  it('warns, without blocking: the details are shown and nothing is marked as an error', async () => {
    const store = await readRouter(true);
    const html = markup(store, <RouterStep />);
    expect(text(store, <RouterStep />)).toContain(WARNING);
    expect(html).toContain('aria-label="Router details"');
    expect(html).not.toContain('role="alert"');
    expect(store.getState().router.status).toBe('done');
  });

  it('says nothing of it when the account has a password', async () => {
    expect(text(await readRouter(false), <RouterStep />)).not.toContain('no password');
  });
});

describe('Router login: a stock router whose API-SSL has no certificate', () => {
  const SENTENCE = "The router's API-SSL has no certificate, so it offers only anonymous encryption.";
  const SSH_WAY =
    "Give the router a certificate over SSH (recommended; you accept the router's SSH key, then the certificate is pinned)";
  const PLAIN_WAY = 'Use the plain API on 8728 (the password crosses the LAN unencrypted)';
  const LABELS = [
    SSH_WAY,
    "Give the router a certificate over this unverified connection, then pin it (changes the router's certificate list)",
    "Connect without verifying this time (encrypted; the router's identity cannot be checked)",
    PLAIN_WAY,
  ];
  const UNVERIFIED = 'the connection to this router is encrypted, but its identity cannot be checked';

  async function refusedThenAnswered(unverified: boolean, anonymousTls?: boolean) {
    const store = createWizardStore(
      new FakeClient()
        .on('app.info', () =>
          ok({
            name: 'fspbx-nat',
            version: '1.0.0',
            frontEnd: 'electron' as const,
            platform: 'linux-x64',
            dataDir: '/tmp/x',
            runtime: { node: '22.0.0' },
            ...(anonymousTls === undefined ? {} : { anonymousTls }),
          }),
        )
        .on('router.read', (input) =>
          input.noCertificate === undefined
            ? failed({ code: 'no_certificate', message: SENTENCE })
            : ok({
                identity: 'HQ',
                version: '7.16',
                board: 'hEX',
                wanAddresses: [],
                doubleNat: false,
                insecure: false,
                canWrite: true,
                ...(unverified ? { unverified: true } : { fingerprint: 'ab'.repeat(32) }),
              }),
        ),
    );
    await store.getState().loadInfo();
    store.getState().setRouterForm({ host: '192.168.88.1', password: 'rpw' });
    await store.getState().readRouter();
    return store;
  }

  it('in the desktop app (no anonymous TLS) offers the SSH way and the plain API only', async () => {
    const store = await refusedThenAnswered(true, false);
    const html = markup(store, <RouterStep />);
    const group = /aria-label="How to connect to this router">(.*?)<\/div>/.exec(html)![1]!;
    const shown = [...group.matchAll(/<button type="button">(.*?)<\/button>/g)].map((m) =>
      m[1]!.replace(/&#x27;/g, "'"),
    );
    expect(shown).toEqual([SSH_WAY, PLAIN_WAY]);
  });

  it('says why, and offers the ways on as buttons, none chosen', async () => {
    const store = await refusedThenAnswered(true);
    const shown = text(store, <RouterStep />);
    expect(shown).toContain(SENTENCE);
    expect(NO_CERTIFICATE_CHOICES.map((c) => c.label)).toEqual(LABELS);
    const html = markup(store, <RouterStep />);
    for (const label of LABELS) expect(html).toContain(`type="button">${label.replace(/'/g, '&#x27;')}</button>`);
    expect(html).toContain('aria-label="How to connect to this router"');
    // Nothing is chosen for the technician: three plain buttons, none primary, focused or pre-selected.
    const group = /aria-label="How to connect to this router">(.*?)<\/div>/.exec(html)![1]!;
    expect(group.match(/<[a-z]+[^>]*>/g)).toEqual(LABELS.map(() => '<button type="button">'));
    expect(shown).not.toContain(UNVERIFIED);
  });

  it('once connected unverified, a warning stays on the step beside the details', async () => {
    const store = await refusedThenAnswered(true);
    await store.getState().chooseNoCertificate('anonymous');
    const shown = text(store, <RouterStep />);
    expect(shown).toContain(UNVERIFIED);
    expect(shown).toContain('Give the router a certificate now, then pin it');
    expect(markup(store, <RouterStep />)).toContain('aria-label="Router details"');
    expect(shown).not.toContain(SENTENCE);
    // Still there while the technician edits the form and before the next read.
    store.getState().setRouterForm({ password: 'rpw2' });
    expect(text(store, <RouterStep />)).toContain(UNVERIFIED);
  });

  it('a certificate made and pinned leaves no warning', async () => {
    const store = await refusedThenAnswered(false);
    await store.getState().chooseNoCertificate('make-certificate');
    const shown = text(store, <RouterStep />);
    expect(shown).not.toContain(UNVERIFIED);
    expect(shown).not.toContain(SENTENCE);
  });
  it("the SSH way: the router's SSH host key is named as such, and the certificate made is said to stay", async () => {
    const SSH_KEY = `SHA256:${'k'.repeat(43)}`;
    const store = createWizardStore(
      new FakeClient().on('router.read', (input) =>
        input.noCertificate !== 'ssh-certificate'
          ? failed({ code: 'no_certificate', message: SENTENCE })
          : input.sshHostKey !== SSH_KEY
            ? failed({ code: 'host_key_unknown', message: 'First SSH connection.', fingerprint: SSH_KEY })
            : ok({
                identity: 'HQ',
                version: '7.16',
                board: 'hEX',
                wanAddresses: [],
                doubleNat: false,
                insecure: false,
                canWrite: true,
                fingerprint: 'ab'.repeat(32),
                apiSslCertificate: { name: 'fspbx-api-ssl', made: true },
              }),
      ),
    );
    store.getState().setRouterForm({ host: '192.168.88.1', password: 'rpw' });
    await store.getState().chooseNoCertificate('ssh-certificate');
    expect(text(store, <RouterStep />)).toContain(`SSH host key fingerprint: ${SSH_KEY}`);
    await store.getState().acceptRouterCertificate(SSH_KEY);
    const shown = text(store, <RouterStep />);
    expect(shown).toContain('made by the wizard over SSH just now');
    expect(shown).toContain('it stays on the router (a rollback leaves it)');
  });
});

describe('Network step: what the MNDP scan could not hear, and what routers announce', () => {
  const router: MndpNeighbour = {
    mac: 'aa:bb:cc:00:00:01',
    identity: 'HQ',
    ipv4: '192.168.88.1',
    isMikrotik: true,
    seenOn: 'eth0',
  };
  async function scanned(result: Partial<DiscoverResult>) {
    const client = new FakeClient().on('discover', () =>
      ok({ lan: { interfaces: [], reasoning: 'none' }, routers: [], sshHosts: [], skippedPackets: 0, ...result }),
    );
    const store = createWizardStore(client);
    await store.getState().startScan();
    return store;
  }
  const BUSY =
    'Another program on this laptop holds UDP 5678 (WinBox?); routers that answer by broadcast may be missed — close it and scan again.';

  it('says once that another program holds UDP 5678', async () => {
    const shown = text(await scanned({ mndpPortBusy: true, routers: [router] }), <NetworkStep />);
    expect(shown.split(BUSY)).toHaveLength(2);
  });

  it('says when the list was cut at its limit, and how many more answered', async () => {
    const shown = text(await scanned({ routers: [router], mndpCut: { limit: 256, leftOut: 40 } }), <NetworkStep />);
    expect(shown).toContain('The list stops at 256 devices: 40 more answered and are not shown');
    expect(text(await scanned({ routers: [router] }), <NetworkStep />)).not.toContain('The list stops');
  });

  it('says nothing of the port when the scan held it', async () => {
    expect(text(await scanned({ routers: [router] }), <NetworkStep />)).not.toContain('UDP 5678');
  });

  it('shows an announced address beside the one the router sent from', async () => {
    const store = await scanned({
      routers: [
        router,
        { ...router, mac: 'aa:bb:cc:00:00:02', identity: 'Branch', ipv4: '192.168.88.2', announcedIpv4: '10.0.0.1' },
      ],
    });
    const shown = text(store, <NetworkStep />);
    expect(shown).toContain('Branch 192.168.88.2 (announces 10.0.0.1)');
    expect(shown.match(/announces/g)).toHaveLength(1);
  });
});
