/**
 * The site's public address as step 4 shows it. Once a plan is made, the
 * address the plan was made with (both boxes' changes use it); before that, a
 * guess from the router's read (its cloud address, else its first WAN
 * address), named as a guess. Pure: reads the state, calls nothing.
 */
import type { PlannedRun, RouterSummary } from '../../../contract/types';
import type { Load } from './load';

export type PublicAddress =
  | {
      source: 'plan';
      address: string;
      /** Set when the provider gives the address and it may change. */ dynamic?: string;
    }
  | { source: 'router-guess'; address: string };

/** The plan's facts as the planners write them (electron/pbx/plan, electron/routeros/plan). */
const PLAN_PUBLIC_IP = 'pbx.publicIp';
const PLAN_WAN_DYNAMIC = 'router.wanAddressDynamic';

export function publicAddressOf(planned: Load<PlannedRun>, router: Load<RouterSummary>): PublicAddress | undefined {
  if (planned.status === 'done') {
    const facts = planned.value.plan.facts;
    const address = facts[PLAN_PUBLIC_IP];
    if (address) {
      const dynamic = facts[PLAN_WAN_DYNAMIC];
      return dynamic ? { source: 'plan', address, dynamic } : { source: 'plan', address };
    }
  }
  if (router.status !== 'done') return undefined;
  const guess = router.value.publicAddress ?? router.value.wanAddresses[0]?.split('/')[0];
  return guess ? { source: 'router-guess', address: guess } : undefined;
}
