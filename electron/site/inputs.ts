/**
 * The contract's site inputs mapped onto each domain planner's own inputs: the
 * planners never see a wire type, only what they plan from.
 */
import type { SiteInputs } from '../../contract/schemas';
import type { SiteFacts } from '../../contract/types';
import type { PbxPlanInputs } from '../pbx/plan/plan';
import type { PortRange } from '../routeros/addr';
import type { RouterPlanInputs } from '../routeros/inputs';

/** The router planner's inputs from the site inputs and what was read from the PBX. */
export function routerInputsFrom(
  site: Pick<SiteInputs, 'trunks' | 'phones' | 'options'>,
  pbx: { address: string; rtp: PortRange },
): RouterPlanInputs {
  const inputs: RouterPlanInputs = {
    pbxAddress: pbx.address,
    trunks: site.trunks,
    phones: site.phones,
    pbxRtp: { start: pbx.rtp.start, end: pbx.rtp.end },
    webGui: site.options.webGui,
    hairpin: site.options.hairpin,
    allowAnySource: site.options.allowAnySource,
  };
  if (site.options.publicIp !== undefined) inputs.wanAddress = site.options.publicIp;
  return inputs;
}

/** The PBX planner's inputs from the site inputs and the site facts the plan is made from (site/facts.ts). */
export function pbxInputsFrom(site: Pick<SiteInputs, 'options'>, facts: SiteFacts): PbxPlanInputs {
  const inputs: PbxPlanInputs = {
    publicIp: facts.publicIp,
    mediaMode: site.options.mediaMode,
    extensions: site.options.extensions,
    routerRtp: facts.rtp,
  };
  if (facts.routerLanAddress) inputs.routerLanAddress = facts.routerLanAddress;
  return inputs;
}
