/**
 * What RouterOS does to the firewall while a HotSpot server is enabled: dynamic rules at the top
 * of the filter that send unauthenticated clients' traffic to the `hs-unauth` chains. The rules
 * and their order are those a real router prints (https://pastebin.com/VrQrgW3L, a RouterOS
 * `/ip firewall filter print` with a HotSpot: "0 D chain=forward action=jump jump-target=hs-unauth
 * hotspot=from-client,!auth" … "10 D chain=hs-unauth-to action=reject
 * reject-with=icmp-host-prohibited"); the `hotspot=` matcher is explained in
 * https://forum.mikrotik.com/t/a-little-question-about-firewall-rules-to-hotspot/34467. The
 * matching NAT rules (the captive portal's redirects) are left out: the lab has no HotSpot
 * clients, and they only ever match `hotspot=from-client`.
 */
import type { RouterModel } from './router';

const FILTER = '/ip/firewall/filter';

const HOTSPOT_RULES: readonly Record<string, string>[] = [
  { chain: 'forward', action: 'jump', 'jump-target': 'hs-unauth', hotspot: 'from-client,!auth' },
  { chain: 'forward', action: 'jump', 'jump-target': 'hs-unauth-to', hotspot: 'to-client,!auth' },
  { chain: 'input', action: 'jump', 'jump-target': 'hs-input', hotspot: 'from-client' },
  { chain: 'input', action: 'drop', protocol: 'tcp', 'dst-port': '64872-64875', hotspot: '!from-client' },
  { chain: 'hs-input', action: 'jump', 'jump-target': 'pre-hs-input' },
  { chain: 'hs-input', action: 'accept', protocol: 'udp', 'dst-port': '64872' },
  { chain: 'hs-input', action: 'accept', protocol: 'tcp', 'dst-port': '64872-64875' },
  { chain: 'hs-input', action: 'jump', 'jump-target': 'hs-unauth', hotspot: '!auth' },
  { chain: 'hs-unauth', action: 'reject', 'reject-with': 'tcp-reset', protocol: 'tcp' },
  { chain: 'hs-unauth', action: 'reject', 'reject-with': 'icmp-net-prohibited' },
  { chain: 'hs-unauth-to', action: 'reject', 'reject-with': 'icmp-host-prohibited' },
];

const isHotspotRule = (f: Readonly<Record<string, string>>): boolean =>
  HOTSPOT_RULES.some((r) => Object.entries(r).every(([k, value]) => f[k] === value));

/** The interfaces enabled HotSpot servers run on. */
export function hotspotInterfaces(model: RouterModel): string[] {
  return model
    .items('/ip/hotspot')
    .filter((s) => s.fields.disabled !== 'true' && s.fields.interface !== undefined)
    .map((s) => s.fields.interface!);
}

/** Keeps the dynamic HotSpot rules present exactly while some HotSpot server is enabled. */
export function followHotspots(model: RouterModel): void {
  const sync = () => {
    const wanted = hotspotInterfaces(model).length > 0;
    const present = model.items(FILTER).some((i) => i.fields.dynamic === 'true' && isHotspotRule(i.fields));
    if (wanted && !present) {
      // addDynamic puts each before the first static rule: adding in order keeps their order.
      for (const rule of HOTSPOT_RULES) model.addDynamic(FILTER, { ...rule, disabled: 'false', log: 'false' });
    } else if (!wanted && present) {
      model.removeDynamic(FILTER, isHotspotRule);
    }
  };
  model.onChange((path) => {
    if (path === '/ip/hotspot') sync();
  });
  sync();
}
