/** What the router planner needs: domain inputs only (site/inputs.ts maps the contract's site inputs onto them). */
import type { PortRange } from './addr';

/** Someone allowed to reach the PBX: a name for the comment, an IPv4 address or range. */
export interface Peer {
  name: string;
  address: string;
}

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

/** One secure SIP listener to forward, from the PBX's settings (electron/pbx/plan/secure-sip.ts). */
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
