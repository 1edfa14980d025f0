/**
 * The simulator's own MNDP encoder, written from the public descriptions of the
 * protocol, not from the wizard's codec (the lab must not share the wizard's beliefs):
 * - Wireshark epan/dissectors/packet-mndp.c: 2-byte header + 2-byte sequence, then
 *   TLVs of 2-byte type and 2-byte length, big-endian; uptime is a 4-byte
 *   little-endian counter; type numbers 1 MAC, 5 identity, 7 version, 8 platform,
 *   10 uptime, 11 software-id, 12 board, 14 unpack, 16 interface name, 17 IPv4.
 * - MAC-Telnet src/protocol.c (mndp_add_attribute / parse_mndp): the same layout, and
 *   a discovery request that is the bare 4-byte header, all zero (mndp.c sends it).
 */

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

export interface Announcement {
  sequence: number;
  mac: string;
  identity: string;
  version: string;
  platform: string;
  uptimeSeconds: number;
  softwareId: string;
  board: string;
  unpack: number;
  interfaceName: string;
  ipv4: string;
}

function attribute(type: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value]);
}

/** One announcement/answer datagram as a RouterOS router sends it. */
export function announcement(a: Announcement): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(a.sequence & 0xffff, 2);
  const uptime = Buffer.alloc(4);
  uptime.writeUInt32LE(a.uptimeSeconds >>> 0, 0);
  return Buffer.concat([
    header,
    attribute(TYPE.mac, Buffer.from(a.mac.split(/[:-]/).map((h) => parseInt(h, 16)))),
    attribute(TYPE.identity, Buffer.from(a.identity, 'latin1')),
    attribute(TYPE.version, Buffer.from(a.version, 'utf8')),
    attribute(TYPE.platform, Buffer.from(a.platform, 'utf8')),
    attribute(TYPE.uptime, uptime),
    attribute(TYPE.softwareId, Buffer.from(a.softwareId, 'utf8')),
    attribute(TYPE.board, Buffer.from(a.board, 'utf8')),
    attribute(TYPE.unpack, Buffer.of(a.unpack & 0xff)),
    attribute(TYPE.interfaceName, Buffer.from(a.interfaceName, 'utf8')),
    attribute(TYPE.ipv4, Buffer.from(a.ipv4.split('.').map(Number))),
  ]);
}

/** MAC-Telnet's mndp sends the bare 4-byte header as its request; anything else is not one. */
export function isRequest(datagram: Buffer): boolean {
  return datagram.length === 4 && datagram.every((b) => b === 0);
}
