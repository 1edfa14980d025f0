import { useEffect, useMemo, useState } from 'react';
import { ErrorNote } from './ErrorNote';
import { KeepQuestion } from './KeepQuestion';
import { useWizard } from '../store/context';
import { armedSentence, expiredSentence, openRunOf, revertPhase, type OpenRun } from '../store/open-run';
import type { WizardState } from '../store/wizard';

/**
 * The open run: this session's apply while it is not kept, else the run reopened from History,
 * else History's open run (another window, the CLI, a crash before this page loaded).
 */
export function openRunFrom(
  s: Pick<
    WizardState,
    'applying' | 'confirmation' | 'planned' | 'resumed' | 'runs' | 'rollbackResult' | 'rollbackSnapshot'
  >,
): OpenRun | undefined {
  const result = s.applying.status === 'done' ? s.applying.result : undefined;
  if (s.confirmation.status === 'done') return undefined;
  // Rolled back from the bar (both boxes, or the PBX half after the router's own undo): nothing is open.
  if (s.rollbackResult.status === 'done' && result?.snapshotId && s.rollbackSnapshot === result.snapshotId) {
    return undefined;
  }
  if (result?.status === 'applied' && result.revertAt) {
    const plan = s.planned.status === 'done' ? s.planned.value.plan : undefined;
    const count = (target: 'router' | 'pbx') => plan?.changes.filter((c) => c.target === target).length ?? 0;
    return {
      runId: result.runId,
      revertAt: result.revertAt,
      ...(result.snapshotId ? { snapshotId: result.snapshotId } : {}),
      routerChanges: s.resumed?.routerChanges ?? count('router'),
      pbxChanges: s.resumed?.pbxChanges ?? count('pbx'),
    };
  }
  return s.runs.status === 'done' ? openRunOf(s.runs.value) : undefined;
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/**
 * On every screen while a revert is armed, and kept in view (sticky): the time left, Keep the
 * changes, Undo now. At the revert time it reads the router and says what happened and what the
 * PBX still has, with the two ways on.
 */
export function RevertBar() {
  // Each part selected as it is held (a selector that built a new object would render forever).
  const applying = useWizard((s) => s.applying);
  const planned = useWizard((s) => s.planned);
  const resumed = useWizard((s) => s.resumed);
  const runs = useWizard((s) => s.runs);
  const rollbackResult = useWizard((s) => s.rollbackResult);
  const rollbackSnapshot = useWizard((s) => s.rollbackSnapshot);
  const confirmation = useWizard((s) => s.confirmation);
  const open = useMemo(
    () => openRunFrom({ applying, confirmation, planned, resumed, runs, rollbackResult, rollbackSnapshot }),
    [applying, confirmation, planned, resumed, runs, rollbackResult, rollbackSnapshot],
  );
  const now = useNow(open !== undefined);
  const phase = revertPhase(open, now);
  const revertState = useWizard((s) => s.revertState);
  const readRevertState = useWizard((s) => s.readRevertState);
  const keepChanges = useWizard((s) => s.keepChanges);
  const resumeOpenRun = useWizard((s) => s.resumeOpenRun);
  const planRollback = useWizard((s) => s.planRollback);
  const showView = useWizard((s) => s.showView);
  const goTo = useWizard((s) => s.goTo);
  const applyingRunId = useWizard((s) => (s.applying.status === 'done' ? s.applying.result?.runId : undefined));
  const fresh = useWizard((s) => s.applying.status === 'idle' && s.planned.status === 'idle');
  const expired = phase.kind === 'expired';
  // After a reload, a crash or a restart: the open run is reopened at its step, with its countdown.
  useEffect(() => {
    if (fresh && phase.kind !== 'none') resumeOpenRun();
  }, [fresh, phase.kind, resumeOpenRun]);
  // At the revert time the router is read: what it did is said, and recorded in History.
  useEffect(() => {
    if (expired && !fresh && revertState.status === 'idle') void readRevertState();
  }, [expired, fresh, revertState.status, readRevertState]);
  // The router's clock runs its own timer: while it still holds the job, ask again a little later.
  const stillArmedAfterTime = expired && revertState.status === 'done' && revertState.value.armed;
  useEffect(() => {
    if (!stillArmedAfterTime) return;
    const again = setTimeout(() => void readRevertState(), 5000);
    return () => clearTimeout(again);
  }, [stillArmedAfterTime, revertState, readRevertState]);
  if (phase.kind === 'none') return null;
  const { run } = phase;
  // Keep and Undo act on the run the wizard is on; a run only History knows is reopened first.
  // Keep asks first when the checks failed or have not run (KeepQuestion below).
  const keep = () => {
    if (applyingRunId !== run.runId) resumeOpenRun();
    void keepChanges('bar');
  };
  const undo = (sides?: ('router' | 'pbx')[]) => {
    if (!run.snapshotId) return;
    void planRollback(run.snapshotId, sides);
    showView('history');
  };
  const runLabel = <span className="muted small">Run {run.runId}</span>;
  const stillArmed = revertState.status === 'done' && revertState.value.armed;
  if (phase.kind === 'armed' || stillArmed) {
    return (
      <div className="revert-bar" role="region" aria-label="Automatic undo">
        <p>
          <strong role="timer" aria-live="off">
            {phase.kind === 'armed'
              ? armedSentence(run, phase.secondsLeft)
              : `The router has not undone the changes yet (its timer runs at ${revertState.status === 'done' ? (revertState.value.nextRun ?? 'a moment later') : ''}, router clock): you can still keep them.`}
          </strong>{' '}
          {runLabel}
        </p>
        <div className="actions">
          <button type="button" className="primary" disabled={confirmation.status === 'loading'} onClick={keep}>
            {confirmation.status === 'loading' ? 'Keeping…' : 'Keep the changes'}
          </button>
          <button type="button" disabled={!run.snapshotId} onClick={() => undo()}>
            Undo now
          </button>
        </div>
        <KeepQuestion at="bar" />
        {confirmation.status === 'error' && <ErrorNote error={confirmation.error} />}
        {confirmation.status === 'error' && (
          <p className="small">
            Passwords are never stored: after a restart, type the router and PBX logins again (steps 2 and 3), then Keep
            the changes.
          </p>
        )}
      </div>
    );
  }
  return (
    <div className="revert-bar revert-bar-expired" role="region" aria-label="Automatic undo">
      <p>
        <strong>
          {revertState.status === 'loading' || revertState.status === 'idle'
            ? 'The time to keep the changes is up: reading the router…'
            : expiredSentence(run)}
        </strong>{' '}
        {runLabel}
      </p>
      {revertState.status === 'error' && <ErrorNote error={revertState.error} />}
      <div className="actions">
        {run.pbxChanges > 0 && (
          <button type="button" className="primary" disabled={!run.snapshotId} onClick={() => undo(['pbx'])}>
            Undo the PBX half
          </button>
        )}
        <button
          type="button"
          onClick={() => {
            showView('wizard');
            goTo('review');
          }}
        >
          Plan and apply again
        </button>
      </div>
    </div>
  );
}
