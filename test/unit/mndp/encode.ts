/**
 * A test tool, not the product: the wizard only decodes MNDP (it listens; routers announce). This
 * builds datagrams for the decoder's tests from the public description of the format (Wireshark
 * epan/dissectors/packet-mndp.c: a 2-byte header and 2-byte sequence, then TLVs of 2-byte type
 * and 2-byte length, big-endian; uptime a 4-byte little-endian counter), in RouterOS's TLV order.
 */
import type { MndpPacket } from '../../../electron/mndp/types';

/** The fields to send; every one is optional, so a test can leave out the MAC and the like. */
export type MndpFields = Partial<Omit<MndpPacket, 'unknownTypes' | 'badFields' | 'ipv6'>>;

const TYPE = {
  mac: 1,
  identity: 5,
  version: 7,
  platform: 8,
  uptime: 10,
  softwareId: 11,
  board: 12,
  unpack: 14,
  interfaceName: 16,
  ipv4: 17,
} as const;

function tlv(type: number, value: Uint8Array): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value]);
}

/** One datagram as a router announces itself. */
export function encodeMndp(fields: MndpFields): Uint8Array {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(fields.header ?? 0, 0);
  head.writeUInt16BE(fields.sequence ?? 0, 2);
  const parts: Buffer[] = [head];
  const text = (type: number, value: string | undefined) => {
    if (value !== undefined) parts.push(tlv(type, Buffer.from(value, 'utf8')));
  };
  if (fields.mac !== undefined)
    parts.push(tlv(TYPE.mac, Buffer.from(fields.mac.split(/[:-]/).map((h) => parseInt(h, 16)))));
  text(TYPE.identity, fields.identity);
  text(TYPE.version, fields.version);
  text(TYPE.platform, fields.platform);
  if (fields.uptimeSeconds !== undefined) {
    const uptime = Buffer.alloc(4);
    uptime.writeUInt32LE(fields.uptimeSeconds >>> 0, 0);
    parts.push(tlv(TYPE.uptime, uptime));
  }
  text(TYPE.softwareId, fields.softwareId);
  text(TYPE.board, fields.board);
  if (fields.unpack !== undefined) parts.push(tlv(TYPE.unpack, Buffer.of(fields.unpack & 0xff)));
  text(TYPE.interfaceName, fields.interfaceName);
  if (fields.ipv4 !== undefined) parts.push(tlv(TYPE.ipv4, Buffer.from(fields.ipv4.split('.').map(Number))));
  return new Uint8Array(Buffer.concat(parts));
}
