import type { ComponentType } from 'react';
import { ApplyStep } from './ApplyStep';
import { DoneStep } from './DoneStep';
import { NetworkStep } from './NetworkStep';
import { OptionsStep } from './OptionsStep';
import { PbxStep } from './PbxStep';
import { PeersStep } from './PeersStep';
import { ReviewStep } from './ReviewStep';
import { RouterStep } from './RouterStep';
import { VerifyStep } from './VerifyStep';
import type { StepId } from './steps';

/**
 * The view of each step in the STEPS table. Typed over every StepId: a step
 * added to the table without a view does not compile. (Kept beside the table,
 * not in it, because the views read the table for their headings.)
 */
export const STEP_VIEWS: { readonly [K in StepId]: ComponentType } = {
  network: NetworkStep,
  router: RouterStep,
  pbx: PbxStep,
  peers: PeersStep,
  options: OptionsStep,
  review: ReviewStep,
  apply: ApplyStep,
  verify: VerifyStep,
  done: DoneStep,
};
