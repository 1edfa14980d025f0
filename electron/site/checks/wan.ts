/** Whether the router's WAN address is reachable from outside at all. */
import { isCgnat, isPrivate } from '../../lan/ipv4';
import type { Check } from './shared';

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
