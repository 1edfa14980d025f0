/**
 * Pure MNDP decoder (the wizard listens; it never announces). It never throws: malformed, truncated
 * or oversized datagrams come back as a value saying why, and unknown TLV
 * types are skipped. Strings are decoded as UTF-8 with replacement
 * characters; the caller decides how to display them.
 */
import { MNDP_TLV, type MndpDecodeResult, type MndpPacket } from './types';

/** No real MNDP packet comes close; anything larger is refused rather than parsed. */
export const MAX_MNDP_PACKET = 1500;
const HEADER = 4;

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * A discovery request: the bare 4-byte header, all zero (MAC-Telnet src/mndp.c sends an
 * `unsigned int` 0), or the same padded with an empty TLV to 8 bytes as other askers send it
 * (Wireshark packet-mndp.c `test_mndp` accepts 8 bytes as the least MNDP). Never a neighbour.
 */
export function isDiscoveryRequest(bytes: Uint8Array): boolean {
  return (bytes.length === 4 || bytes.length === 8) && bytes.every((b) => b === 0);
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

function ipv6Text(v: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((v[i]! << 8) | v[i + 1]!).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best === -1) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

const FIXED_LENGTH: Partial<Record<number, number>> = {
  [MNDP_TLV.mac]: 6,
  [MNDP_TLV.uptime]: 4,
  [MNDP_TLV.ipv4]: 4,
  [MNDP_TLV.ipv6]: 16,
  [MNDP_TLV.unpack]: 1,
};

export function decodeMndp(bytes: Uint8Array): MndpDecodeResult {
  if (bytes.length < HEADER) return { ok: false, reason: 'too_short', detail: `${bytes.length} bytes` };
  if (bytes.length > MAX_MNDP_PACKET) return { ok: false, reason: 'too_long', detail: `${bytes.length} bytes` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const packet: MndpPacket = { header: view.getUint16(0), sequence: view.getUint16(2), unknownTypes: [] };
  let offset = HEADER;
  while (offset < bytes.length) {
    if (offset + 4 > bytes.length) {
      return { ok: false, reason: 'truncated_tlv', detail: `TLV header at ${offset} cut short` };
    }
    const type = view.getUint16(offset);
    const length = view.getUint16(offset + 2);
    const start = offset + 4;
    const end = start + length;
    if (end > bytes.length) {
      return { ok: false, reason: 'truncated_tlv', detail: `TLV type ${type} wants ${length} bytes at ${start}` };
    }
    const value = bytes.subarray(start, end);
    const fixed = FIXED_LENGTH[type];
    offset = end;
    if (fixed !== undefined && length !== fixed) {
      // The TLV framing still holds: only this field is unusable.
      (packet.badFields ??= []).push(type);
      continue;
    }
    switch (type) {
      case MNDP_TLV.mac:
        packet.mac = [...value].map(hex2).join(':');
        break;
      case MNDP_TLV.identity:
        packet.identity = utf8.decode(value);
        break;
      case MNDP_TLV.version:
        packet.version = utf8.decode(value);
        break;
      case MNDP_TLV.platform:
        packet.platform = utf8.decode(value);
        break;
      case MNDP_TLV.uptime:
        packet.uptimeSeconds = new DataView(value.buffer, value.byteOffset, 4).getUint32(0, true);
        break;
      case MNDP_TLV.softwareId:
        packet.softwareId = utf8.decode(value);
        break;
      case MNDP_TLV.board:
        packet.board = utf8.decode(value);
        break;
      case MNDP_TLV.unpack:
        packet.unpack = value[0]!;
        break;
      case MNDP_TLV.ipv6:
        packet.ipv6 = ipv6Text(value);
        break;
      case MNDP_TLV.interfaceName:
        packet.interfaceName = utf8.decode(value);
        break;
      case MNDP_TLV.ipv4:
        packet.ipv4 = [...value].join('.');
        break;
      default:
        packet.unknownTypes.push(type);
    }
  }
  return { ok: true, packet };
}
