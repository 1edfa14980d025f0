/** The router side of a config bundle: the plan and its rollback as .rsc text. Pure. */
import { ok, type Result } from '../../contract/errors';
import type { RouterPlan } from './plan';
import { rollbackOf } from './revert';
import { renderRsc } from './script';
import type { RouterState } from './state';

export interface RouterScripts {
  plan: string;
  rollback: string;
}

export function routerScripts(before: RouterState, plan: RouterPlan, label: string): Result<RouterScripts> {
  const rollback = rollbackOf(before, plan);
  if (!rollback.ok) return rollback;
  const planRsc = renderRsc(plan.changes, { title: `fspbx-nat plan for ${label}` });
  if (!planRsc.ok) return planRsc;
  const rollbackRsc = renderRsc(rollback.value.changes, {
    title: `fspbx-nat rollback for ${label}: undoes the plan above`,
    continueOnError: true,
  });
  if (!rollbackRsc.ok) return rollbackRsc;
  return ok({ plan: planRsc.value, rollback: rollbackRsc.value });
}
