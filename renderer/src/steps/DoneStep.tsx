import { BundleKeyNote } from '../components/BundleKeyNote';
import { ErrorNote } from '../components/ErrorNote';
import { useWizard } from '../store/context';
import { StepPanel } from '../components/StepPanel';
import { bundleHref, pageToken, useBundleExport } from '../history/bundle-export';
import { fileStem } from './download';
import { stepRef } from './steps';

export { bundleHref };

/** The visit ends with the run's config bundle: report, plan, scripts and snapshots in one file. */
export function DoneStep() {
  const planned = useWizard((s) => s.planned);
  const applying = useWizard((s) => s.applying);
  const confirmation = useWizard((s) => s.confirmation);
  const exported = useWizard((s) => s.exported);
  const router = useWizard((s) => s.router);
  const customer = useWizard((s) => s.options.customer);
  const { desktop, exportRun } = useBundleExport();
  const runId = planned.status === 'done' ? planned.value.runId : undefined;
  const site = customer.trim() || (router.status === 'done' ? router.value.identity : '');
  const name = `${fileStem(site, new Date())}.zip`;
  const token = pageToken();
  const href = runId && token ? bundleHref(runId, name, token) : undefined;
  const exportIt = () => {
    if (runId) exportRun(runId, name);
  };
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
            <button type="button" className="primary" disabled={exported.status === 'loading'} onClick={exportIt}>
              {desktop ? 'Export the bundle' : 'Download the bundle'}
            </button>
          </div>
          {exported.status === 'done' && (
            <>
              {desktop || !href ? (
                <p role="status" className="note">
                  Bundle written to <code className="mono">{exported.value.path}</code> ({exported.value.bytes} bytes).
                </p>
              ) : (
                <p role="status" className="note" data-exported="done">
                  Downloaded as{' '}
                  <a href={href} download={name}>
                    {name}
                  </a>{' '}
                  ({Math.ceil(exported.value.bytes / 1024)} KB): open report.html inside it for the customer&apos;s
                  file. A copy stays in the wizard&apos;s History.
                </p>
              )}
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
