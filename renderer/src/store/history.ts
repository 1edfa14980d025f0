/** Sites' runs, bundle export and import. */
import type { StateCreator } from 'zustand/vanilla';
import type { BundleRef, RunSummary } from '../../../electron/api/types';
import type { Client } from '../api/client';
import { idle, loading, settled, type Load } from './load';

export interface HistorySlice {
  view: 'wizard' | 'history';
  runs: Load<RunSummary[]>;
  exported: Load<BundleRef>;
  imported: Load<RunSummary>;
  showView(view: 'wizard' | 'history'): void;
  loadRuns(): Promise<void>;
  exportBundle(runId: string, path: string): Promise<void>;
  importBundle(path: string): Promise<void>;
}

/** A run the app was in the middle of when it stopped: the technician decides what happens to it. */
export const UNFINISHED = new Set(['applying', 'applied', 'verified']);

export const historySlice =
  (client: Client): StateCreator<HistorySlice, [], [], HistorySlice> =>
  (set, get) => ({
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
      set({ exported: loading });
      set({ exported: settled(await client.call('bundle.export', { runId, path })) });
    },
    importBundle: async (path) => {
      set({ imported: loading });
      const result = await client.call('bundle.import', { path });
      set({ imported: settled(result) });
      if (result.ok) await get().loadRuns();
    },
  });
