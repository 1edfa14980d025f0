import { useWizard } from '../store/context';
import { keepDoubt, type KeepAskedAt } from '../store/keep';

/**
 * Keep's second word, where it was asked (the bar or the Verify step): why the checks do not show
 * that calls work, then "Keep them anyway" or "Not yet" (the default: nothing is kept by a slip).
 */
export function KeepQuestion({ at }: { at: KeepAskedAt }) {
  const asked = useWizard((s) => s.keepAsked);
  const verification = useWizard((s) => s.verification);
  const keepChanges = useWizard((s) => s.keepChanges);
  const notYet = useWizard((s) => s.notYet);
  const doubt = keepDoubt(verification);
  if (asked !== at || !doubt) return null;
  return (
    <div className="note note-error" role="alertdialog" aria-label="Keep the changes?">
      <p>
        <strong>{doubt}</strong>
      </p>
      <div className="actions">
        <button type="button" onClick={() => void keepChanges(at, true)}>
          Keep them anyway
        </button>
        <button type="button" className="primary" onClick={notYet}>
          Not yet
        </button>
      </div>
    </div>
  );
}
