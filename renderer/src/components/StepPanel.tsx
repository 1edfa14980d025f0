import type { ReactNode } from 'react';
import { stepHeading, type StepId } from '../steps/steps';

/**
 * A step's panel and its heading, numbered from the STEPS table. The heading
 * takes focus on a step change (App), so it is focusable but not in the Tab order.
 */
export function StepPanel({ id, children }: { id: StepId; children: ReactNode }) {
  const titleId = `step-${id}-title`;
  return (
    <section aria-labelledby={titleId} className="panel">
      <h1 id={titleId} tabIndex={-1}>
        {stepHeading(id)}
      </h1>
      {children}
    </section>
  );
}
