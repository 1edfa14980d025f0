/**
 * A bundle is history to read: a forged or re-sealed one imports, marked as
 * such, and no path sends anything it carries. Signatures say which
 * installation made a bundle. Imported snapshots are narrowed to what a
 * restore may bring back. Real store, real files, real dispatcher; the boxes
 * are counting stand-ins that fail the test if anything is sent.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportBundle, importBundle, installationSigner } from '../../electron/bundle';
import { KEY_FILE } from '../../electron/bundle/signing';
import { sealSigned } from '../../electron/bundle/pack';
import { createDispatcher } from '../../electron/api/dispatcher';
import { createHandlers } from '../../electron/api/handlers';
import { nodeEnv } from '../../electron/api/handlers/node-env';
import { applyRollback, planRollback, type SiteDeps } from '../../electron/site/run';
import { openStore, type Store } from '../../electron/store';
import { snapshotDigest } from '../../electron/store/snapshots';
import { Failure } from '../../contract/errors';
import { stockPbx } from '../unit/pbx/fixtures/stock';
import { defconfRouter } from '../unit/routeros/fixtures/defconf';
import { dropBox, forge, renamed, signedWith, strangerSigner } from './helpers/forge-bundle';
import { storedInputs } from '../unit/helpers/stored-inputs';

const app = { name: 'FS PBX NAT Wizard', version: '0.1.0-test' };
const access = {
  router: { host: '127.0.0.1', port: 1, tls: false, username: 'admin', password: 'x' },
  pbx: { host: '127.0.0.1', port: 1, username: 'root', auth: { kind: 'password' as const, password: 'x' } },
};

let dir: string;
let source: Store;
let target: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fspbx-trust-'));
  source = openStore(join(dir, 'source'));
  target = openStore(join(dir, 'target'));
});

afterEach(() => {
  source.close();
  target.close();
  rmSync(dir, { recursive: true, force: true });
});

function router() {
  const state = defconfRouter();
  state.interfaces = state.interfaces.map((i, n) => ({ ...i, 'mac-address': `48:A9:8A:00:00:0${n}` }));
  return state;
}

function seed(store: Store): { runId: string; snapshotId: string } {
  const site = store.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10', routerIdentity: 'HQ' });
  const run = store.createRun({
    siteId: site.siteId,
    kind: 'apply',
    inputs: storedInputs({ trunks: [] }),
    plan: { changes: [], warnings: [], facts: {} },
  });
  const snapshot = store.saveSnapshot(run.runId, site.siteId, { router: router(), pbx: stockPbx() });
  store.setRunStatus(run.runId, 'confirmed');
  return { runId: run.runId, snapshotId: snapshot.snapshotId };
}

/** What the attacker in the issue sent: a WAN forward, a script and a scheduler that makes a router user. */
const EVIL = [
  ['/ip/firewall/nat', { chain: 'dstnat', action: 'dst-nat', 'dst-port': '22', 'to-addresses': '192.168.88.66' }],
  ['/system/script', { name: 'fspbx-nat-x', source: '/user add name=evil group=full password=evil' }],
  ['/system/scheduler', { name: 'fspbx-nat-x', 'on-event': 'fspbx-nat-x', interval: '1m' }],
] as const;

function evilRollback(files: Record<string, unknown>) {
  const run = files['run.json'] as Record<string, unknown>;
  run.kind = 'rollback';
  run.status = 'planned';
  run.rollbackOf = run.snapshotId;
  files['plan.json'] = {
    changes: EVIL.map(([path, after], i) => ({
      id: `r${i}`,
      target: 'router',
      path,
      action: 'add',
      before: null,
      after,
      reason: 'restore',
    })),
    warnings: [],
    facts: {},
    router: { changes: [], warnings: [], facts: {} },
  };
  const snapshot = files['snapshots/snapshot.json'] as { router: ReturnType<typeof router> };
  snapshot.router.scripts = [{ '.id': '*1', name: 'fspbx-nat-x', source: '/user add name=evil group=full' }];
  snapshot.router.schedulers = [{ '.id': '*1', name: 'fspbx-nat-x', 'on-event': 'fspbx-nat-x' }];
}

