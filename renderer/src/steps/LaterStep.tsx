import { STEPS, type StepId } from './steps';

/** Steps whose engines have not landed yet say so plainly instead of pretending. */
export function LaterStep({ id }: { id: StepId }) {
  const index = STEPS.findIndex((s) => s.id === id);
  const step = STEPS[index]!;
  return (
    <section aria-labelledby={`step-${id}-title`} className="panel">
      <h1 id={`step-${id}-title`}>
        {index < STEPS.length - 1 ? `${index + 1} · ` : ''}
        {step.title}
      </h1>
      <p className="lead">{step.hint}</p>
      <div className="note" role="status">
        This step is not available in this version of the wizard yet.
      </div>
    </section>
  );
}
