/**
 * Pure MNDP encoder/decoder. The decoder never throws: malformed, truncated
 * or oversized datagrams come back as a value saying why, and unknown TLV
 * types are skipped. Strings are decoded as UTF-8 with replacement
 * characters; the caller decides how to display them.
 */
import { MNDP_TLV, type MndpDecodeResult, type MndpPacket, type MndpPacketInput } from './types';

/** No real MNDP packet comes close; anything larger is refused rather than parsed. */
export const MAX_MNDP_PACKET = 1500;
const HEADER = 4;

const utf8 = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();

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

function tlv(type: number, value: Uint8Array): Uint8Array {
  if (value.length > 0xffff) throw new RangeError(`MNDP TLV ${type} too long`);
  const out = new Uint8Array(4 + value.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, type);
  view.setUint16(2, value.length);
  out.set(value, 4);
  return out;
}

function parseMac(mac: string): Uint8Array {
  const parts = mac.split(/[:-]/);
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) throw new RangeError(`bad MAC ${mac}`);
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

function parseIpv4(ip: string): Uint8Array {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new RangeError(`bad IPv4 ${ip}`);
  }
  return Uint8Array.from(parts.map(Number));
}

/**
 * Builds an MNDP datagram in RouterOS's TLV order. Throws RangeError on a
 * malformed MAC/IPv4 or a packet over MAX_MNDP_PACKET: encoding is done by
 * our own code from checked data, so that is a programming error.
 */
export function encodeMndp(input: MndpPacketInput): Uint8Array {
  const parts: Uint8Array[] = [];
  const head = new Uint8Array(HEADER);
  new DataView(head.buffer).setUint16(0, input.header ?? 0);
  new DataView(head.buffer).setUint16(2, input.sequence ?? 0);
  parts.push(head);
  const text = (type: number, s: string | undefined) => {
    if (s !== undefined) parts.push(tlv(type, encoder.encode(s)));
  };
  if (input.mac !== undefined) parts.push(tlv(MNDP_TLV.mac, parseMac(input.mac)));
  text(MNDP_TLV.identity, input.identity);
  text(MNDP_TLV.version, input.version);
  text(MNDP_TLV.platform, input.platform);
  if (input.uptimeSeconds !== undefined) {
    const v = new Uint8Array(4);
    new DataView(v.buffer).setUint32(0, input.uptimeSeconds >>> 0, true);
    parts.push(tlv(MNDP_TLV.uptime, v));
  }
  text(MNDP_TLV.softwareId, input.softwareId);
  text(MNDP_TLV.board, input.board);
  if (input.unpack !== undefined) parts.push(tlv(MNDP_TLV.unpack, Uint8Array.of(input.unpack & 0xff)));
  text(MNDP_TLV.interfaceName, input.interfaceName);
  if (input.ipv4 !== undefined) parts.push(tlv(MNDP_TLV.ipv4, parseIpv4(input.ipv4)));
  const total = parts.reduce((n, p) => n + p.length, 0);
  if (total > MAX_MNDP_PACKET) throw new RangeError(`MNDP packet of ${total} bytes exceeds ${MAX_MNDP_PACKET}`);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
