import { ChangeTable } from '../components/ChangeTable';
import { ErrorNote } from '../components/ErrorNote';
import { useWizard } from '../store/context';
import { StepPanel } from '../components/StepPanel';

export function ReviewStep() {
  const planned = useWizard((s) => s.planned);
  const makePlan = useWizard((s) => s.makePlan);
  const focused = useWizard((s) => s.focusedChange);
  const goTo = useWizard((s) => s.goTo);
  return (
    <StepPanel id="review">
      <p className="lead">
        Every change on both boxes, before and after, with the reason. Nothing has been touched yet: the wizard reads,
        plans and waits for you.
      </p>
      {focused && (
        <div className="note" role="note">
          The highlighted entry is the one a failed check found missing or changed on the box.{' '}
          <button type="button" onClick={() => goTo('verify')}>
            Back to the checks
          </button>
        </div>
      )}
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={planned.status === 'loading'}
          onClick={() => void makePlan()}
        >
          {planned.status === 'loading'
            ? 'Reading both boxes…'
            : planned.status === 'done'
              ? 'Plan again'
              : 'Make the plan'}
        </button>
      </div>
      {planned.status === 'error' && <ErrorNote error={planned.error} />}
      {planned.status === 'done' && (
        <>
          {planned.value.plan.warnings.length > 0 && (
            <div className="note" role="status" aria-label="Warnings">
              <ul>
                {planned.value.plan.warnings.map((w) => (
                  <li key={w.code + w.message} className="warn">
                    {w.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <div className="plan-sides">
            <ChangeTable
              title="Router"
              focused={focused}
              changes={planned.value.plan.changes.filter((c) => c.target === 'router')}
            />
            <ChangeTable
              title="PBX"
              focused={focused}
              changes={planned.value.plan.changes.filter((c) => c.target === 'pbx')}
            />
          </div>
        </>
      )}
    </StepPanel>
  );
}
