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

export function publicAddressOf(planned: Load<PlannedRun>, router: Load<RouterSummary>): PublicAddress | undefined {
  // The site facts the plan was made from (electron/site/facts.ts), not a guess of the screen's own.
  const site = planned.status === 'done' ? planned.value.site : undefined;
  if (site) {
    const address = site.publicIp;
    if (!site.publicDynamic) return { source: 'plan', address };
    const dynamic = `given to ${site.wanInterface ?? 'the WAN port'} by the provider: it may change`;
    return { source: 'plan', address, dynamic };
  }
  if (router.status !== 'done') return undefined;
  const guess = router.value.publicAddress ?? router.value.wanAddresses[0]?.split('/')[0];
  return guess ? { source: 'router-guess', address: guess } : undefined;
}
