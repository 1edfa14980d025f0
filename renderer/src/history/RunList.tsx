import type { RunSummary } from '../../../contract/types';
import { ErrorNote } from '../components/ErrorNote';
import { useWizard } from '../store/context';
import { bundlePathOf, importTrustSentence, isUnfinished } from '../store/history';
import { ImportedTrust, ImportedRunsNote } from './ImportedTrust';
import { OpenRunActions, RunBoxes, SiteName } from './RunBoxes';

/** Export a run's bundle: the desktop app asks where with its dialog; browser mode writes beside the history. */
function ExportButton({ runId }: { runId: string }) {
  const info = useWizard((s) => s.info);
  const exportBundle = useWizard((s) => s.exportBundle);
  return (
    <button type="button" onClick={() => void exportBundle(runId, bundlePathOf(info, runId))}>
      Export
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
        <ExportButton runId={run.runId} />
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

/** Where the last export went, or why it did not. */
export function ExportedNote() {
  const exported = useWizard((s) => s.exported);
  if (exported.status === 'error') return <ErrorNote error={exported.error} />;
  if (exported.status !== 'done') return null;
  return (
    <p role="status" className="note">
      Bundle written to <code className="mono">{exported.value.path}</code> ({exported.value.bytes} bytes).
    </p>
  );
}
