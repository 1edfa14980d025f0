import { STEPS, stepIndex, stepNumber } from '../steps/steps';
import { useWizard } from '../store/context';

export function StepNav() {
  const step = useWizard((s) => s.step);
  const goTo = useWizard((s) => s.goTo);
  const current = stepIndex(step);
  return (
    <nav aria-label="Wizard steps" className="steps">
      <ol>
        {STEPS.map((s, i) => (
          <li key={s.id}>
            <button
              type="button"
              className={i === current ? 'step current' : i < current ? 'step done' : 'step'}
              aria-current={i === current ? 'step' : undefined}
              onClick={() => goTo(s.id)}
            >
              <span className="step-number" aria-hidden="true">
                {stepNumber(s.id) ?? '✓'}
              </span>
              <span className="step-title">{s.title}</span>
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}
