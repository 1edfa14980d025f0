/**
 * The default IPv4 route of this laptop. Linux reads /proc/net/route; other
 * platforms answer undefined for now and the LAN guess falls back to the
 * interfaces alone.
 */
import { readFile } from 'node:fs/promises';
import { fromInt } from './ipv4';

export interface DefaultRoute {
  gateway: string;
  interface: string;
  metric: number;
}

/** /proc/net/route stores addresses as little-endian hex. */
function hexToAddress(hex: string): string {
  const value = Number.parseInt(hex, 16) >>> 0;
  const bytes = [value & 255, (value >>> 8) & 255, (value >>> 16) & 255, (value >>> 24) & 255];
  return fromInt(((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0);
}

const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;

export function parseProcNetRoute(text: string): DefaultRoute | undefined {
  const routes: DefaultRoute[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 8) continue;
    const [iface, destination, gateway, flags, , , metric, mask] = cols;
    if (destination !== '00000000' || mask !== '00000000') continue;
    const f = Number.parseInt(flags!, 16);
    if (!(f & RTF_UP) || !(f & RTF_GATEWAY)) continue;
    routes.push({ interface: iface!, gateway: hexToAddress(gateway!), metric: Number(metric) || 0 });
  }
  routes.sort((a, b) => a.metric - b.metric);
  return routes[0];
}

export async function readDefaultRoute(
  platform: NodeJS.Platform = process.platform,
): Promise<DefaultRoute | undefined> {
  if (platform !== 'linux') return undefined;
  try {
    return parseProcNetRoute(await readFile('/proc/net/route', 'utf8'));
  } catch {
    return undefined;
  }
}
