import { ErrorNote } from '../components/ErrorNote';
import { useWizard } from '../store/context';
import { staleNote } from '../store/run';
import { StepPanel } from '../components/StepPanel';
import { stepRef } from './steps';
import { changeName, actionWord } from '../../../contract/change-names';
import { countApplied, countPlan, countWords } from '../../../contract/plan-counts';
import { withAddresses } from '../components/Addresses';

const MARK = { sending: '…', done: '✓', failed: '✗' } as const;

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
  const changes = plan.changes;
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
      <ol className="progress" aria-label="Changes" aria-live="polite">
        {changes.map((c) => (
          <li key={c.id} className={applying.changes[c.id] ?? 'waiting'}>
            <span aria-hidden="true">{applying.changes[c.id] ? MARK[applying.changes[c.id]!] : '·'}</span>{' '}
            {c.target === 'router' ? 'Router' : 'PBX'}: {actionWord(c)} {withAddresses(changeName(c))}
          </li>
        ))}
      </ol>
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
