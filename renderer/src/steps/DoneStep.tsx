import { BundleKeyNote } from '../components/BundleKeyNote';
import { ErrorNote } from '../components/ErrorNote';
import { useWizard } from '../store/context';
import { StepPanel } from '../components/StepPanel';
import { stepRef } from './steps';

/** The visit ends with the run's config bundle: report, plan, scripts and snapshots in one file. */
export function DoneStep() {
  const planned = useWizard((s) => s.planned);
  const applying = useWizard((s) => s.applying);
  const confirmation = useWizard((s) => s.confirmation);
  const info = useWizard((s) => s.info);
  const exported = useWizard((s) => s.exported);
  const exportBundle = useWizard((s) => s.exportBundle);
  const runId = planned.status === 'done' ? planned.value.runId : undefined;
  // The desktop app asks where with the system's dialog; browser mode writes beside the history.
  const desktop = info.status === 'done' && info.value.frontEnd === 'electron';
  const folder = info.status === 'done' ? info.value.dataDir : '';
  return (
    <StepPanel id="done">
      {!runId || applying.status !== 'done' ? (
        <p className="note">Apply the plan first ({stepRef('apply')}): the bundle records what was changed.</p>
      ) : (
        <>
          <p className="lead">
            {confirmation.status === 'done'
              ? 'Both boxes are changed and confirmed.'
              : 'The changes are applied but not confirmed: the router will undo its part by itself.'}{' '}
            Export the config bundle for the customer's file: the report, the plan, the scripts and both snapshots.
          </p>
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={exported.status === 'loading'}
              onClick={() => void exportBundle(runId, desktop ? undefined : `${folder}/bundles/${runId}.zip`)}
            >
              Export the bundle
            </button>
          </div>
          {exported.status === 'done' && (
            <>
              <p role="status" className="note">
                Bundle written to <code className="mono">{exported.value.path}</code> ({exported.value.bytes} bytes).
              </p>
              <BundleKeyNote />
            </>
          )}
          {exported.status === 'error' && <ErrorNote error={exported.error} />}
          <p className="muted">Every run stays in the History, where it can be exported again or rolled back.</p>
        </>
      )}
    </StepPanel>
  );
}