/** Stand-in boxes: reads return the given states; any apply fails the test. */
function boxes(store: Store, routerNow = router()) {
  const sent: string[] = [];
  const opened: string[] = [];
  const deps: SiteDeps = {
    store,
    openRouter: async () => {
      opened.push('router');
      return {
        read: async () => routerNow,
        exportText: async () => '',
        apply: async (_before, plan) => {
          sent.push(...plan.changes.map((c) => `${c.path} ${JSON.stringify(c.after)}`));
          return {};
        },
        confirm: async () => 'kept' as const,
        close: async () => undefined,
      };
    },
    openPbx: async () => {
      opened.push('pbx');
      return {
        hostKey: 'SHA256:bundle-trust-pbx',
        askFsCli: async () => new Map(),
        gatewayNames: async () => new Map(),
        read: async () => stockPbx(),
        apply: async (plan) => {
          sent.push(...plan.changes.map((c) => c.path));
        },
        close: async () => undefined,
      };
    },
  };
  return { deps, sent, opened };
}

async function exported(store: Store, runId: string, signed = true): Promise<Uint8Array> {
  const path = join(dir, `${runId}.zip`);
  await exportBundle(store, runId, path, {
    app,
    ...(signed ? { signer: installationSigner(join(dir, 'source')) } : {}),
  });
  return new Uint8Array(readFileSync(path));
}

describe('a forged bundle', () => {
  it('imports for reading, and no path applies what it carries', async () => {
    const { runId } = seed(source);
    const forged = forge(await exported(source, runId), evilRollback);
    const file = join(dir, 'forged.zip');
    writeFileSync(file, forged);

    const summary = await importBundle(target, file, installationSigner(join(dir, 'target')));
    expect(summary).toMatchObject({ runId, kind: 'rollback', status: 'planned', imported: { signature: 'unsigned' } });

    // The site's own operations refuse it before any login.
    const dispatcher = createDispatcher(createHandlers(nodeEnv('cli', join(dir, 'target'))));
    for (const op of ['rollback.apply', 'site.apply', 'site.confirm', 'site.verify'] as const) {
      const result = await dispatcher.call(
        op,
        { runId, access },
        { signal: new AbortController().signal, progress: () => {} },
      );
      expect(result, op).toMatchObject({
        ok: false,
        error: { code: 'invalid_input', message: expect.stringMatching(/imported/) },
      });
    }

    // Called directly, the run logic refuses it too, before opening either box.
    const { deps, sent, opened } = boxes(target);
    await expect(applyRollback(deps, deps.store.getRun(runId), access, () => {})).rejects.toThrow(
      /imported from a bundle/,
    );
    expect(opened).toEqual([]);
    expect(sent).toEqual([]);

    // And the store will not journal a change or move the run on, whoever asks.
    expect(() => target.journalSend(runId, 'r0', 'router')).toThrow(/imported from a bundle/);
    expect(() => target.setRunStatus(runId, 'applying')).toThrow(/imported from a bundle/);
    expect(target.readJournal(runId)).toEqual(target.readJournal(runId).filter((j) => j.status !== 'sending'));
  });

  it('unsigned, is never rolled back to: the refusal comes before any login, in one sentence', async () => {
    const { runId, snapshotId } = seed(source);
    const file = join(dir, 'forged.zip');
    writeFileSync(file, forge(await exported(source, runId), evilRollback));
    await importBundle(target, file);
    const { deps, sent, opened } = boxes(target);
    await expect(planRollback(deps, snapshotId, ['router', 'pbx'], access)).rejects.toThrow(
      /^This bundle is unsigned, so nobody vouches for where it came from: it can be read, not rolled back to\.$/,
    );
    expect(opened).toEqual([]);
    expect(sent).toEqual([]);
  });

  it("signed by a trusted key, plans a rollback from its snapshot afresh, without the snapshot's scripts and schedulers", async () => {
    const { runId, snapshotId } = seed(source);
    const file = join(dir, 'forged.zip');
    const colleague = installationSigner(join(dir, 'source'));
    writeFileSync(
      file,
      forge(await exported(source, runId), evilRollback, (z) => sealSigned(z, colleague)),
    );
    await importBundle(target, file);
    target.trustSigner({ key: colleague.publicKey, name: 'Colleague' });
    const snapshot = target.getSnapshot(snapshotId);
    expect(snapshot.origin).toBe('imported');
    expect(snapshot.router?.scripts).toEqual([]);
    expect(snapshot.router?.schedulers).toEqual([]);
    expect(snapshot.pbx?.varsXml).toBeNull();

    const { deps, sent } = boxes(target);
    const planned = await planRollback(deps, snapshotId, ['router', 'pbx'], access);
    expect(planned.plan.changes.map((c) => c.path)).not.toContain('/system/script');
    expect(planned.plan.changes.map((c) => c.path)).not.toContain('/system/scheduler');
    // Planned on this laptop, applied only after being re-planned against the boxes as they are now.
    await applyRollback(deps, deps.store.getRun(planned.runId), access, () => {});
    expect(sent.join('\n')).not.toMatch(/evil|fspbx-nat-x/);
  });

  it('refuses a snapshot that carries exec-set variables, unknown columns or prototype keys', async () => {
    const { runId } = seed(source);
    const bundle = await exported(source, runId);
    const cases: [string, (s: { pbx: ReturnType<typeof stockPbx> }) => void][] = [
      ['exec-set', (s) => void (s.pbx.vars[0]!.var_command = 'exec-set')],
      ['column', (s) => void (s.pbx.settings[0]!.sip_profile_setting_secret = 'x')],
      ['__proto__', (s) => void Object.defineProperty(s.pbx.vars[0]!, '__proto__', { value: 'x', enumerable: true })],
    ];
    for (const [name, edit] of cases) {
      const file = join(dir, `${name}.zip`);
      writeFileSync(
        file,
        forge(bundle, (files) => edit(files['snapshots/snapshot.json'] as { pbx: ReturnType<typeof stockPbx> })),
      );
      const refused = await importBundle(target, file).catch((e: unknown) => e);
      expect(refused, name).toBeInstanceOf(Failure);
      expect((refused as Failure).error.message, name).toMatch(/never restores/);
    }
    expect(target.listRuns()).toEqual([]);
  });
});

