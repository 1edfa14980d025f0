/** Sites' runs, bundle export and import. */
import { importTrustSentence } from '../../../contract/trust';
import type { AppInfo, BundleRef, ImportedFrom, RunSummary, TrustedSigner } from '../../../contract/types';
import type { Client } from '../api/client';
import { latest } from './latest';
import { idle, loading, settled, type Load } from './load';
import type { WizardSlice } from './state';

export interface HistorySlice {
  view: 'wizard' | 'history';
  runs: Load<RunSummary[]>;
  exported: Load<BundleRef>;
  /** The file name the last export was offered under (the site and the date): what browser mode downloads. */
  exportedAs?: string;
  imported: Load<RunSummary>;
  /** The signers whose bundles' snapshots may be rolled back to; the last trust or untrust, for its error. */
  trusted: Load<TrustedSigner[]>;
  trustChange: Load<string>;
  showView(view: 'wizard' | 'history'): void;
  loadRuns(): Promise<void>;
  /** Exports to `path`, or asks with the system dialog when none is given (desktop app). */
  /** `suggestedName`: what the desktop app's save dialog offers (the site and the date); a run id otherwise. */
  exportBundle(runId: string, path?: string, suggestedName?: string): Promise<void>;
  importBundle(path?: string): Promise<void>;
  loadTrusted(): Promise<void>;
  /** Trusts an imported run's signer under a name the technician gives; then History is read again. */
  trustSigner(from: ImportedFrom, name: string): Promise<void>;
  untrustSigner(from: ImportedFrom): Promise<void>;
}

/** A run the app was in the middle of when it stopped: the technician decides what happens to it. */
export const UNFINISHED = new Set(['applying', 'applied', 'verified']);

/**
 * Unfinished on this laptop. An imported run was never under way here, whatever
 * status its bundle gives it: nothing is left for the technician to finish.
 */
export const isUnfinished = (run: RunSummary): boolean => !run.imported && UNFINISHED.has(run.status);

/** Who signed an imported run's bundle, as History says it ("signed by this installation"). */
export function signedBy(from: ImportedFrom): string {
  switch (from.signature) {
    case 'this-installation':
      return 'signed by this installation';
    case 'other-installation':
      return from.trusted
        ? `signed by ${from.signerName ?? 'an installation you trust'} (trusted key ${from.key ?? 'not recorded'})`
        : `signed by another installation you have not trusted (key ${from.key ?? 'not recorded'})`;
    case 'unsigned':
      return 'unsigned: origin unknown';
  }
}

/** The read-only badge of an imported run: "Imported · signed by this installation". */
export const importedBadge = (from: ImportedFrom): string => `Imported · ${signedBy(from)}`;

/** Whether History offers to trust (or stop trusting) this signer: only a key of another installation. */
export const canTrust = (from: ImportedFrom): boolean =>
  from.signature === 'other-installation' && Boolean(from.publicKey) && !from.trusted;
export const canUntrust = (from: ImportedFrom): boolean =>
  from.signature === 'other-installation' && Boolean(from.key) && from.trusted === true;

/**
 * Where a run's bundle is exported to: undefined in the desktop app (its save dialog asks), else
 * the data folder's bundles/ (browser mode has no dialog; Done then hands the file to the browser).
 */
export function bundlePathOf(info: Load<AppInfo>, runId: string): string | undefined {
  if (info.status !== 'done' || info.value.frontEnd === 'electron') return undefined;
  return `${info.value.dataDir}/bundles/${runId}.zip`;
}

/** What the app says of an imported run, the same sentence the CLI prints. */
export { importTrustSentence };

export const historySlice =
  (client: Client): WizardSlice<HistorySlice> =>
  (set, get) => {
    const choose = async (purpose: 'export-bundle' | 'import-bundle', suggestedName?: string) => {
      const result = await client.call('app.chooseFile', { purpose, ...(suggestedName ? { suggestedName } : {}) });
      if (!result.ok) {
        set(purpose === 'export-bundle' ? { exported: settled(result) } : { imported: settled(result) });
        return undefined;
      }
      return result.value.path;
    };
    const runsRead = latest();
    const trustedRead = latest();
    return {
      view: 'wizard',
      runs: idle,
      exported: idle,
      imported: idle,
      trusted: idle,
      trustChange: idle,
      showView: (view) => {
        set({ view });
        if (view === 'history') {
          void get().loadRuns();
          void get().loadTrusted();
        }
      },
      loadTrusted: async () => {
        const isNewest = trustedRead.take();
        set({ trusted: loading });
        const result = await client.call('trust.list', {});
        if (isNewest()) set({ trusted: settled(result) });
      },
      trustSigner: async (from, name) => {
        if (!from.publicKey) return;
        set({ trustChange: loading });
        const result = await client.call('trust.add', { key: from.publicKey, name });
        set({ trustChange: settled(result.ok ? { ok: true, value: result.value.fingerprint } : result) });
        if (result.ok) await Promise.all([get().loadRuns(), get().loadTrusted()]);
      },
      untrustSigner: async (from) => {
        const key = from.publicKey ?? from.key;
        if (!key) return;
        set({ trustChange: loading });
        const result = await client.call('trust.remove', { key });
        set({ trustChange: settled(result.ok ? { ok: true, value: key } : result) });
        if (result.ok) await Promise.all([get().loadRuns(), get().loadTrusted()]);
      },
      loadRuns: async () => {
        const isNewest = runsRead.take();
        set({ runs: loading });
        const result = await client.call('history.list', {});
        if (isNewest()) set({ runs: settled(result) });
      },
      exportBundle: async (runId, path, suggestedName) => {
        const target = path ?? (await choose('export-bundle', suggestedName ?? `fspbx-nat-${runId}.zip`));
        if (!target) return;
        set({ exported: loading, exportedAs: suggestedName ?? `fspbx-nat-${runId}.zip` });
        set({ exported: settled(await client.call('bundle.export', { runId, path: target })) });
      },
      importBundle: async (path) => {
        const source = path ?? (await choose('import-bundle'));
        if (!source) return;
        set({ imported: loading });
        const result = await client.call('bundle.import', { path: source });
        set({ imported: settled(result) });
        if (result.ok) await get().loadRuns();
      },
    };
  };
