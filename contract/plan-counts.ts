/**
 * How many changes and PBX steps a plan holds, and how many an apply sent: one
 * count for the Review, Apply and Done screens, the CLI and the report. A PBX
 * step (a vars.xml write, a cache flush, a profile rescan) is not a change: it
 * makes FreeSWITCH take the changes, so it is counted apart. Pure.
 */
import type { Plan } from './types';

export interface PlanCounts {
  /** Router and PBX changes together. */
  changes: number;
  router: number;
  pbx: number;
  /** Files written and fs_cli commands run on the PBX after its changes. */
  pbxSteps: number;
}

export function countPlan(plan: Plan): PlanCounts {
  const router = plan.changes.filter((c) => c.target === 'router').length;
  return {
    changes: plan.changes.length,
    router,
    pbx: plan.changes.length - router,
    pbxSteps: plan.pbxSteps?.length ?? 0,
  };
}

/**
 * The id a plan's PBX step goes by in the journal, the apply's progress events and its `applied`
 * list: counted from 1 (`plan.pbxSteps[n - 1]`).
 */
export const pbxStepId = (n: number): string => `pbx-step-${n}`;

/**
 * What an apply sent, told apart: the plan's changes, and its PBX steps. Anything else the journal
 * holds (the router's connection-tracking clean-up after its forwards) is neither.
 */
export function countApplied(plan: Plan, applied: readonly string[]): { changes: number; pbxSteps: number } {
  const changeIds = new Set(plan.changes.map((c) => c.id));
  const stepIds = new Set((plan.pbxSteps ?? []).map((_, i) => pbxStepId(i + 1)));
  return {
    changes: applied.filter((id) => changeIds.has(id)).length,
    pbxSteps: applied.filter((id) => stepIds.has(id)).length,
  };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "35 changes and 4 PBX steps", "1 change": the same words wherever a count is shown. */
export function countWords(counts: { changes: number; pbxSteps: number }): string {
  const changes = plural(counts.changes, 'change', 'changes');
  return counts.pbxSteps > 0 ? `${changes} and ${plural(counts.pbxSteps, 'PBX step', 'PBX steps')}` : changes;
}
