import { boxList, boxWords } from '../../../contract/boxes';
import type { RunSummary } from '../../../contract/types';
import { useWizard } from '../store/context';
import { openRunOf } from '../store/open-run';

/** The site as the technician named it, its ticket, and the router's own name beside it. */
export function SiteName({ run }: { run: RunSummary }) {
  return (
    <>
      {run.siteName ?? <span className="muted">unnamed</span>}
      {run.siteTicket && <div className="small">ticket {run.siteTicket}</div>}
      {run.routerIdentity && run.routerIdentity !== run.siteName && (
        <div className="muted small">router {run.routerIdentity}</div>
      )}
    </>
  );
}

/** What the run's changes are on each box now: applied, undone by the router's timer, rolled back by run X, kept. */
export function RunBoxes({ run }: { run: RunSummary }) {
  const boxes = boxList(run.boxes);
  if (boxes.length === 0) return null;
  return (
    <ul className="small box-states" aria-label={`What each box holds (run ${run.runId})`}>
      {boxes.map(({ side, name, box }) => (
        <li key={side}>
          {name}: {boxWords(box)}
        </li>
      ))}
    </ul>
  );
}

/**
 * An open run (applied, its revert armed) can still be kept, checked or undone from History: the
 * same actions as the bar, on the run reopened at its step.
 */
export function OpenRunActions({ run }: { run: RunSummary }) {
  const runs = useWizard((s) => s.runs);
  const resumeOpenRun = useWizard((s) => s.resumeOpenRun);
  const keepChanges = useWizard((s) => s.keepChanges);
  const verifyRun = useWizard((s) => s.verifyRun);
  const planRollback = useWizard((s) => s.planRollback);
  const open = runs.status === 'done' ? openRunOf(runs.value) : undefined;
  if (open?.runId !== run.runId) return null;
  // Reopened at Verify first: the bar and the step then follow what the action answers.
  const reopen = (then: () => void) => () => {
    resumeOpenRun();
    then();
  };
  return (
    <div className="actions" aria-label={`Open run ${run.runId}`}>
      {/* Reopened, the checks have not run: Confirm asks on the Verify step before keeping anything. */}
      <button type="button" className="primary" onClick={reopen(() => void keepChanges('verify'))}>
        Confirm
      </button>
      <button type="button" onClick={reopen(() => void verifyRun())}>
        Verify
      </button>
      <button type="button" disabled={!run.snapshotId} onClick={() => void planRollback(run.snapshotId!)}>
        Undo
      </button>
    </div>
  );
}