describe('an imported run', () => {
  it("is filed under another customer's site when only the default addresses match", async () => {
    const { runId } = seed(source);
    const file = join(dir, 'hq.zip');
    writeFileSync(file, await exported(source, runId));
    // This laptop knows another customer on MikroTik's default addresses, with a router named otherwise.
    const here = target.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10', routerIdentity: 'Branch' });
    await importBundle(target, file, installationSigner(join(dir, 'target')));
    const run = target.getRun(runId);
    expect(run.siteId).not.toBe(here.siteId);
    expect(target.getSite(run.siteId).routerIdentity).toBe('HQ');
    expect(target.getSite(here.siteId).routerIdentity).toBe('Branch');
  });

  it('is not exported again: this installation would sign what it did not make', async () => {
    const { runId } = seed(source);
    const file = join(dir, 'again.zip');
    writeFileSync(file, await exported(source, runId, true));
    await importBundle(target, file, installationSigner(join(dir, 'target')));
    await expect(
      exportBundle(target, runId, join(dir, 're-export.zip'), { app, signer: installationSigner(join(dir, 'target')) }),
    ).rejects.toThrow(/came from a bundle: share that bundle file as it is/);
  });
});

describe('a malformed bundle', () => {
  it.each([
    ['a numeric run id', (f: Record<string, unknown>) => void ((f['run.json'] as { runId: unknown }).runId = 123)],
    [
      'an unknown status',
      (f: Record<string, unknown>) => void ((f['run.json'] as { status: unknown }).status = 'done'),
    ],
    [
      'an escape in a timestamp',
      (f: Record<string, unknown>) => void ((f['run.json'] as { startedAt: unknown }).startedAt = '\u001b[2J'),
    ],
    ['a plan that is not a plan', (f: Record<string, unknown>) => void (f['plan.json'] = { changes: 'all' })],
    [
      'a journal of another run',
      (f: Record<string, unknown>) =>
        void (f['journal.json'] = [
          { runId: 'other', seq: 1, changeId: 'c', target: 'router', status: 'done', at: '2026-01-01T00:00:00Z' },
        ]),
    ],
    [
      'a journal step listed twice',
      (f: Record<string, unknown>) => {
        const step = { seq: 1, changeId: 'c', target: 'router', status: 'done', at: '2026-01-01T00:00:00Z' };
        const runId = (f['run.json'] as { runId: string }).runId;
        f['journal.json'] = [
          { runId, ...step },
          { runId, ...step, changeId: 'd' },
        ];
      },
    ],
  ])('with %s is refused in one sentence and nothing is committed', async (_what, edit) => {
    const { runId } = seed(source);
    const file = join(dir, 'bad.zip');
    writeFileSync(file, forge(await exported(source, runId), edit));
    const refused = await importBundle(target, file).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Failure);
    expect((refused as Failure).error.code).toBe('invalid_input');
    expect((refused as Failure).error.message).toMatch(/not imported|do not belong|another run|is of another run/);
    expect((refused as Failure).error.message.split(/\. (?=[A-Z])/)).toHaveLength(1);
    expect(target.listRuns()).toEqual([]);
  });
});

