/** Router and PBX plans side by side as one reviewable plan. Pure. */
import type { PbxPlan } from '../pbx/plan/plan';
import type { RouterPlan } from '../routeros/plan';
import type { SitePlan } from '../store/visit';

/** The plan a run stores (store/visit.ts): the common view, plus each engine's own plan to apply. */
export type { SitePlan };

export function combinePlans(router: RouterPlan | undefined, pbx: PbxPlan | undefined): SitePlan {
  const plan: SitePlan = {
    changes: [...(router?.changes ?? []), ...(pbx?.changes ?? [])],
    warnings: [...(router?.warnings ?? []), ...(pbx?.warnings ?? [])],
    facts: { ...(router?.facts ?? {}), ...(pbx?.facts ?? {}) },
  };
  // A rollback's findings that matter: the serious ones first, whichever box they are on.
  const flags = [...(router?.flags ?? []), ...(pbx?.flags ?? [])].sort((a, b) => Number(b.serious) - Number(a.serious));
  if (flags.length > 0) plan.flags = flags;
  // What the review counts and lists apart from the changes (contract/plan-counts.ts).
  if (pbx && pbx.steps.length > 0) plan.pbxSteps = pbx.steps.map((step) => ({ kind: step.kind, why: step.why }));
  if (router) plan.router = router;
  if (pbx) plan.pbx = pbx;
  return plan;
}
