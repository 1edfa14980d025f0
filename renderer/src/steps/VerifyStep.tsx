import { ErrorNote } from '../components/ErrorNote';
import { KeepQuestion } from '../components/KeepQuestion';
import { useWizard } from '../store/context';
import { StepPanel } from '../components/StepPanel';
import { stepRef } from './steps';
import { Checklist } from '../verify/Checklist';

/** The question Confirm asks before keeping what the checks do not show to work (store/keep.ts). */
export { keepDoubt } from '../store/keep';

export function VerifyStep() {
  const applying = useWizard((s) => s.applying);
  const verification = useWizard((s) => s.verification);
  const confirmation = useWizard((s) => s.confirmation);
  const verifyRun = useWizard((s) => s.verifyRun);
  const keepChanges = useWizard((s) => s.keepChanges);
  const asking = useWizard((s) => s.keepAsked === 'verify');
  const plan = useWizard((s) => s.planned);
  const planned = new Set(plan.status === 'done' ? plan.value.plan.changes.map((c) => c.id) : []);
  return (
    <StepPanel id="verify">
      {applying.status !== 'done' ? (
        <p className="note">Apply the plan first ({stepRef('apply')}).</p>
      ) : (
        <>
          {/* The time left, Keep and Undo are on the bar above every screen (RevertBar). */}
          <div className="actions">
            <button type="button" disabled={verification.status === 'loading'} onClick={() => void verifyRun()}>
              {verification.status === 'loading' ? 'Checking both boxes…' : 'Run the checks'}
            </button>
            <button
              type="button"
              className="primary"
              disabled={confirmation.status === 'loading' || confirmation.status === 'done'}
              onClick={() => void keepChanges('verify')}
            >
              Confirm: keep the changes
            </button>
          </div>
          {verification.status === 'idle' && !asking && (
            <p className="muted">Run the checks first: Confirm then keeps changes that are shown to work.</p>
          )}
          <KeepQuestion at="verify" />
          {verification.status === 'error' && <ErrorNote error={verification.error} />}
          {verification.status === 'done' && <Checklist result={verification.value} planned={planned} />}
          {confirmation.status === 'error' && <ErrorNote error={confirmation.error} />}
          {confirmation.status === 'done' && (
            <p className="note" role="status">
              Confirmed. The automatic undo is switched off; the changes stay.
            </p>
          )}
        </>
      )}
    </StepPanel>
  );
}
