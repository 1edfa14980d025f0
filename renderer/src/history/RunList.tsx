import type { RunSummary } from '../../../contract/types';
import { ErrorNote } from '../components/ErrorNote';
import { useWizard } from '../store/context';
import { importTrustSentence, isUnfinished } from '../store/history';
import { fileStem } from '../steps/download';
import { useBundleExport } from './bundle-export';
import { ImportedTrust, ImportedRunsNote } from './ImportedTrust';
import { OpenRunActions, RunBoxes, SiteName } from './RunBoxes';

/** "acme-dental-2026-12-07.zip": a run's bundle named by its site and the day it ran. */
export const bundleName = (run: RunSummary): string =>
  `${fileStem(run.siteName ?? run.routerIdentity ?? '', new Date(run.startedAt))}.zip`;

/** Export a run's bundle: the desktop app asks where with its dialog; browser mode downloads it. */
function ExportButton({ run }: { run: RunSummary }) {
  const { desktop, exportRun } = useBundleExport();
  return (
    <button type="button" onClick={() => exportRun(run.runId, bundleName(run))}>
      {desktop ? 'Export' : 'Download'}
    </button>
  );
}

/** Roll back to a run's snapshot; an imported snapshot only when its signer is trusted. */
function RollbackButton({ run }: { run: RunSummary }) {
  const busy = useWizard((s) => s.rollbackPlan.status === 'loading' || s.rollbackResult.status === 'loading');
  const planRollback = useWizard((s) => s.planRollback);
  if (!run.snapshotId) return <span className="muted">none</span>;
  if (run.imported && !run.imported.trusted) {
    return (
      <span className="muted" title={importTrustSentence(run.imported)}>
        read only
      </span>
    );
  }
  const snapshotId = run.snapshotId;
  return (
    <button type="button" disabled={busy} onClick={() => void planRollback(snapshotId)}>
      Roll back
    </button>
  );
}

function RunRow({ run }: { run: RunSummary }) {
  return (
    <tr className={isUnfinished(run) ? 'likely' : undefined}>
      <td>{new Date(run.startedAt).toLocaleString()}</td>
      <td>
        <SiteName run={run} />
        <div className="muted small">{run.publicIp ? `public IP ${run.publicIp}` : 'public IP not recorded'}</div>
      </td>
      <td>{run.kind}</td>
      <td>
        {run.status}
        {isUnfinished(run) && <span className="badge">unfinished</span>}
        <RunBoxes run={run} />
        <OpenRunActions run={run} />
        {run.imported && <ImportedTrust from={run.imported} />}
      </td>
      <td>{run.changeCount}</td>
      <td>
        <ExportButton run={run} />
      </td>
      <td>
        <RollbackButton run={run} />
      </td>
    </tr>
  );
}

/** The runs of every site, newest first: what each box holds, and the way to its bundle and its snapshot. */
export function RunList() {
  const runs = useWizard((s) => s.runs);
  if (runs.status === 'idle') return null;
  if (runs.status === 'loading') return <p aria-live="polite">Reading the history…</p>;
  if (runs.status === 'error') return <ErrorNote error={runs.error} />;
  if (runs.value.length === 0) return <p className="muted">No runs yet.</p>;
  return (
    <>
      {runs.value.some((r) => r.imported) && <ImportedRunsNote />}
      <table className="facts" aria-label="Runs">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Site</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">Changes</th>
            <th scope="col">Bundle</th>
            <th scope="col">Snapshot</th>
          </tr>
        </thead>
        <tbody>
          {runs.value.map((r) => (
            <RunRow key={r.runId} run={r} />
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Where the last export went (the file the browser downloaded, or the path chosen), or why it did not. */
export function ExportedNote() {
  const exported = useWizard((s) => s.exported);
  const exportedAs = useWizard((s) => s.exportedAs);
  const desktop = useWizard((s) => s.info.status === 'done' && s.info.value.frontEnd === 'electron');
  if (exported.status === 'error') return <ErrorNote error={exported.error} />;
  if (exported.status !== 'done') return null;
  if (!desktop && exportedAs) {
    return (
      <p role="status" className="note">
        Downloaded as <strong>{exportedAs}</strong> ({Math.ceil(exported.value.bytes / 1024)} KB): open report.html
        inside it for the customer&apos;s file.
      </p>
    );
  }
  return (
    <p role="status" className="note">
      Bundle written to <code className="mono">{exported.value.path}</code> ({exported.value.bytes} bytes).
    </p>
  );
}
