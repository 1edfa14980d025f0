/**
 * Config bundles through a real store and real files: export, verify, import, and refuse tampering.
 * Every bundle here is signed, as the product writes it (history.ts passes this installation's
 * signer to every export): the v1 seal is only ever read, never written, by the product.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync, zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportBundle, importBundle, type Manifest } from '../../electron/bundle';
import { sealSigned, sha256, unpack } from '../../electron/bundle/pack';
import { installationSigner, keyFingerprint, type Signer } from '../../electron/bundle/signing';
import { Failure } from '../../contract/errors';
import { openStore, type Store } from '../../electron/store';
import { stockPbx } from '../unit/pbx/fixtures/stock';
import { defconfRouter } from '../unit/routeros/fixtures/defconf';
import { storedInputs } from '../unit/helpers/stored-inputs';

const HOSTILE = `<script>alert("pwn")</script> '; DROP TABLE runs; -- $(reboot)`;
const PASSWORD = 'S3cret-never-in-a-bundle';
/** FS PBX's default_password switch variable: the snapshot holds it, no bundle may (with a & to escape). */
const DEFAULT_PASSWORD = 'Vars&Never-Leave';
const app = { name: 'FS PBX NAT Wizard', version: '0.1.0-test' };

let dir: string;
let source: Store;
let target: Store;
/** The installation that made the bundles (a colleague's laptop) and the one that reads them. */
let maker: Signer;
let reader: Signer;

function seed(store: Store): string {
  const site = store.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10', routerIdentity: HOSTILE });
  const run = store.createRun({
    siteId: site.siteId,
    kind: 'apply',
    inputs: storedInputs({
      router: { host: '192.168.88.1', tls: true, username: 'admin', password: PASSWORD },
      trunks: [{ name: HOSTILE, address: '198.51.100.10' }],
    }),
    plan: {
      changes: [
        {
          id: 'c1',
          target: 'router',
          path: '/ip/firewall/address-list',
          action: 'add',
          before: null,
          after: { list: 'fspbx-trunks', address: '198.51.100.10', comment: HOSTILE },
          reason: 'The trunk provider may reach the PBX.',
        },
        {
          id: 'c2',
          target: 'pbx',
          path: 'v_extensions/101',
          action: 'set',
          before: { sip_bypass_media: null },
          after: { sip_bypass_media: 'proxy-media' },
          reason: 'Bypass media breaks NAT.',
        },
      ],
      warnings: [{ code: 'double-nat', message: 'The WAN address is private.' }],
      facts: { publicIp: '203.0.113.2', rtpRange: '16384-32768' },
    },
  });
  const pbx = stockPbx();
  pbx.vars = [
    ...pbx.vars,
    {
      ...pbx.vars[0]!,
      var_uuid: 'b0000000-0000-4000-8000-000000000099',
      var_name: 'default_password',
      var_value: DEFAULT_PASSWORD,
    },
  ];
  pbx.varsXml = `${pbx.varsXml ?? ''}<X-PRE-PROCESS cmd="set" data="default_password=${DEFAULT_PASSWORD}" />\n`;
  store.saveSnapshot(run.runId, site.siteId, { router: defconfRouter(), pbx });
  const seq = store.journalSend(run.runId, 'c1', 'router');
  store.journalResult(run.runId, seq, 'done');
  store.setRunStatus(run.runId, 'confirmed', {
    result: {
      verification: {
        runId: run.runId,
        status: 'pass',
        checks: [{ id: 'sip-helper', title: 'SIP helper off', status: 'pass', summary: HOSTILE }],
      },
    },
  });
  return run.runId;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fspbx-bundle-'));
  source = openStore(join(dir, 'source'));
  target = openStore(join(dir, 'target'));
  maker = installationSigner(join(dir, 'maker-data'));
  reader = installationSigner(join(dir, 'reader-data'));
});

