/** What the router planner needs from the site inputs and from the PBX. */
import type { Peer, SiteInputs } from '../../contract/schemas';
import type { PortRange } from './addr';

export interface RouterPlanInputs {
  /** The PBX's LAN address (where the forwards go). */
  pbxAddress: string;
  trunks: Peer[];
  phones: Peer[];
  /** The RTP range read from the PBX (switch.conf.xml). */
  pbxRtp: PortRange;
  /** The RTP range to forward; defaults to the PBX's and must equal it. */
  rtp?: PortRange;
  /** SIP ports of the internal (phones) and external (trunks) profiles. */
  sipPorts?: { internal: number; external: number };
  webGui?: boolean;
  hairpin?: boolean;
  allowAnySource?: boolean;
  /** The WAN address as the technician gave it (options.publicIp); used when there is no WAN list. */
  wanAddress?: string;
  /** SIP over TLS and WebRTC (WSS) listeners the PBX's profiles open: forwarded like SIP, TCP only. */
  secureSip?: SecureSipForward[];
}

/** One secure SIP listener to forward, from the PBX's settings (electron/pbx/secure-sip.ts). */
export interface SecureSipForward {
  kind: 'tls' | 'wss';
  /** Phones reach the internal profile, trunks the external one. */
  role: Role;
  port: number;
  /** The PBX setting that asks for it, e.g. "internal profile: tls=true, tls-sip-port=5061". */
  setting: string;
}

export const DEFAULT_SIP_PORTS = { internal: 5060, external: 5080 } as const;
export const WEB_PORTS = [443, 80] as const;

export const ADDRESS_LISTS = { trunks: 'fspbx-trunks', phones: 'fspbx-phones' } as const;
export type Role = keyof typeof ADDRESS_LISTS;

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
