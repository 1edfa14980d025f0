/**
 * The router's MNDP speaker: answers a discovery request (4 zero bytes) at
 * once, and announces itself every interval to a broadcast address (only
 * ever inside the lab's namespaces). Whether a given RouterOS answers by
 * unicast to the asker's port or by broadcast to 5678 is not stated in any
 * public source (MAC-Telnet's mndp listens on 5678 for both, src/mndp.c:84-100),
 * so the simulator can do either.
 */
import { createSocket, type Socket } from 'node:dgram';
import { announcement, isRequest } from './packet';
import { macOf } from '../runtime';

export interface MndpInfo {
  identity: string;
  version: string;
  board: string;
  uptimeSeconds: number;
  interfaceName: string;
  ipv4: string;
}

export interface MndpResponderOptions {
  port: number;
  /** Address to bind; 0.0.0.0 receives broadcasts. */
  bindAddress?: string;
  /** Broadcast (or unicast) destination of the periodic announcement; none when undefined. */
  announceTo: string | undefined;
  intervalMs: number;
  lanInterface: string;
  info: () => MndpInfo;
  /** 'unicast' (default): to the asker's address and port; 'broadcast': to `broadcastTo`:`port`. */
  answerBy?: 'unicast' | 'broadcast';
  /** Where broadcast answers go; default the announcement target, else 255.255.255.255. */
  broadcastTo?: string;
}

export interface MndpResponder {
  port: number;
  /** Datagrams sent so far (answers and announcements). */
  sent(): number;
  close(): Promise<void>;
}

/** An identity longer than this is cut (at a UTF-8 boundary) so the datagram stays well-formed. */
const MAX_IDENTITY_BYTES = 1024;

function truncateUtf8(s: string, max: number): string {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length <= max) return s;
  return new TextDecoder().decode(bytes.subarray(0, max)).replace(/\uFFFD+$/, '');
}

export function startMndpResponder(o: MndpResponderOptions): Promise<MndpResponder> {
  const socket: Socket = createSocket({ type: 'udp4', reuseAddr: true });
  let sequence = 0;
  let sent = 0;
  const mac = macOf(o.lanInterface);
  const packet = (): Buffer => {
    const i = o.info();
    return announcement({
      sequence: sequence++ & 0xffff,
      mac,
      identity: truncateUtf8(i.identity, MAX_IDENTITY_BYTES),
      version: i.version,
      platform: 'MikroTik',
      uptimeSeconds: i.uptimeSeconds,
      softwareId: 'SIM0-0001',
      board: i.board,
      // Wireshark packet-mndp.c names only 1 ("None"): what RouterOS sends.
      unpack: 1,
      interfaceName: i.interfaceName,
      ipv4: i.ipv4,
    });
  };
  const send = (to: string, port: number) => {
    socket.send(packet(), port, to, (err) => {
      if (!err) sent++;
    });
  };
  socket.on('message', (msg, rinfo) => {
    if (!isRequest(msg)) return;
    if (o.answerBy === 'broadcast') send(o.broadcastTo ?? o.announceTo ?? '255.255.255.255', o.port);
    else send(rinfo.address, rinfo.port);
  });
  socket.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(o.port, o.bindAddress ?? '0.0.0.0', () => {
      socket.off('error', reject);
      socket.setBroadcast(true);
      let timer: NodeJS.Timeout | undefined;
      if (o.announceTo) {
        const target = o.announceTo;
        send(target, o.port);
        timer = setInterval(() => send(target, o.port), o.intervalMs);
        timer.unref();
      }
      resolve({
        port: socket.address().port,
        sent: () => sent,
        close: () =>
          new Promise<void>((r) => {
            if (timer) clearInterval(timer);
            socket.close(() => r());
          }),
      });
    });
  });
}
