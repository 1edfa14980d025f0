/** MNDP (MikroTik Neighbor Discovery Protocol) packet contents, as decoded from one UDP datagram. */

export const MNDP_PORT = 5678;

/** TLV type numbers (see docs/reference/routeros.md). */
export const MNDP_TLV = {
  mac: 1,
  identity: 5,
  version: 7,
  platform: 8,
  uptime: 10,
  softwareId: 11,
  board: 12,
  unpack: 14,
  ipv6: 15,
  interfaceName: 16,
  ipv4: 17,
} as const;

export interface MndpPacket {
  /** The two leading bytes (tshark: "Header Unknown"). */
  header: number;
  sequence: number;
  /** `aa:bb:cc:dd:ee:ff`, lowercase. */
  mac?: string;
  identity?: string;
  version?: string;
  platform?: string;
  uptimeSeconds?: number;
  softwareId?: string;
  board?: string;
  unpack?: number;
  ipv6?: string;
  interfaceName?: string;
  ipv4?: string;
  /** TLV types present but not understood (skipped, kept for diagnostics). */
  unknownTypes: number[];
  /** Known TLV types whose length was wrong: the field was dropped, the rest of the packet kept. */
  badFields?: number[];
}

export type MndpDecodeFailure = 'too_short' | 'too_long' | 'truncated_tlv';

export type MndpDecodeResult =
  { ok: true; packet: MndpPacket } | { ok: false; reason: MndpDecodeFailure; detail: string };
