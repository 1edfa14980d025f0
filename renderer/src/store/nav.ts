/** Which step is shown, and the plan entry a failed check sent the technician to. */
import { STEPS, stepIndex, type StepId } from '../steps/steps';
import type { WizardSlice } from './state';

export interface NavSlice {
  step: StepId;
  /** The plan entry the review table highlights: set when a failed check's fix is followed. */
  focusedChange?: string;
  goTo(step: StepId): void;
  next(): void;
  back(): void;
  /** Opens the review at one plan entry (from a failed check). */
  showChange(changeId: string): void;
}

export const navSlice: WizardSlice<NavSlice> = (set, get) => {
  const move = (by: number) => {
    const index = Math.min(Math.max(stepIndex(get().step) + by, 0), STEPS.length - 1);
    set({ step: STEPS[index]!.id, focusedChange: undefined });
  };
  return {
    step: 'network',
    goTo: (step) => set({ step, focusedChange: undefined }),
    next: () => move(1),
    back: () => move(-1),
    showChange: (changeId) => set({ step: 'review', focusedChange: changeId }),
  };
};
