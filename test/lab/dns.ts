/**
 * The lab's DNS server: a minimal authoritative UDP responder for the carrier's names, run inside
 * a lab host (the ISP, 198.51.100.1), so the PBX resolves its gateways as it would on a real site.
 * Written from the RFCs, sharing nothing with the wizard:
 * - RFC 1035 §4.1.1 header (ID, QR, AA, RCODE 0 / 3 NXDOMAIN / 4 NOTIMP), §4.1.2 question,
 *   §4.1.3 resource record, §3.1 names as length-prefixed labels (§4.1.4 pointers accepted in
 *   questions, never written), §3.4.1 A RDATA, §3.3 <character-string>;
 * - RFC 2782 SRV RDATA: priority, weight, port (16 bits each), target (an uncompressed name);
 * - RFC 3403 §4.1 NAPTR RDATA: order, preference, flags, services, regexp (character-strings),
 *   replacement (a name).
 * Usage: node --import tsx test/lab/dns.ts --bind ADDR [--port 53]; prints READY when listening.
 */
import { createSocket } from 'node:dgram';

export interface Srv {
  priority: number;
  weight: number;
  port: number;
  target: string;
}
export interface Naptr {
  order: number;
  preference: number;
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
}
export interface ZoneEntry {
  A?: string[];
  SRV?: Srv[];
  NAPTR?: Naptr[];
}
export type Zone = Record<string, ZoneEntry>;

/** The carrier names of the lab: a NAPTR → SRV → A chain to the trunk host (SITE.trunk). */
export const LAB_CARRIER_NAME = 'sip.carrier.example';
export const LAB_ZONE: Zone = {
  [LAB_CARRIER_NAME]: {
    A: ['198.51.100.10'],
    NAPTR: [
      {
        order: 10,
        preference: 10,
        flags: 'S',
        service: 'SIP+D2U',
        regexp: '',
        replacement: '_sip._udp.sip.carrier.example',
      },
    ],
  },
  '_sip._udp.sip.carrier.example': { SRV: [{ priority: 10, weight: 10, port: 5060, target: 'edge1.carrier.example' }] },
  'edge1.carrier.example': { A: ['198.51.100.10'] },
};

const TYPE = { A: 1, SRV: 33, NAPTR: 35 } as const;
const TTL = 300;

function readName(msg: Buffer, start: number): { name: string; end: number } | undefined {
  const labels: string[] = [];
  let at = start;
  let end = -1;
  for (let hops = 0; hops < 32; hops += 1) {
    if (at >= msg.length) return undefined;
    const len = msg[at]!;
    if (len === 0) return { name: labels.join('.').toLowerCase(), end: end < 0 ? at + 1 : end };
    if ((len & 0xc0) === 0xc0) {
      if (at + 1 >= msg.length) return undefined;
      if (end < 0) end = at + 2;
      at = ((len & 0x3f) << 8) | msg[at + 1]!;
      continue;
    }
    labels.push(msg.subarray(at + 1, at + 1 + len).toString('latin1'));
    at += 1 + len;
  }
  return undefined;
}

function name(text: string): Buffer {
  const parts = text.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([
    ...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'latin1')])),
    Buffer.from([0]),
  ]);
}

const u16 = (n: number) => Buffer.from([(n >> 8) & 255, n & 255]);
const charString = (s: string) => Buffer.concat([Buffer.from([s.length]), Buffer.from(s, 'latin1')]);

function rr(owner: string, type: number, rdata: Buffer): Buffer {
  const ttl = Buffer.alloc(4);
  ttl.writeUInt32BE(TTL);
  return Buffer.concat([name(owner), u16(type), u16(1), ttl, u16(rdata.length), rdata]);
}

function answers(zone: Zone, owner: string, type: number): Buffer[] {
  const entry = zone[owner];
  if (!entry) return [];
  if (type === TYPE.A) return (entry.A ?? []).map((ip) => rr(owner, type, Buffer.from(ip.split('.').map(Number))));
  if (type === TYPE.SRV) {
    return (entry.SRV ?? []).map((s) =>
      rr(owner, type, Buffer.concat([u16(s.priority), u16(s.weight), u16(s.port), name(s.target)])),
    );
  }
  if (type === TYPE.NAPTR) {
    return (entry.NAPTR ?? []).map((n) =>
      rr(
        owner,
        type,
        Buffer.concat([
          u16(n.order),
          u16(n.preference),
          charString(n.flags),
          charString(n.service),
          charString(n.regexp),
          name(n.replacement),
        ]),
      ),
    );
  }
  return [];
}

/** The reply to one query message, or undefined for something that is not a query. */
export function reply(zone: Zone, query: Buffer): Buffer | undefined {
  if (query.length < 12 || (query[2]! & 0x80) !== 0) return undefined;
  const qdcount = query.readUInt16BE(4);
  const opcode = (query[2]! >> 3) & 0x0f;
  const q = qdcount === 1 ? readName(query, 12) : undefined;
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  // QR=1, opcode copied, AA=1, RD copied; RA=0 (no recursion here).
  header[2] = 0x80 | (opcode << 3) | 0x04 | (query[2]! & 0x01);
  if (opcode !== 0 || !q || q.end + 4 > query.length) {
    header[3] = 4;
    return header;
  }
  const qtype = query.readUInt16BE(q.end);
  const question = query.subarray(12, q.end + 4);
  const found = answers(zone, q.name, qtype);
  header[3] = zone[q.name] ? 0 : 3;
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(found.length, 6);
  return Buffer.concat([header, question, ...found]);
}

function main(): void {
  const args = process.argv.slice(2);
  const arg = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const bind = arg('--bind') ?? '127.0.0.1';
  const port = Number(arg('--port') ?? 53);
  const socket = createSocket('udp4');
  socket.on('message', (msg, from) => {
    const out = reply(LAB_ZONE, msg);
    if (out) socket.send(out, from.port, from.address);
  });
  socket.on('error', (e) => {
    console.error(e);
    process.exit(1);
  });
  socket.bind(port, bind, () => console.log(`READY ${bind}:${port}`));
  process.on('SIGTERM', () => socket.close(() => process.exit(0)));
}

if (require.main === module) main();
