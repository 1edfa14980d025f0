/**
 * Stored plans are re-derived, not trusted (issue 21 item 5). Before an apply
 * or a rollback-apply the plan is made again from the boxes as read now (and,
 * for a rollback, its snapshot); what goes out is that fresh plan, and only
 * when it is, field for field, the plan the technician reviewed: every router
 * change with the item it acts on and where it goes, every PBX change with the
 * row it acts on, every PBX step with its whole text (the vars.xml content,
 * the fs_cli command). An edited store can so send nothing the review did not
 * show. Pure.
 */
import type { SitePlan } from './combine';

/** JSON with object keys sorted, so a stored copy compares equal whatever order its keys came back in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** The parts of a plan that decide what is sent, and what each is called in a refusal's detail. */
function sentParts(plan: SitePlan): [string, unknown][] {
  return [
    ['the reviewed changes', plan.changes],
    ['the router changes', plan.router?.changes ?? null],
    ['the PBX changes', plan.pbx?.changes ?? null],
    ['the PBX steps', plan.pbx?.steps ?? null],
  ];
}

/** Which part of what would be sent differs from the reviewed plan, or undefined when none does. */
export function differenceFromReview(fresh: SitePlan, reviewed: SitePlan): string | undefined {
  const want = sentParts(reviewed);
  return sentParts(fresh).find(([, part], i) => canonical(part) !== canonical(want[i]![1]))?.[0];
}
