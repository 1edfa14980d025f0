/** Which step is shown, and the plan entry a failed check sent the technician to. */
import { STEPS, stepIndex, type StepId } from '../steps/steps';
import { checkPeers } from '../steps/peerChecks';
import { siteLan } from './peers';
import type { WizardSlice, WizardState } from './state';

export interface NavSlice {
  step: StepId;
  /** The plan entry the review table highlights: set when a failed check's fix is followed. */
  focusedChange?: string;
  /** Next was pressed on a step with mistakes: the step lists them and stays. */
  nextRefused?: boolean;
  goTo(step: StepId): void;
  next(): void;
  back(): void;
  /** Opens the review at one plan entry (from a failed check). */
  showChange(changeId: string): void;
}

/** A step that must not be left by Next while it holds mistakes (step 4's rows). */
function mistakesOn(s: WizardState): boolean {
  return s.step === 'peers' && checkPeers(s, siteLan(s.lan, s.pbxForm.host)).errors.length > 0;
}

export const navSlice: WizardSlice<NavSlice> = (set, get) => {
  const move = (by: number) => {
    const index = Math.min(Math.max(stepIndex(get().step) + by, 0), STEPS.length - 1);
    set({ step: STEPS[index]!.id, focusedChange: undefined, nextRefused: false });
  };
  return {
    step: 'network',
    goTo: (step) => set({ step, focusedChange: undefined, nextRefused: false }),
    next: () => (mistakesOn(get()) ? set({ nextRefused: true }) : move(1)),
    back: () => move(-1),
    showChange: (changeId) => set({ step: 'review', focusedChange: changeId }),
  };
};