describe('bundle signatures', () => {
  it('are made with a per-installation Ed25519 key kept owner-only', async () => {
    const signer = installationSigner(join(dir, 'source'));
    expect(signer.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(statSync(join(dir, 'source', KEY_FILE)).mode & 0o777).toBe(0o600);
    // The same installation keeps its key.
    expect(installationSigner(join(dir, 'source')).publicKey).toBe(signer.publicKey);
    expect(installationSigner(join(dir, 'target')).publicKey).not.toBe(signer.publicKey);
  });

  it('say which installation made a bundle; a re-signed one says another', async () => {
    const { runId } = seed(source);
    const bundle = await exported(source, runId);
    const file = join(dir, 'visit.zip');
    writeFileSync(file, bundle);
    const ours = installationSigner(join(dir, 'source'));

    const mine = openStore(join(dir, 'mine'));
    try {
      expect((await importBundle(mine, file, ours)).imported).toEqual({
        signature: 'this-installation',
        key: ours.fingerprint,
        publicKey: ours.publicKey,
        trusted: true,
      });
    } finally {
      mine.close();
    }
    const other = await importBundle(target, file, installationSigner(join(dir, 'target')));
    expect(other.imported).toEqual({
      signature: 'other-installation',
      key: ours.fingerprint,
      publicKey: ours.publicKey,
      trusted: false,
    });

    // A forger who signs with their own key is named by that key, and the run is still only history.
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
    const forgerSigner = {
      publicKey: raw,
      fingerprint: '',
      protection: '',
      sign: (d: Uint8Array) => sign(null, d, privateKey).toString('base64'),
    };
    const forged = forge(bundle, evilRollback, (z) => sealSigned(z, forgerSigner));
    const third = openStore(join(dir, 'third'));
    try {
      writeFileSync(file, forged);
      const summary = await importBundle(third, file, ours);
      expect(summary.imported?.signature).toBe('other-installation');
      expect(summary.imported?.key).not.toBe(ours.fingerprint);
      const { deps, sent } = boxes(third);
      await expect(applyRollback(deps, deps.store.getRun(runId), access, () => {})).rejects.toThrow(/imported/);
      expect(sent).toEqual([]);
    } finally {
      third.close();
    }
  });

  it('refuses a signed bundle with a changed byte', async () => {
    const { runId } = seed(source);
    const bundle = Buffer.from(await exported(source, runId));
    bundle[100] = bundle[100]! ^ 1;
    const file = join(dir, 'bad.zip');
    writeFileSync(file, bundle);
    await expect(importBundle(target, file)).rejects.toThrow(/changed or damaged/);
  });
});

describe('trusted signers', () => {
  it("are added by the fingerprint of a bundle already imported, and make that signer's snapshots restorable", async () => {
    const { runId, snapshotId } = seed(source);
    const colleague = installationSigner(join(dir, 'source'));
    const file = join(dir, 'colleague.zip');
    writeFileSync(file, await exported(source, runId));
    const summary = await importBundle(target, file, installationSigner(join(dir, 'target')));
    expect(summary.imported).toMatchObject({ trusted: false, key: colleague.fingerprint });
    const { deps, opened } = boxes(target);
    await expect(planRollback(deps, snapshotId, ['router', 'pbx'], access)).rejects.toThrow(
      `This bundle was signed by an installation you have not trusted (key ${colleague.fingerprint}): it can be read, not rolled back to. To trust it: fspbx-nat trust add ${colleague.publicKey} --name "<who they are>", or Trust in History.`,
    );
    expect(opened).toEqual([]);

    const added = target.trustSigner({ key: colleague.fingerprint, name: 'Colleague' });
    expect(added).toMatchObject({
      publicKey: colleague.publicKey,
      fingerprint: colleague.fingerprint,
      name: 'Colleague',
    });
    expect(target.listTrusted()).toEqual([added]);
    expect(target.listRuns()[0]!.imported).toMatchObject({ trusted: true, signerName: 'Colleague' });
    await expect(planRollback(deps, snapshotId, ['router', 'pbx'], access)).resolves.toMatchObject({
      plan: { changes: expect.any(Array) },
    });

    // Untrusted again: history to read again.
    expect(target.untrustSigner(colleague.fingerprint)).toBe(true);
    expect(target.untrustSigner(colleague.fingerprint)).toBe(false);
    await expect(planRollback(deps, snapshotId, ['router', 'pbx'], access)).rejects.toThrow(/you have not trusted/);
  });

  it('refuse what is not a key, and a fingerprint no imported bundle was signed with', () => {
    expect(() => target.trustSigner({ key: 'not a key', name: 'x' })).toThrow(
      'That is neither a bundle signing key (44 characters of base64) nor a fingerprint (SHA256:…).',
    );
    expect(() => target.trustSigner({ key: `SHA256:${'A'.repeat(43)}`, name: 'x' })).toThrow(
      /No imported bundle here was signed by SHA256:A+: import one of that installation's bundles first/,
    );
    expect(() => target.trustSigner({ key: strangerSigner().publicKey, name: ' ' })).toThrow(/Give the trusted/);
    expect(target.listTrusted()).toEqual([]);
  });

  it('never come from a bundle: a bundle that says it is trusted is not', async () => {
    const { runId, snapshotId } = seed(source);
    const file = join(dir, 'claims.zip');
    writeFileSync(
      file,
      forge(await exported(source, runId), () => undefined, signedWith(strangerSigner())),
    );
    const summary = await importBundle(target, file);
    expect(summary.imported?.trusted).toBe(false);
    expect(target.getRun(runId).imported?.trusted).toBe(false);
    const { deps } = boxes(target);
    await expect(planRollback(deps, snapshotId, ['router', 'pbx'], access)).rejects.toThrow(/not rolled back to/);
  });
});

describe('a snapshot bound to its boxes', () => {
  it('records the host key the PBX was reached with, and the router serial it read', () => {
    const site = source.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10', routerIdentity: 'HQ' });
    const run = source.createRun({
      siteId: site.siteId,
      kind: 'apply',
      inputs: storedInputs(),
      plan: { changes: [], warnings: [], facts: {} },
    });
    const key = `SHA256:${'K'.repeat(43)}`;
    const snapshot = source.saveSnapshot(
      run.runId,
      site.siteId,
      { router: { ...router(), serial: 'HE2SIM000001' }, pbx: stockPbx() },
      key,
    );
    expect(snapshot.box).toMatchObject({ router: { serial: 'HE2SIM000001' }, pbx: { hostKey: key } });
  });
});

describe('a snapshot without its boxes', () => {
  it('in a bundle, is not imported: one sentence', async () => {
    const { runId } = seed(source);
    const file = join(dir, 'nobox.zip');
    writeFileSync(
      file,
      forge(await exported(source, runId), (f) => (renamed(f, 'nobox'), dropBox(f)), signedWith(strangerSigner())),
    );
    await expect(importBundle(target, file)).rejects.toThrow(
      "This bundle's snapshot does not say which router and PBX it was taken of, so it could be put on any site's boxes; it was not imported.",
    );
    expect(target.listRuns()).toEqual([]);
  });

  it('in the store (saved by an old version), is refused for rollback before any login', async () => {
    const { snapshotId } = seed(source);
    // An old record: no box_json (the digest covers box_json only when there is one).
    const row = source.db
      .prepare<
        [string],
        {
          router_json: string | null;
          pbx_json: string | null;
          router_export: string | null;
          pbx_reference: string | null;
        }
      >('SELECT router_json, pbx_json, router_export, pbx_reference FROM snapshots WHERE snapshot_id = ?')
      .get(snapshotId)!;
    source.db
      .prepare('UPDATE snapshots SET box_json = NULL, sha256 = ? WHERE snapshot_id = ?')
      .run(snapshotDigest({ ...row, box_json: null }), snapshotId);
    const { deps, opened } = boxes(source);
    await expect(planRollback(deps, snapshotId, ['router', 'pbx'], access)).rejects.toThrow(
      'This snapshot does not record which router and PBX it was taken of, so it could belong to any site: it can be read, not rolled back to.',
    );
    expect(opened).toEqual([]);
  });
});
