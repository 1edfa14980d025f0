/** Each registering trunk gateway's Contact against the public address. */
import { isPrivate } from '../../lan/ipv4';
import { parseGatewayDetail } from '../../pbx/parse/gateways';
import type { PbxState } from '../../pbx/model/state';
import type { Check } from './shared';

/**
 * Each registering gateway's Contact against the public address. FreeSWITCH builds the
 * Contact once, from the profile's ext-sip-ip, when it loads the gateway (sofia.c:4133-4197)
 * and a rescan keeps a loaded gateway (sofia.c:3783-3789): a trunk can register with the LAN
 * address while the profile already shows the public one, and a provider that routes by
 * Contact then sends its calls nowhere. `details` maps gateway name → `sofia status gateway <name>`.
 * Gateways registering to a private address (a LAN registrar) are not judged.
 */
export function gatewayContactChecks(
  state: PbxState,
  details: ReadonlyMap<string, string | undefined>,
  publicIp: string,
  /** FS PBX's gateway names by uuid (pbx/read/gateway-names.ts): the title says "Lab Trunk", not the uuid. */
  names?: ReadonlyMap<string, string>,
): Check[] {
  const checks: Check[] = [];
  for (const profile of state.running ?? []) {
    for (const gateway of profile.gateways ?? []) {
      if (gateway.state === 'NOREG') continue;
      const text = details.get(gateway.name);
      const detail = text === undefined ? undefined : parseGatewayDetail(text);
      const base = {
        id: `gateway-contact-${gateway.name}`,
        title: `Trunk gateway ${names?.get(gateway.name.toLowerCase()) ?? gateway.name} Contact`,
      };
      if (!detail) {
        checks.push({
          ...base,
          status: 'warn',
          summary: 'FreeSWITCH did not say which Contact this gateway registers with.',
        });
        continue;
      }
      const proxyHost = detail.proxy.replace(/^sips?:/i, '').split(/[:;]/)[0] ?? '';
      if (isPrivate(proxyHost)) continue;
      const ok = detail.contactHost === publicIp.toLowerCase();
      checks.push({
        ...base,
        status: ok ? 'pass' : 'fail',
        summary: ok
          ? `Registers with Contact ${detail.contact}.`
          : `Registers with Contact ${detail.contact}, not the public address ${publicIp}: a provider that sends calls to the Contact cannot reach the PBX.`,
        ...(ok
          ? {}
          : {
              fix: `On the PBX run fs_cli -x "sofia profile ${profile.name} killgw ${gateway.name}" and then fs_cli -x "sofia profile ${profile.name} rescan": the gateway is loaded again with the profile's ext-sip-ip, and no call drops.`,
            }),
      });
    }
  }
  return checks;
}
