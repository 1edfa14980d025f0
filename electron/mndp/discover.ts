/**
 * Sends the MNDP discovery request on every LAN interface and collects the
 * replies for a bounded time, streaming each new neighbour as it arrives.
 * Everything a neighbour says came from the network: text is cleaned before
 * it is shown, and datagrams that are not MNDP are counted, never thrown.
 *
 * Requests go out from an ephemeral port per interface, which gets unicast
 * answers; answers broadcast to 5678 (and periodic announcements, MAC-Telnet
 * src/mndp.c binds 5678 for exactly that) arrive only on 5678 itself, which
 * WinBox or The Dude may hold: then the result says the port was busy.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { LanInterface, MndpNeighbour } from '../../contract/types';
import { decodeMndp, isDiscoveryRequest } from './codec';
import { MNDP_PORT, type MndpPacket } from './types';
import { cleanText as clean } from '../../contract/text';

export interface DiscoverMndpOptions {
  interfaces: Pick<LanInterface, 'name' | 'address' | 'broadcast'>[];
  seconds: number;
  /** 5678 on a real LAN; tests may use another port. */
  port?: number;
  /**
   * Where to send the request from each interface. Default: the subnet's
   * broadcast and 255.255.255.255. Tests on loopback pass unicast targets.
   */
  targets?: (iface: Pick<LanInterface, 'address' | 'broadcast'>) => string[];
  /** Also listen on the MNDP port itself for periodic announcements. */
  listenForAnnouncements?: boolean;
  signal?: AbortSignal;
  onNeighbour?: (neighbour: MndpNeighbour) => void;
}

export interface DiscoverMndpResult {
  neighbours: MndpNeighbour[];
  /** Datagrams that were not valid MNDP (too short, truncated, oversized, no MAC), or past the bound. */
  skipped: number;
  /** Another program holds UDP 5678: answers broadcast to it and announcements were not heard. */
  portBusy: boolean;
  /** Devices past MAX_NEIGHBOURS that were heard and left out (distinct MACs): the list was cut when > 0. */
  leftOut: number;
}

/** A LAN has a handful of MikroTiks; a flood of forged announcements must not grow the list without end. */
export const MAX_NEIGHBOURS = 256;

const REQUEST = new Uint8Array(4);
const RESEND_MS = 500;
/** Identities are set by whoever runs the device: no control, bidi or invisible characters reach a screen or a log. */
export function cleanText(text: string | undefined, max = 128): string | undefined {
  return text === undefined ? undefined : clean(text, max);
}

export function toNeighbour(packet: MndpPacket & { mac: string }, from: RemoteInfo, seenOn: string): MndpNeighbour {
  // The address the datagram came from is the one the router answers on; an IPv4 field that
  // names another address is kept apart, for the technician to see, never used to connect.
  const neighbour: MndpNeighbour = {
    mac: packet.mac,
    identity: cleanText(packet.identity) ?? '',
    isMikrotik: packet.platform === 'MikroTik',
    ipv4: from.address,
    seenOn,
  };
  if (packet.ipv4 !== undefined && packet.ipv4 !== from.address) neighbour.announcedIpv4 = packet.ipv4;
  const optional = {
    version: cleanText(packet.version, 64),
    platform: cleanText(packet.platform, 64),
    board: cleanText(packet.board, 64),
    interfaceName: cleanText(packet.interfaceName, 64),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (neighbour as unknown as Record<string, string>)[key] = value;
  }
  return neighbour;
}

function bind(socket: Socket, port: number, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const onError = () => resolve(false);
    socket.once('error', onError);
    socket.bind(port, address, () => {
      socket.off('error', onError);
      socket.setBroadcast(true);
      resolve(true);
    });
  });
}

export async function discoverMndp(options: DiscoverMndpOptions): Promise<DiscoverMndpResult> {
  const port = options.port ?? MNDP_PORT;
  const found = new Map<string, MndpNeighbour>();
  let skipped = 0;
  // Distinct MACs past the limit, themselves bounded: a flood counts as "at least" this many.
  const over = new Set<string>();
  const sockets: Socket[] = [];
  let portBusy = false;

  const receive = (seenOn: string) => (message: Buffer, from: RemoteInfo) => {
    // A request (ours looping back, or another asker's) is not a neighbour.
    if (isDiscoveryRequest(message)) return;
    const decoded = decodeMndp(message);
    // An answer names its MAC first (Wireshark packet-mndp.c, MAC-Telnet protocol.c): without one it is none.
    const mac = decoded.ok ? decoded.packet.mac : undefined;
    if (!decoded.ok || mac === undefined) {
      skipped += 1;
      return;
    }
    const neighbour = toNeighbour({ ...decoded.packet, mac }, from, seenOn);
    if (found.has(neighbour.mac)) return;
    if (found.size >= MAX_NEIGHBOURS) {
      skipped += 1;
      if (over.size < MAX_NEIGHBOURS * 16) over.add(neighbour.mac);
      return;
    }
    found.set(neighbour.mac, neighbour);
    options.onNeighbour?.(neighbour);
  };

  const send: Array<() => void> = [];
  for (const iface of options.interfaces) {
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    socket.on('error', () => undefined);
    socket.on('message', receive(iface.name));
    if (!(await bind(socket, 0, iface.address))) {
      socket.close();
      continue;
    }
    sockets.push(socket);
    const targets = options.targets?.(iface) ?? [iface.broadcast, '255.255.255.255'];
    send.push(() => {
      for (const target of targets) socket.send(REQUEST, port, target, () => undefined);
    });
  }
  if (options.listenForAnnouncements ?? true) {
    const listener = createSocket({ type: 'udp4', reuseAddr: true });
    listener.on('error', () => undefined);
    listener.on('message', receive('announcement'));
    // WinBox or another tool may hold the port: announcements are a bonus, replies still arrive.
    if (await bind(listener, port, '0.0.0.0')) sockets.push(listener);
    else {
      portBusy = true;
      listener.close();
    }
  }

  try {
    await new Promise<void>((resolve) => {
      const stop = () => {
        clearInterval(resend);
        clearTimeout(deadline);
        resolve();
      };
      const burst = () => send.forEach((s) => s());
      burst();
      // UDP may drop a request: ask again twice a second within the window.
      const resend = setInterval(burst, RESEND_MS);
      const deadline = setTimeout(stop, options.seconds * 1000);
      options.signal?.addEventListener('abort', stop, { once: true });
    });
  } finally {
    for (const socket of sockets) socket.close();
  }
  return { neighbours: [...found.values()], skipped, portBusy, leftOut: over.size };
}
