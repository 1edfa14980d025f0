/** Sites' runs, bundle export and import. */
import type { BundleRef, ImportedFrom, RunSummary } from '../../../contract/types';
import type { Client } from '../api/client';
import { idle, loading, settled, type Load } from './load';
import type { WizardSlice } from './state';

export interface HistorySlice {
  view: 'wizard' | 'history';
  runs: Load<RunSummary[]>;
  exported: Load<BundleRef>;
  imported: Load<RunSummary>;
  showView(view: 'wizard' | 'history'): void;
  loadRuns(): Promise<void>;
  /** Exports to `path`, or asks with the system dialog when none is given (desktop app). */
  exportBundle(runId: string, path?: string): Promise<void>;
  importBundle(path?: string): Promise<void>;
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
      return `signed by another installation (key ${from.key ?? 'not recorded'})`;
    case 'unsigned':
      return 'unsigned: origin unknown';
  }
}

/** The read-only badge of an imported run: "Imported · signed by this installation". */
export const importedBadge = (from: ImportedFrom): string => `Imported · ${signedBy(from)}`;

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
    return {
      view: 'wizard',
      runs: idle,
      exported: idle,
      imported: idle,
      showView: (view) => {
        set({ view });
        if (view === 'history') void get().loadRuns();
      },
      loadRuns: async () => {
        set({ runs: loading });
        set({ runs: settled(await client.call('history.list', {})) });
      },
      exportBundle: async (runId, path) => {
        const target = path ?? (await choose('export-bundle', `fspbx-nat-${runId}.zip`));
        if (!target) return;
        set({ exported: loading });
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
