import { useState } from 'react';
import { BundleKeyNote } from '../components/BundleKeyNote';
import { ChangeTable } from '../components/ChangeTable';
import { ErrorNote } from '../components/ErrorNote';
import { RollbackFlags } from '../components/RollbackFlags';
import { useWizard } from '../store/context';
import { stepsRef } from '../steps/steps';
import { canTrust, canUntrust, importedBadge, importTrustSentence, isUnfinished, signedBy } from '../store/history';
import { TrustSigner } from './TrustSigner';
import { OpenRunActions, RunBoxes, SiteName } from './RunBoxes';
import { otherBoxRefusal } from '../store/rollback';

export function HistoryView() {
  const runs = useWizard((s) => s.runs);
  const exported = useWizard((s) => s.exported);
  const imported = useWizard((s) => s.imported);
  const info = useWizard((s) => s.info);
  const exportBundle = useWizard((s) => s.exportBundle);
  const importBundle = useWizard((s) => s.importBundle);
  const rollbackSnapshot = useWizard((s) => s.rollbackSnapshot);
  const rollbackPlan = useWizard((s) => s.rollbackPlan);
  const rollbackResult = useWizard((s) => s.rollbackResult);
  const planRollback = useWizard((s) => s.planRollback);
  const applyRollback = useWizard((s) => s.applyRollback);
  const planRollbackOnOtherBox = useWizard((s) => s.planRollbackOnOtherBox);
  const onOtherBox = useWizard((s) => s.rollbackOtherBox);
  const trusted = useWizard((s) => s.trusted);
  const trustChange = useWizard((s) => s.trustChange);
  const untrustSigner = useWizard((s) => s.untrustSigner);
  const refusal = otherBoxRefusal(rollbackPlan);
  // The run whose snapshot is being rolled back to: an imported one is said so above the plan.
  const snapshotRun =
    rollbackSnapshot && runs.status === 'done' ? runs.value.find((r) => r.snapshotId === rollbackSnapshot) : undefined;
  const anyImported = runs.status === 'done' && runs.value.some((r) => r.imported);
  const [importPath, setImportPath] = useState('');
  const folder = info.status === 'done' ? info.value.dataDir : '';
  // The desktop app asks with the system's dialogs; browser mode writes beside the history.
  const desktop = info.status === 'done' && info.value.frontEnd === 'electron';

  return (
    <section aria-labelledby="history-title" className="panel">
      <h1 id="history-title" tabIndex={-1}>
        History
      </h1>
      <p className="lead">Every run on every site, newest first. Export a run as a config bundle, or import one.</p>
      {runs.status === 'loading' && <p aria-live="polite">Reading the history…</p>}
      {runs.status === 'error' && <ErrorNote error={runs.error} />}
      {runs.status === 'done' && runs.value.length === 0 && <p className="muted">No runs yet.</p>}
      {anyImported && (
        <p className="muted">
          Imported runs are history to read: nothing in them is ever applied, confirmed or verified. Only a bundle
          signed by an installation you trust can be rolled back to: the rollback is planned afresh against the boxes as
          they are now, under the same checks as your own snapshots, shown, and applied only when you confirm.
        </p>
      )}
      {runs.status === 'done' && runs.value.length > 0 && (
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
              <tr key={r.runId} className={isUnfinished(r) ? 'likely' : undefined}>
                <td>{new Date(r.startedAt).toLocaleString()}</td>
                <td>
                  <SiteName run={r} />
                  <div className="muted small">{r.publicIp ? `public IP ${r.publicIp}` : 'public IP not recorded'}</div>
                </td>
                <td>{r.kind}</td>
                <td>
                  {r.status}
                  {isUnfinished(r) && <span className="badge">unfinished</span>}
                  <RunBoxes run={r} />
                  <OpenRunActions run={r} />
                  {r.imported && (
                    <>
                      <span className="badge badge-read-only">read-only</span>
                      <div className="muted small fingerprint">{importedBadge(r.imported)}</div>
                      <p className="small" aria-label="Import trust">
                        {importTrustSentence(r.imported)}
                      </p>
                      {canTrust(r.imported) && <TrustSigner from={r.imported} />}
                      {canUntrust(r.imported) && (
                        <button
                          type="button"
                          disabled={trustChange.status === 'loading'}
                          onClick={() => void untrustSigner(r.imported!)}
                        >
                          Stop trusting {r.imported.key}
                        </button>
                      )}
                    </>
                  )}
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
                <td>
                  {r.snapshotId && r.imported && !r.imported.trusted ? (
                    <span className="muted" title={importTrustSentence(r.imported)}>
                      read only
                    </span>
                  ) : r.snapshotId ? (
                    <button
                      type="button"
                      disabled={rollbackPlan.status === 'loading' || rollbackResult.status === 'loading'}
                      onClick={() => void planRollback(r.snapshotId!)}
                    >
                      Roll back
                    </button>
                  ) : (
                    <span className="muted">none</span>
                  )}
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
      {trustChange.status === 'error' && <ErrorNote error={trustChange.error} />}
      {trusted.status === 'done' && trusted.value.length > 0 && (
        <>
          <h2>Trusted bundle signers</h2>
          <p className="muted">
            Snapshots in bundles these installations signed can be rolled back to. A key says which installation made a
            bundle, not that what it holds is right: trust only colleagues whose fingerprint you compared with them.
          </p>
          <ul aria-label="Trusted signers">
            {trusted.value.map((t) => (
              <li key={t.publicKey}>
                <strong>{t.name}</strong> <code className="mono fingerprint">{t.fingerprint}</code>{' '}
                <span className="muted small">added {new Date(t.addedAt).toLocaleString()}</span>{' '}
                <button
                  type="button"
                  disabled={trustChange.status === 'loading'}
                  onClick={() =>
                    void untrustSigner({ signature: 'other-installation', key: t.fingerprint, publicKey: t.publicKey })
                  }
                >
                  Stop trusting
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {rollbackSnapshot && (
        <section aria-labelledby="rollback-title" className="rollback">
          <h2 id="rollback-title">Roll back to the snapshot</h2>
          <p className="muted">
            Both boxes return to how they were before that run. Review the changes, then apply them. The logins are the
            ones typed in {stepsRef('router', 'pbx')}.
          </p>
          {snapshotRun?.imported && (
            <p className="note" role="note" aria-label="Imported snapshot">
              This snapshot came from an imported bundle ({signedBy(snapshotRun.imported)}). Nothing the bundle planned
              is sent: the rollback is planned afresh against the router and PBX as they are now.
            </p>
          )}
          {rollbackPlan.status === 'loading' && <p aria-live="polite">Reading both boxes…</p>}
          {rollbackPlan.status === 'error' && !refusal && <ErrorNote error={rollbackPlan.error} />}
          {refusal && (
            <div className="note note-error" role="alert" aria-label="Another box">
              <p>
                <strong>{refusal.message}</strong>
              </p>
              <p>
                Only if the {refusal.boxes} was replaced (the same site, new hardware): plan the rollback onto it
                anyway, review it, then apply.
              </p>
              <div className="actions">
                <button type="button" className="danger" onClick={() => void planRollbackOnOtherBox()}>
                  {`Roll back onto this ${refusal.boxes} anyway: ${
                    refusal.boxes === 'router and PBX' ? 'they are not the ones' : 'it is not the one'
                  } the snapshot was taken of`}
                </button>
              </div>
            </div>
          )}
          {rollbackPlan.status === 'done' && (
            <>
              <RollbackFlags flags={rollbackPlan.value.plan.flags ?? []} />
              {rollbackPlan.value.plan.warnings.length > 0 && (
                <div
                  className={onOtherBox ? 'note note-error' : 'note'}
                  role={onOtherBox ? 'alert' : 'status'}
                  aria-label="Rollback warnings"
                >
                  <p>
                    <strong>{rollbackPlan.value.plan.warnings[0]!.message}</strong>
                  </p>
                  {rollbackPlan.value.plan.warnings.length > 1 && (
                    <ul>
                      {rollbackPlan.value.plan.warnings.slice(1).map((w, i) => (
                        <li key={`${w.code}-${i}`}>{w.message}</li>
                      ))}
                    </ul>
                  )}
                </div>
              )}
              <div className="plan-sides">
                <ChangeTable
                  level={3}
                  title="Router"
                  changes={rollbackPlan.value.plan.changes.filter((c) => c.target === 'router')}
                />
                <ChangeTable
                  level={3}
                  title="PBX"
                  changes={rollbackPlan.value.plan.changes.filter((c) => c.target === 'pbx')}
                />
              </div>
              <div className="actions">
                <button
                  type="button"
                  className="danger"
                  disabled={
                    rollbackPlan.value.plan.changes.length === 0 ||
                    rollbackResult.status === 'loading' ||
                    rollbackResult.status === 'done'
                  }
                  onClick={() => void applyRollback()}
                >
                  {rollbackResult.status === 'loading'
                    ? 'Rolling back…'
                    : `Apply the rollback (${rollbackPlan.value.plan.changes.length} changes)`}
                </button>
              </div>
            </>
          )}
          {rollbackResult.status === 'error' && <ErrorNote error={rollbackResult.error} />}
          {rollbackResult.status === 'done' &&
            (rollbackResult.value.failed ? (
              <div role="alert" className="note note-error">
                <strong>The rollback stopped:</strong> {rollbackResult.value.failed.message} Plan it again to see what
                is left.
              </div>
            ) : (
              <p role="status" className="note">
                Rolled back: both boxes are as they were in the snapshot (run {rollbackResult.value.status}).
              </p>
            ))}
        </section>
      )}
      <h2>Import a bundle</h2>
      <BundleKeyNote />
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
          {/* One sentence says who signed it and what it may be used for: the signer is not named twice. */}
          Imported run {imported.value.runId}: it is history, never applied.{' '}
          {imported.value.imported && importTrustSentence(imported.value.imported)}
        </p>
      )}
      {imported.status === 'error' && <ErrorNote error={imported.error} />}
    </section>
  );
}
