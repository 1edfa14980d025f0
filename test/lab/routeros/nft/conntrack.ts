/**
 * `/ip/firewall/connection` backed by the router namespace's real connection table: a print
 * lists the kernel's entries (read from /proc/net/nf_conntrack, the namespace's own), a remove
 * deletes the kernel's entry with `conntrack -D` (Debian package conntrack). What RouterOS prints
 * per entry (RouterOS v3.0 manual, "Connection Tracking", menu /ip firewall connection:
 * "src-address (read-only: IP address:port)", "dst-address … the destination address and port
 * the connection is established to", "reply-src-address", "reply-dst-address", "timeout",
 * "tcp-state", "assured … whether reply was seen"; RouterOS 7 adds the srcnat/dstnat flags:
 * https://help.mikrotik.com/docs/display/ROS/Connection+tracking). `.id`s are stable per
 * connection (a hash of its original direction), so a print's ids still name the same entries
 * at the remove.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { RouterModel, StoredItem } from '../model/router';

const run = promisify(execFile);
const CONNECTIONS = '/ip/firewall/connection';

interface Tuple {
  protocol: string;
  src: string;
  dst: string;
  sport: string;
  dport: string;
}

export interface KernelEntry {
  orig: Tuple;
  reply: Omit<Tuple, 'protocol'>;
  timeoutSeconds: number;
  tcpState?: string;
  assured: boolean;
  unreplied: boolean;
}

/** One /proc/net/nf_conntrack line: `ipv4 2 udp 17 28 src=… dst=… sport=… dport=… [UNREPLIED] src=… …`. */
export function parseConntrackLine(line: string): KernelEntry | undefined {
  const words = line.trim().split(/\s+/);
  if (words[0] !== 'ipv4' || words.length < 6) return undefined;
  const protocol = words[2]!;
  const timeoutSeconds = Number(words[4]);
  const pairs: [string, string][] = [];
  let tcpState: string | undefined;
  for (const word of words.slice(5)) {
    const eq = word.indexOf('=');
    if (eq > 0) pairs.push([word.slice(0, eq), word.slice(eq + 1)]);
    else if (pairs.length === 0 && /^[A-Z_]+$/.test(word)) tcpState = word.toLowerCase().replace(/_/g, '-');
  }
  const side = (n: number) => {
    const pick = (k: string) => pairs.filter(([key]) => key === k)[n]?.[1] ?? '';
    return { src: pick('src'), dst: pick('dst'), sport: pick('sport'), dport: pick('dport') };
  };
  const orig = side(0);
  if (!orig.src || !orig.dst) return undefined;
  return {
    orig: { protocol, ...orig },
    reply: side(1),
    timeoutSeconds,
    ...(tcpState ? { tcpState } : {}),
    assured: line.includes('[ASSURED]'),
    unreplied: line.includes('[UNREPLIED]'),
  };
}

const at = (address: string, port: string): string => (port ? `${address}:${port}` : address);

function idOf(t: Tuple): number {
  const h = createHash('sha1').update(`${t.protocol} ${t.src} ${t.sport} ${t.dst} ${t.dport}`).digest();
  return h.readUInt32BE(0) & 0x7fffffff;
}

export function printedFields(e: KernelEntry): Record<string, string> {
  return {
    protocol: e.orig.protocol,
    'src-address': at(e.orig.src, e.orig.sport),
    'dst-address': at(e.orig.dst, e.orig.dport),
    'reply-src-address': at(e.reply.src, e.reply.sport),
    'reply-dst-address': at(e.reply.dst, e.reply.dport),
    timeout: `${e.timeoutSeconds}s`,
    ...(e.tcpState ? { 'tcp-state': e.tcpState } : {}),
    'seen-reply': e.unreplied ? 'false' : 'true',
    assured: e.assured ? 'true' : 'false',
    srcnat: e.reply.dst !== e.orig.src ? 'true' : 'false',
    dstnat: e.reply.src !== e.orig.dst ? 'true' : 'false',
  };
}

export class ConntrackTable {
  private shown = new Map<number, Tuple>();
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly model: RouterModel) {
    model.onChange((path) => {
      if (path === CONNECTIONS) this.pending = this.pending.then(() => this.deleteRemoved());
    });
  }

  /** Replaces the menu's rows with the kernel's entries (not a configuration change: no listeners). */
  async refresh(): Promise<void> {
    await this.pending;
    const text = await readFile('/proc/net/nf_conntrack', 'utf8').catch(() => '');
    const items: StoredItem[] = [];
    const shown = new Map<number, Tuple>();
    for (const line of text.split('\n')) {
      const entry = parseConntrackLine(line);
      if (!entry) continue;
      const id = idOf(entry.orig);
      if (shown.has(id)) continue;
      shown.set(id, entry.orig);
      items.push({ id, fields: printedFields(entry) });
    }
    const menu = this.model.menus.get(CONNECTIONS);
    if (menu) menu.items = items;
    this.shown = shown;
  }

  /** The rows a remove took out of the menu leave the kernel too. */
  private async deleteRemoved(): Promise<void> {
    const left = new Set(this.model.items(CONNECTIONS).map((i) => i.id));
    for (const [id, t] of this.shown) {
      if (left.has(id)) continue;
      this.shown.delete(id);
      const ports = t.sport && t.dport ? ['--orig-port-src', t.sport, '--orig-port-dst', t.dport] : [];
      // Already gone (timed out) is fine: conntrack exits non-zero when nothing matched.
      await run('conntrack', ['-D', '-p', t.protocol, '-s', t.src, '-d', t.dst, ...ports], { timeout: 10_000 }).catch(
        () => undefined,
      );
    }
  }

  /** Waits for deletions started by a remove (the API answers before the kernel is asked). */
  settled(): Promise<void> {
    return this.pending;
  }
}
