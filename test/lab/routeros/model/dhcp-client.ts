/**
 * `/ip/dhcp-client` on the WAN port, the way most small sites get their public address: the
 * lease shows in /ip/address as a dynamic address (flag D) on the client's interface, and
 * `renew`/`release` ask the provider again, who may hand out another address
 * (https://help.mikrotik.com/docs/display/ROS/DHCP, "DHCP Client": "renew — Renew current leases.
 * If the renew operation was not successful, client tries to reinitialize lease", "release —
 * Release current binding and restart DHCP client"; the address it gets is added dynamically).
 * The lab's provider first gives the address the port already had, then the next free address of
 * its subnet on each renew. Inside the router namespace the real address follows (`ip address`),
 * so traffic to the old address stops reaching the router, as on a real site.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { formatIpv4, parsePrefix } from './values';
import type { Actor, Op, RouterModel } from './router';

const run = promisify(execFile);
const CLIENTS = '/ip/dhcp-client';
const ADDRESSES = '/ip/address';

interface Lease {
  /** `203.0.113.2/24` */
  cidr: string;
  /** The static row the client replaced, put back when the client goes. */
  replaced: Record<string, string> | undefined;
}

export class DhcpClients {
  private readonly leases = new Map<string, Lease>();
  private syncing = false;

  constructor(
    private readonly model: RouterModel,
    /** Change the namespace's real address too (the simulator runs inside the router namespace). */
    private readonly inNamespace: boolean,
  ) {
    model.onChange((path) => {
      if (path === CLIENTS) void this.sync();
    });
  }

  /**
   * The new address goes on before the old one goes, promoted to primary, so the subnet's route
   * and the default route through it stay (deleting a subnet's only address drops both).
   */
  private async setReal(iface: string, from: string | undefined, to: string | undefined): Promise<void> {
    if (!this.inNamespace || from === to) return;
    await writeFile(`/proc/sys/net/ipv4/conf/${iface.replace(/[^\w.-]/g, '')}/promote_secondaries`, '1').catch(
      () => undefined,
    );
    if (to) await run('ip', ['address', 'add', to, 'dev', iface]);
    if (from) await run('ip', ['address', 'del', from, 'dev', iface]).catch(() => undefined);
  }

  private showLease(iface: string, cidr: string): void {
    this.model.removeDynamic(ADDRESSES, (f) => f.interface === iface);
    this.model.addDynamic(ADDRESSES, { address: cidr, interface: iface, disabled: 'false' });
  }

  private async sync(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      const up = new Set(
        this.model
          .items(CLIENTS)
          .filter((c) => c.fields.disabled !== 'true')
          .map((c) => c.fields.interface ?? ''),
      );
      for (const iface of up) {
        if (this.leases.has(iface)) continue;
        const fixed = this.model
          .items(ADDRESSES)
          .find((a) => a.fields.interface === iface && a.fields.dynamic !== 'true');
        if (!fixed?.fields.address) continue; // the lab's provider only re-leases the address a port had
        this.leases.set(iface, { cidr: fixed.fields.address, replaced: { ...fixed.fields } });
        this.model.removeFixedRows(ADDRESSES, (f) => f === fixed.fields);
        this.showLease(iface, fixed.fields.address);
      }
      for (const [iface, lease] of [...this.leases]) {
        if (up.has(iface)) continue;
        this.leases.delete(iface);
        this.model.removeDynamic(ADDRESSES, (f) => f.interface === iface);
        if (lease.replaced) this.model.addFixedRow(ADDRESSES, lease.replaced);
        await this.setReal(iface, lease.cidr, lease.replaced?.address);
      }
    } finally {
      this.syncing = false;
    }
  }

  /** `renew`/`release`: the provider hands out the next free address of the subnet. */
  async renew(ref: string, actor: Actor): Promise<Op<void>> {
    if (!actor.policies.has('write')) return { ok: false, trap: { message: 'not enough permissions (9)' } };
    const found = this.model.resolve(CLIENTS, ref);
    if (!found.ok) return found;
    for (const client of found.value) {
      const iface = client.fields.interface ?? '';
      const lease = this.leases.get(iface);
      const p = lease ? parsePrefix(lease.cidr) : undefined;
      if (!lease || !p) continue;
      const taken = new Set(this.model.items(ADDRESSES).map((a) => (a.fields.address ?? '').split('/')[0]));
      let next = p.address;
      for (let i = 0; i < 16 && taken.has(formatIpv4(next)); i++) next = (next + 1) >>> 0;
      const cidr = `${formatIpv4(next)}/${p.length}`;
      await this.setReal(iface, lease.cidr, cidr);
      lease.cidr = cidr;
      this.showLease(iface, cidr);
    }
    return { ok: true, value: undefined };
  }
}
