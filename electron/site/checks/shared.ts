/** What every check group shares: the check's shape and how a failed check points at the plan entry that fixes it. */
import type { CheckStatus, VerifyCheck } from '../../../contract/types';
import type { SitePlan } from '../combine';

export type Check = Omit<VerifyCheck, 'status'> & { status: CheckStatus };

/** The id of the first plan entry `match` picks: where a failed check points the technician. */
export function changeIdOf(
  plan: SitePlan | undefined,
  match: (change: SitePlan['changes'][number]) => boolean,
): string | undefined {
  return plan?.changes.find(match)?.id;
}

export function withChange(changeId: string | undefined): { changeId?: string } {
  return changeId === undefined ? {} : { changeId };
}
