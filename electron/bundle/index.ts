/**
 * Config bundles: one .zip per run, written atomically with owner-only rights,
 * and read back into history only when every checksum holds.
 */
import { chmod, mkdir, open as openFile, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { fail } from '../../contract/errors';
import type { BundleRef, RunSummary } from '../../contract/types';
import type { Store } from '../store';
import type { BundleContent, ScriptFile } from './content';
import type { DiagramInput } from './diagram';
import { fromFiles, toFiles } from './files';
import { LIMITS, pack, sha256, unpack } from './pack';
import type { Signer } from './signing';

export type { BundleContent, Manifest, ScriptFile } from './content';
export { installationSigner, keyFingerprint, type Signer } from './signing';

export interface ExportOptions {
  app: { name: string; version: string };
  scripts?: Partial<Record<ScriptFile, string>>;
  diagram?: DiagramInput;
  now?: () => Date;
  /** This installation's key: the bundle is signed with it and the report names it. */
  signer?: Signer;
}

export function bundleContent(store: Store, runId: string, options: ExportOptions): BundleContent {
  const run = store.getRun(runId);
  const content: BundleContent = {
    app: options.app,
    site: store.getSite(run.siteId),
    run,
    journal: store.readJournal(runId),
    scripts: options.scripts ?? {},
  };
  if (run.snapshotId) content.snapshot = store.getSnapshot(run.snapshotId);
  const verification = run.result?.verification;
  if (verification) content.verification = verification;
  if (options.diagram) content.diagram = options.diagram;
  if (options.signer) content.signedBy = options.signer.fingerprint;
  return content;
}

export async function exportBundle(
  store: Store,
  runId: string,
  path: string,
  options: ExportOptions,
): Promise<BundleRef> {
  if (!path.toLowerCase().endsWith('.zip')) fail('invalid_input', 'Give the bundle a file name ending in .zip.');
  // Signing it here would make this installation vouch for a file it did not make.
  if (store.getRun(runId).imported) {
    fail(
      'invalid_input',
      "This run came from a bundle: share that bundle file as it is. Exported here, it would carry this installation's signature instead of its maker's.",
    );
  }
  const content = bundleContent(store, runId, options);
  const createdAt = (options.now ?? (() => new Date()))().toISOString();
  const { zip } = pack(
    toFiles(content, createdAt),
    {
      app: options.app,
      createdAt,
      runId: content.run.runId,
      siteId: content.site.siteId,
    },
    options.signer,
  );
  // Written beside the target and renamed: a reader never sees half a bundle.
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const handle = await openFile(temp, 'wx', 0o600);
    try {
      await handle.writeFile(zip);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await chmod(path, 0o600);
  } catch (caught) {
    await rm(temp, { force: true });
    return fail('io_failed', `Cannot write the bundle to ${path}. Check the folder and free space.`, String(caught));
  }
  return { path, sha256: sha256(zip), bytes: zip.length };
}

/**
 * Reads a bundle into history, for reading: the run goes in marked as
 * imported (with who signed it) and no path ever applies it.
 */
export async function importBundle(store: Store, path: string, signer?: Signer): Promise<RunSummary> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return fail('invalid_input', `There is no bundle at ${path}.`);
  if (info.size > LIMITS.bytes) return fail('invalid_input', 'That file is too large to be a config bundle.');
  const bytes = await readFile(path).catch((caught: unknown) =>
    fail('io_failed', `Cannot read ${path}. Check the file and its permissions.`, String(caught)),
  );
  const { files, from } = await unpack(new Uint8Array(bytes), signer?.publicKey);
  const imported = fromFiles(files);
  store.importRun(imported, from);
  const summary = store
    .listRuns({ siteId: store.getRun(imported.run.runId).siteId })
    .find((r) => r.runId === imported.run.runId);
  return summary ?? fail('internal', 'The bundle was imported but cannot be listed.');
}
