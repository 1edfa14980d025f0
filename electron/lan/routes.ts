/**
 * The default IPv4 route of this laptop: Linux reads /proc/net/route, macOS
 * asks `netstat -rn -f inet`, Windows `route print -4`. Parsers are pure; when
 * a platform tool fails, the LAN guess falls back to the interfaces alone.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fromInt } from './ipv4';

export interface DefaultRoute {
  gateway: string;
  /** The interface name (Linux, macOS) or the interface's own address (Windows). */
  interface: string;
  metric: number;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

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

/** `netstat -rn -f inet` on macOS: the `default` line, its gateway and its Netif column. */
export function parseNetstatRoutes(text: string): DefaultRoute | undefined {
  let netif = -1;
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols[0] === 'Destination') netif = cols.indexOf('Netif');
    if (cols[0] !== 'default' || !IPV4.test(cols[1] ?? '')) continue;
    const iface = netif > 0 ? cols[netif] : cols[3];
    if (iface) return { gateway: cols[1]!, interface: iface, metric: 0 };
  }
  return undefined;
}

/**
 * `route print -4` on Windows (any language): rows of destination, netmask,
 * gateway, interface address and metric; the default is 0.0.0.0/0.0.0.0.
 */
export function parseRoutePrint(text: string): DefaultRoute | undefined {
  const routes: DefaultRoute[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length !== 5 || cols[0] !== '0.0.0.0' || cols[1] !== '0.0.0.0') continue;
    if (!IPV4.test(cols[2]!) || !IPV4.test(cols[3]!)) continue;
    routes.push({ gateway: cols[2]!, interface: cols[3]!, metric: Number(cols[4]) || 0 });
  }
  routes.sort((a, b) => a.metric - b.metric);
  return routes[0];
}

function output(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 3000, windowsHide: true }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
}

export async function readDefaultRoute(
  platform: NodeJS.Platform = process.platform,
): Promise<DefaultRoute | undefined> {
  try {
    if (platform === 'linux') return parseProcNetRoute(await readFile('/proc/net/route', 'utf8'));
    if (platform === 'darwin') return parseNetstatRoutes(await output('netstat', ['-rn', '-f', 'inet']));
    if (platform === 'win32') return parseRoutePrint(await output('route', ['print', '-4']));
  } catch {
    // No route tool, or it failed: the interfaces alone decide.
  }
  return undefined;
}
