import { useState } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { useWizard } from '../store/context';
import { UNFINISHED } from '../store/history';

export function HistoryView() {
  const runs = useWizard((s) => s.runs);
  const exported = useWizard((s) => s.exported);
  const imported = useWizard((s) => s.imported);
  const info = useWizard((s) => s.info);
  const exportBundle = useWizard((s) => s.exportBundle);
  const importBundle = useWizard((s) => s.importBundle);
  const [importPath, setImportPath] = useState('');
  const folder = info.status === 'done' ? info.value.dataDir : '';
  // The desktop app asks with the system's dialogs; browser mode writes beside the history.
  const desktop = info.status === 'done' && info.value.frontEnd === 'electron';

  return (
    <section aria-labelledby="history-title" className="panel">
      <h1 id="history-title">History</h1>
      <p className="lead">Every run on every site, newest first. Export a run as a config bundle, or import one.</p>
      {runs.status === 'loading' && <p aria-live="polite">Reading the history…</p>}
      {runs.status === 'error' && <ErrorNote error={runs.error} />}
      {runs.status === 'done' && runs.value.length === 0 && <p className="muted">No runs yet.</p>}
      {runs.status === 'done' && runs.value.length > 0 && (
        <table className="facts" aria-label="Runs">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Changes</th>
              <th scope="col">Bundle</th>
            </tr>
          </thead>
          <tbody>
            {runs.value.map((r) => (
              <tr key={r.runId} className={UNFINISHED.has(r.status) ? 'likely' : undefined}>
                <td>{new Date(r.startedAt).toLocaleString()}</td>
                <td>{r.kind}</td>
                <td>
                  {r.status}
                  {UNFINISHED.has(r.status) && <span className="badge">unfinished</span>}
                </td>
                <td>{r.changeCount}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => void exportBundle(r.runId, desktop ? undefined : `${folder}/bundles/${r.runId}.zip`)}
                  >
                    Export
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {exported.status === 'done' && (
        <p role="status" className="note">
          Bundle written to <code className="mono">{exported.value.path}</code> ({exported.value.bytes} bytes).
        </p>
      )}
      {exported.status === 'error' && <ErrorNote error={exported.error} />}
      <h2>Import a bundle</h2>
      <form
        className="actions"
        onSubmit={(e) => {
          e.preventDefault();
          void importBundle(importPath);
        }}
      >
        <input
          aria-label="Bundle file path"
          placeholder="/path/to/bundle.zip"
          value={importPath}
          onChange={(e) => setImportPath(e.target.value)}
        />
        <button type="submit" disabled={importPath.trim() === ''}>
          Import
        </button>
        {desktop && (
          <button type="button" onClick={() => void importBundle()}>
            Choose a file…
          </button>
        )}
      </form>
      {imported.status === 'done' && (
        <p role="status" className="note">
          Imported run {imported.value.runId}.
        </p>
      )}
      {imported.status === 'error' && <ErrorNote error={imported.error} />}
    </section>
  );
}
