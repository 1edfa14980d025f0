/**
 * Exporting a run's bundle the way this front end can: the desktop app asks where with its save
 * dialog; browser mode writes it beside the history (bundlePathOf) and hands it to the browser's
 * own download under a readable name (the site and the date), never a path in the data folder.
 */
import { useEffect, useRef } from 'react';
import { storedToken } from '../api/pipes';
import { useWizard } from '../store/context';
import { bundlePathOf } from '../store/history';
import { download } from '../steps/download';

/** Where browser mode hands out a run's bundle (electron/host/download.ts), under a readable name. */
export function bundleHref(runId: string, name: string, token: string): string {
  return `/download/${encodeURIComponent(runId)}.zip?token=${encodeURIComponent(token)}&as=${encodeURIComponent(name)}`;
}

/** The page's token for the host's download route; none outside a browser. */
export function pageToken(): string | undefined {
  return typeof window === 'undefined' ? undefined : storedToken(window.sessionStorage);
}

/**
 * `exportRun(runId, name)`: exports, and in browser mode downloads the file once the export this
 * call asked for is written. `desktop` says which of the two this front end does.
 */
export function useBundleExport(): { desktop: boolean; exportRun(runId: string, name: string): void } {
  const info = useWizard((s) => s.info);
  const status = useWizard((s) => s.exported.status);
  const exportBundle = useWizard((s) => s.exportBundle);
  const desktop = info.status === 'done' && info.value.frontEnd === 'electron';
  const pending = useRef<{ href: string; name: string } | undefined>(undefined);
  useEffect(() => {
    const asked = pending.current;
    if (!asked || status === 'loading' || status === 'idle') return;
    pending.current = undefined;
    if (status === 'done') download(asked.href, asked.name);
  }, [status]);
  return {
    desktop,
    exportRun: (runId, name) => {
      const token = pageToken();
      pending.current = !desktop && token ? { href: bundleHref(runId, name, token), name } : undefined;
      void exportBundle(runId, bundlePathOf(info, runId), name);
    },
  };
}