afterEach(() => {
  source.close();
  target.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('config bundle', () => {
  it('exports one owner-only zip whose manifest vouches for every file', async () => {
    const runId = seed(source);
    const path = join(dir, 'visit.zip');
    const ref = await exportBundle(source, runId, path, {
      app,
      signer: maker,
      scripts: { 'router/apply.rsc': '/ip firewall address-list\nadd list=fspbx-trunks address=198.51.100.10\n' },
    });
    const bytes = readFileSync(path);
    expect(ref).toEqual({ path, bytes: bytes.length, sha256: sha256(bytes) });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const entries = unzipSync(bytes);
    const manifest = JSON.parse(strFromU8(entries['manifest.json']!)) as Manifest;
    expect(manifest).toMatchObject({ format: 'fspbx-nat-bundle/1', app, runId });
    expect(manifest.files.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        'report.html',
        'plan.json',
        'run.json',
        'journal.json',
        'snapshots/snapshot.json',
        'router/apply.rsc',
        'verification.json',
      ]),
    );
    for (const f of manifest.files) expect(sha256(entries[f.path]!), f.path).toBe(f.sha256);
  });

  it("keeps the PBX's secret switch variables out of every file, in every form", async () => {
    const runId = seed(source);
    const path = join(dir, 'vars.zip');
    await exportBundle(source, runId, path, {
      app,
      signer: maker,
      scripts: {
        'pbx/apply-steps.sh': `cat > /etc/freeswitch/vars.xml <<'EOF'\ndefault_password=${DEFAULT_PASSWORD}\nEOF\n`,
      },
    });
    const entries = unzipSync(readFileSync(path));
    for (const [name, bytes] of Object.entries(entries)) {
      const text = strFromU8(bytes);
      for (const form of [DEFAULT_PASSWORD, 'Vars&amp;Never-Leave']) expect(text, name).not.toContain(form);
    }
    expect(strFromU8(entries['snapshots/snapshot.json']!)).toContain('default_password');
  });

  it('keeps secrets out and escapes hostile text in the report', async () => {
    const runId = seed(source);
    const path = join(dir, 'visit.zip');
    await exportBundle(source, runId, path, { app, signer: maker });
    const entries = unzipSync(readFileSync(path));
    const all = Object.values(entries)
      .map((b) => strFromU8(b))
      .join('\n');
    expect(all).not.toContain(PASSWORD);
    const report = strFromU8(entries['report.html']!);
    expect(report).not.toContain('<script>');
    expect(report).toContain('&lt;script&gt;alert(&quot;pwn&quot;)&lt;/script&gt;');
    expect(report).toContain('<i>NULL</i>');
    expect(report).toContain('proxy-media');
    // Verification reads as the app's checklist: grouped, each result as a mark and a word.
    expect(report).toMatch(/<h3>Router <span class="muted">\(1 passed\)<\/span><\/h3>/);
    expect(report).toContain('<td>✓ Pass</td>');
  });

  it('imports a bundle into another history exactly', async () => {
    const runId = seed(source);
    const path = join(dir, 'visit.zip');
    await exportBundle(source, runId, path, { app, signer: maker });
    const summary = await importBundle(target, path, reader);
    expect(summary).toMatchObject({ runId, status: 'confirmed', changeCount: 2 });
    const original = source.getRun(runId);
    const copy = target.getRun(runId);
    expect(copy.plan).toEqual(original.plan);
    expect(copy.inputs).toEqual(original.inputs);
    expect(target.readJournal(runId)).toEqual(source.readJournal(runId));
    const { origin: _was, ...snapshot } = source.getSnapshot(original.snapshotId!);
    // Kept narrowed: what a restore may bring back, no vars.xml text, no host firewall, no scripts,
    // and the PBX's secret switch variables redacted (a restore leaves them as the PBX holds them).
    const vars = snapshot.pbx!.vars.map((v) =>
      v.var_name === 'default_password' ? { ...v, var_value: '[redacted]' } : v,
    );
    expect(target.getSnapshot(copy.snapshotId!)).toMatchObject({
      ...snapshot,
      sha256: expect.any(String),
      origin: 'imported',
      router: { ...snapshot.router, scripts: [], schedulers: [] },
      pbx: { ...snapshot.pbx, vars, varsXml: null, firewall: null },
    });
    // Signed by the maker, read by another installation: its key's fingerprint, as SHA256 of the raw key.
    const fingerprint = `SHA256:${createHash('sha256').update(Buffer.from(maker.publicKey, 'base64')).digest('base64').replace(/=+$/, '')}`;
    expect(maker.fingerprint).toBe(fingerprint);
    expect(copy.imported).toMatchObject({ signature: 'other-installation', key: fingerprint });
  });

  it("names the maker's key in the report, and reads its own bundle as this installation's", async () => {
    const runId = seed(source);
    const path = join(dir, 'visit.zip');
    await exportBundle(source, runId, path, { app, signer: maker });
    const entries = unzipSync(readFileSync(path));
    expect(strFromU8(entries['report.html']!)).toContain(maker.fingerprint);
    expect(keyFingerprint(maker.publicKey)).toBe(maker.fingerprint);
    expect(maker.fingerprint).not.toBe(reader.fingerprint);
    await importBundle(target, path, maker);
    expect(target.getRun(runId).imported).toMatchObject({ signature: 'this-installation', key: maker.fingerprint });
  });

  it('refuses a signed bundle with a changed byte at any position, and imports nothing', async () => {
    const runId = seed(source);
    const path = join(dir, 'visit.zip');
    await exportBundle(source, runId, path, { app, signer: maker });
    const good = new Uint8Array(readFileSync(path));
    expect((await unpack(good, reader.publicKey)).from).toMatchObject({ signature: 'other-installation' });
    // Every byte, in memory: local headers, compressed data, the manifest, the central directory,
    // the end record and the signature itself. The bundle is small and a changed byte fails at
    // the signature check, before anything is inflated, so this stays within seconds.
    expect(good.length).toBeLessThan(64 * 1024);
    for (let at = 0; at < good.length; at += 1) {
      const bad = good.slice();
      bad[at] = bad[at]! ^ 0x01;
      await expect(unpack(bad, reader.publicKey), `byte ${at}`).rejects.toThrow(/changed or damaged/);
    }
    // Through the file and the store as well, at a stride (a file per byte would take a minute):
    // every 101st byte and the whole end record and signature.
    const tail = good.length - 200;
    for (let at = 0; at < good.length; at += at < tail ? 101 : 1) {
      const bad = Buffer.from(good);
      bad[at] = bad[at]! ^ 0x01;
      const file = join(dir, 'bad.zip');
      writeFileSync(file, bad);
      await expect(importBundle(target, file, reader), `byte ${at}`).rejects.toThrow(/changed or damaged/);
    }
    expect(target.listRuns()).toEqual([]);
  });

  it('refuses a bundle with a file the manifest does not list', async () => {
    const runId = seed(source);
    const path = join(dir, 'visit.zip');
    await exportBundle(source, runId, path, { app, signer: maker });
    const entries = unzipSync(readFileSync(path));
    entries['pbx/extra.sh'] = new TextEncoder().encode('rm -rf /');
    // Signed again with the forger's own key, as a careful forger would: the manifest check alone
    // must catch it.
    const forger = installationSigner(join(dir, 'forger-data'));
    writeFileSync(path, sealSigned(zipSync(entries), forger));
    const refused = await importBundle(target, path, reader).catch((e: Failure) => e);
    expect(refused).toBeInstanceOf(Failure);
    expect((refused as Failure).error.detail).toBe('file not in the manifest: pbx/extra.sh');
  });

  it('does not import the same run twice', async () => {
    const runId = seed(source);
    const path = join(dir, 'visit.zip');
    await exportBundle(source, runId, path, { app, signer: maker });
    await importBundle(target, path, reader);
    await expect(importBundle(target, path, reader)).rejects.toThrow(/already in the history/);
  });

  it('explains a missing bundle and a name without .zip', async () => {
    await expect(importBundle(target, join(dir, 'nope.zip'), reader)).rejects.toThrow(/no bundle at/);
    const runId = seed(source);
    await expect(exportBundle(source, runId, join(dir, 'visit.txt'), { app, signer: maker })).rejects.toThrow(
      /ending in \.zip/,
    );
  });
});
