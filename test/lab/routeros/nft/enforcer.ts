/**
 * Keeps the namespace's nftables in step with the model: every firewall
 * change re-renders the whole table atomically (carrying the counters over),
 * and `print` reads the real counters back.
 */
import { execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { RouterModel } from '../model/router';
import type { CounterSource } from '../runtime';
import { hotspotInterfaces } from '../model/hotspot';
import { TABLE, counterKey, renderRuleset } from './render';

const run = promisify(execFile);

const WATCHED = new Set([
  '/ip/firewall/filter',
  '/ip/firewall/nat',
  '/ip/firewall/address-list',
  '/interface/list',
  '/interface/list/member',
  '/ip/hotspot',
]);

interface NftRule {
  rule?: { comment?: string; expr?: { counter?: { packets: number; bytes: number } }[] };
}

function nftApply(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('nft', ['-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`nft -f failed (${code}): ${stderr}`))));
    child.stdin.end(script);
  });
}

/**
 * RouterOS filters bridged frames with the IP firewall only when asked:
 * `/interface bridge settings use-ip-firewall` "Force bridged traffic to also be processed by
 * prerouting, forward and postrouting sections of IP routing", default no
 * (https://help.mikrotik.com/docs/display/ROS/Bridging+and+Switching, "Bridge Settings";
 * terraform-routeros docs/resources/interface_bridge_settings.md). Linux does the opposite once
 * br_netfilter is loaded (bridge-nf-call-iptables=1, per namespace since 5.3): a hairpin packet
 * dst-natted to a host on the same bridge is then bridged back out of the port it came in on,
 * which a bridge never does, and vanishes. Turning it off in this namespace makes the LAN
 * behave as RouterOS's default: only routed traffic meets the firewall.
 */
async function routedTrafficOnly(): Promise<void> {
  for (const family of ['iptables', 'ip6tables', 'arptables']) {
    await writeFile(`/proc/sys/net/bridge/bridge-nf-call-${family}`, '0').catch(() => undefined); // no br_netfilter: nothing to undo
  }
}

export class FirewallEnforcer implements CounterSource {
  private counters = new Map<string, { packets: number; bytes: number }>();
  private chain: Promise<void> = Promise.resolve();
  /** The last nft error, if the latest render was refused. */
  lastError: string | undefined;

  constructor(private readonly model: RouterModel) {
    model.onChange((path) => {
      if (WATCHED.has(path)) this.schedule();
    });
  }

  async start(): Promise<void> {
    await routedTrafficOnly();
    this.schedule();
    await this.settled();
    if (this.lastError) throw new Error(this.lastError);
  }

  settled(): Promise<void> {
    return this.chain;
  }

  counterFor(path: string, id: number): { bytes: number; packets: number } | undefined {
    return this.counters.get(counterKey(path === '/ip/firewall/filter' ? 'filter' : 'nat', id));
  }

  private schedule(): void {
    this.chain = this.chain
      .then(() => this.render())
      .catch((e: unknown) => {
        this.lastError = String(e);
        process.stderr.write(`routeros-sim: ${this.lastError}\n`);
      });
  }

  private async render(): Promise<void> {
    await this.readCountersNow();
    const m = this.model;
    const members = new Map<string, string[]>();
    for (const item of m.items('/interface/list/member')) {
      if (item.fields.disabled === 'true') continue;
      const list = item.fields.list ?? '';
      members.set(list, [...(members.get(list) ?? []), item.fields.interface ?? '']);
    }
    const script = renderRuleset({
      filter: m.items('/ip/firewall/filter'),
      nat: m.items('/ip/firewall/nat'),
      addressLists: m.items('/ip/firewall/address-list'),
      interfaceLists: m.items('/interface/list').map((l) => l.fields.name ?? ''),
      listMembers: members,
      hotspotInterfaces: hotspotInterfaces(m),
      counters: this.counters,
    });
    await nftApply(script);
    this.lastError = undefined;
  }

  /** Reads counters after pending renders, so a print right after a change sees the new table. */
  async readCounters(): Promise<void> {
    await this.chain;
    await this.readCountersNow();
  }

  private async readCountersNow(): Promise<void> {
    let stdout: string;
    try {
      ({ stdout } = await run('nft', ['-j', 'list', 'table', 'ip', TABLE], { timeout: 10_000, maxBuffer: 32 << 20 }));
    } catch {
      return; // No table yet.
    }
    const parsed = JSON.parse(stdout) as { nftables?: NftRule[] };
    const next = new Map<string, { packets: number; bytes: number }>();
    for (const entry of parsed.nftables ?? []) {
      const comment = entry.rule?.comment;
      const counter = entry.rule?.expr?.find((e) => e.counter)?.counter;
      if (comment && counter) next.set(comment, { packets: counter.packets, bytes: counter.bytes });
    }
    this.counters = next;
  }

  async stop(): Promise<void> {
    await this.chain;
    await run('nft', ['delete', 'table', 'ip', TABLE], { timeout: 10_000 }).catch(() => undefined);
  }
}
