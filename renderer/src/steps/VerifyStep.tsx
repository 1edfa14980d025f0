import { ErrorNote } from '../components/ErrorNote';
import { useWizard } from '../store/context';
import { StepPanel } from '../components/StepPanel';
import { stepRef } from './steps';
import { Checklist } from '../verify/Checklist';

export function VerifyStep() {
  const applying = useWizard((s) => s.applying);
  const verification = useWizard((s) => s.verification);
  const confirmation = useWizard((s) => s.confirmation);
  const verifyRun = useWizard((s) => s.verifyRun);
  const confirmRun = useWizard((s) => s.confirmRun);
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
              onClick={() => void confirmRun()}
            >
              Confirm: keep the changes
            </button>
          </div>
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
