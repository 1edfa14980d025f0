import type { ReactNode } from 'react';
import type { Change, PlanStepView } from '../../../contract/types';
import { ErrorNote } from '../components/ErrorNote';
import { useWizard } from '../store/context';
import { staleNote, type ChangeStatus } from '../store/run';
import { StepPanel } from '../components/StepPanel';
import { stepRef } from './steps';
import { changeName, actionWord } from '../../../contract/change-names';
import { countApplied, countPlan, countWords, pbxStepId } from '../../../contract/plan-counts';
import { withAddresses } from '../components/Addresses';

const MARK = { sending: '…', done: '✓', failed: '✗' } as const;

/** One line of the progress: its mark, and its status as a class the list styles (waiting until reported). */
function Item({ status, children }: { status: ChangeStatus | undefined; children: ReactNode }) {
  return (
    <li className={status ?? 'waiting'}>
      <span aria-hidden="true">{status ? MARK[status] : '·'}</span> {children}
    </li>
  );
}

const answered = (status: ChangeStatus | undefined) => status === 'done' || status === 'failed';

/** How far the apply is: of the items it sends (changes and PBX steps alike, by id), how many have answered. */
export function progressWords(statuses: Record<string, ChangeStatus>, ids: readonly string[]): string {
  return `${ids.filter((id) => answered(statuses[id])).length} of ${ids.length} answered`;
}

/**
 * Each item's status, and the one under way: the items go out one after another and each answer
 * is reported as it comes (the router's per change, the PBX's at its COMMIT and per step), so while
 * the apply runs the first unanswered item after an answer is the one being sent. Before the first
 * answer (the snapshots are being taken) none is.
 */
export function statusesNow(
  statuses: Record<string, ChangeStatus>,
  ids: readonly string[],
  running: boolean,
): Record<string, ChangeStatus> {
  if (!running || !ids.some((id) => answered(statuses[id]))) return statuses;
  const next = ids.find((id) => statuses[id] === undefined);
  return next ? { ...statuses, [next]: 'sending' } : statuses;
}

/** The changes as they are sent, router first, then the PBX's changes and the steps that make FreeSWITCH take them. */
function Progress({ changes, steps }: { changes: readonly Change[]; steps: readonly PlanStepView[] }) {
  const reported = useWizard((s) => s.applying.changes);
  const running = useWizard((s) => s.applying.status === 'running');
  const ids = [...changes.map((c) => c.id), ...steps.map((_, i) => pbxStepId(i + 1))];
  const statuses = statusesNow(reported, ids, running);
  return (
    <>
      {running && (
        <p className="muted" aria-live="polite">
          Applying: {progressWords(reported, ids)}.
        </p>
      )}
      <ol className="progress" aria-label="Changes" aria-live="polite">
        {changes.map((c) => (
          <Item key={c.id} status={statuses[c.id]}>
            {c.target === 'router' ? 'Router' : 'PBX'}: {actionWord(c)} {withAddresses(changeName(c))}
          </Item>
        ))}
      </ol>
      {steps.length > 0 && (
        <>
          <h2>Then, on the PBX</h2>
          <p className="muted small">
            Files written and FreeSWITCH commands: they make FreeSWITCH take the changes, and are counted apart.
          </p>
          <ol className="progress" aria-label="PBX steps" aria-live="polite">
            {steps.map((step, i) => (
              <Item key={pbxStepId(i + 1)} status={statuses[pbxStepId(i + 1)]}>
                PBX: {withAddresses(step.why)}
              </Item>
            ))}
          </ol>
        </>
      )}
    </>
  );
}

export function ApplyStep() {
  const planned = useWizard((s) => s.planned);
  const applying = useWizard((s) => s.applying);
  const applyPlan = useWizard((s) => s.applyPlan);
  const cancelApply = useWizard((s) => s.cancelApply);
  const stale = useWizard(staleNote);
  const goTo = useWizard((s) => s.goTo);
  if (planned.status !== 'done') {
    return (
      <StepPanel id="apply">
        <p className="note">Make and review the plan first ({stepRef('review')}).</p>
      </StepPanel>
    );
  }
  const plan = planned.value.plan;
  return (
    <StepPanel id="apply">
      <p className="lead">
        Both boxes are snapshotted first. The router then undoes everything by itself unless you confirm in{' '}
        {stepRef('verify')}.
      </p>
      <div className="actions">
        {applying.status === 'running' ? (
          <button type="button" onClick={cancelApply}>
            Stop after the current change
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            disabled={applying.status === 'done' || stale !== undefined}
            onClick={() => void applyPlan()}
          >
            Apply {countWords(countPlan(plan))}
          </button>
        )}
      </div>
      {stale && applying.status !== 'done' && (
        <p className="note note-error" role="alert" data-testid="stale-plan">
          {stale}{' '}
          <button type="button" onClick={() => goTo('review')}>
            Go to {stepRef('review')}
          </button>
        </p>
      )}
      <Progress changes={plan.changes} steps={plan.pbxSteps ?? []} />
      {applying.log.length > 0 && (
        <pre className="log" aria-label="Log">
          {applying.log.join('\n')}
        </pre>
      )}
      {applying.status === 'error' && applying.error && !stale && <ErrorNote error={applying.error} />}
      {applying.status === 'done' && applying.result && (
        <p className="note" role="status">
          Applied {countWords(countApplied(plan, applying.result.applied))}.
          {applying.result.revertAt &&
            ` The router will undo them at ${new Date(applying.result.revertAt).toLocaleTimeString()} unless you confirm.`}
        </p>
      )}
    </StepPanel>
  );
}
