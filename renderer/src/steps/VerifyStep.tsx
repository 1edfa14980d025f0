import { useState } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import type { Load } from '../store/load';
import type { VerifyResult } from '../../../contract/types';
import { useWizard } from '../store/context';
import { StepPanel } from '../components/StepPanel';
import { stepRef } from './steps';
import { Checklist } from '../verify/Checklist';

/** Why keeping the changes now needs a second word, or undefined when the checks passed. */
export function keepDoubt(verification: Load<VerifyResult>): string | undefined {
  if (verification.status !== 'done') {
    return 'No check has run yet: nothing shows that calls work. Keep the changes without checking?';
  }
  const failed = verification.value.checks.filter((c) => c.status === 'fail').length;
  if (failed === 0) return undefined;
  return `${failed} ${failed === 1 ? 'check' : 'checks'} failed: calls may not work as planned. Keep the changes anyway? The automatic undo is then switched off.`;
}

export function VerifyStep() {
  const applying = useWizard((s) => s.applying);
  const verification = useWizard((s) => s.verification);
  const confirmation = useWizard((s) => s.confirmation);
  const verifyRun = useWizard((s) => s.verifyRun);
  const confirmRun = useWizard((s) => s.confirmRun);
  const plan = useWizard((s) => s.planned);
  const [asking, setAsking] = useState(false);
  const doubt = keepDoubt(verification);
  const keep = () => {
    if (doubt && !asking) {
      setAsking(true);
      return;
    }
    setAsking(false);
    void confirmRun();
  };
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
              onClick={keep}
            >
              Confirm: keep the changes
            </button>
          </div>
          {verification.status === 'idle' && !asking && (
            <p className="muted">Run the checks first: Confirm then keeps changes that are shown to work.</p>
          )}
          {asking && doubt && (
            <div className="note note-error" role="alertdialog" aria-label="Keep the changes?">
              <p>
                <strong>{doubt}</strong>
              </p>
              <div className="actions">
                <button type="button" onClick={keep}>
                  Keep them anyway
                </button>
                <button type="button" className="primary" onClick={() => setAsking(false)}>
                  Not yet
                </button>
              </div>
            </div>
          )}
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
