/** Whether the router's WAN address is reachable from outside at all, and still the one the plan was made with. */
import type { SiteFacts } from '../../../contract/types';
import { isCgnat, isPrivate } from '../../lan/ipv4';
import type { Check } from './shared';

/**
 * The public address now is not the one the plan was made with (a provider's DHCP or PPPoE
 * address moved, or the WAN was re-addressed): the forwards follow an interface, but the PBX
 * still announces the old address, so calls have one-way audio until the plan is made again.
 */
export function wanMovedCheck(planned: SiteFacts, now: SiteFacts): Check | undefined {
  if (planned.publicIp === now.publicIp) return undefined;
  return {
    id: 'wan-moved',
    title: 'Public address since the plan',
    status: 'fail',
    summary: `The public address is ${now.publicIp} now; the plan was made with ${planned.publicIp}, which the PBX still announces (external_sip_ip, external_rtp_ip): calls have one-way audio.`,
    fix: `Plan and apply again so the PBX announces ${now.publicIp}.${
      planned.publicDynamic || now.publicDynamic
        ? " The provider gives this address and may change it again: see README, 'Dynamic WAN addresses'."
        : ''
    }`,
  };
}

export function wanCheck(publicIp: string): Check {
  const hidden = isPrivate(publicIp) || isCgnat(publicIp);
  return {
    id: 'wan-address',
    title: 'WAN address',
    status: hidden ? 'fail' : 'pass',
    summary: hidden
      ? `${publicIp} is private: another router (or the ISP's CGNAT) is in front, so forwards on this router alone do not reach the PBX.`
      : `${publicIp} is public.`,
    ...(hidden
      ? { fix: 'Forward the same ports on the router in front, or ask the ISP for a public address (bridge mode).' }
      : {}),
  };
}
