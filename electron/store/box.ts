/**
 * What identifies the router and the PBX a snapshot was taken of, and
 * whether the boxes reached now are those. Pure.
 */
import type { PbxState } from '../pbx/state';
import type { RouterState } from '../routeros/state';
import type { BoxIdentity } from './schemas';

const MAC = /^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/;

/** The router's name, board and own MACs; the PBX's host name and accepted host key. */
export function boxOf(router: RouterState | undefined, pbx: PbxState | undefined, pbxHostKey?: string): BoxIdentity {
  const box: BoxIdentity = {};
  if (router) {
    const macs = router.interfaces
      .filter((i) => i.dynamic !== 'true')
      .map((i) => (i['mac-address'] ?? '').toUpperCase())
      .filter((m) => MAC.test(m) && m !== '00:00:00:00:00:00');
    box.router = { identity: router.identity, board: router.board, macs: [...new Set(macs)].sort() };
  }
  if (pbx) box.pbx = { hostname: pbx.hostname, ...(pbxHostKey ? { hostKey: pbxHostKey } : {}) };
  return box;
}

/**
 * Why the boxes reached now are not those of the snapshot, one sentence per
 * box, or [] when they are the same. A router is the same when it shares a
 * MAC address with the snapshot's (or, with no MACs on either side, has the
 * same name and board); a PBX when its host key is the same (or, with no key
 * on record, its host name).
 */
export function boxDifferences(then: BoxIdentity | undefined, now: BoxIdentity): string[] {
  const out: string[] = [];
  const a = then?.router;
  const b = now.router;
  if (a && b) {
    const shared = a.macs.some((m) => b.macs.includes(m));
    const same = a.macs.length > 0 && b.macs.length > 0 ? shared : a.identity === b.identity && a.board === b.board;
    if (!same) {
      out.push(
        `The snapshot is of router "${a.identity}" (${a.board}${a.macs[0] ? `, ${a.macs[0]}` : ''}); this router is "${b.identity}" (${b.board}${b.macs[0] ? `, ${b.macs[0]}` : ''}).`,
      );
    }
  }
  const p = then?.pbx;
  const q = now.pbx;
  if (p && q) {
    const same = p.hostKey && q.hostKey ? p.hostKey === q.hostKey : p.hostname === q.hostname;
    if (!same) {
      out.push(
        `The snapshot is of PBX "${p.hostname}"${p.hostKey ? ` (host key ${p.hostKey})` : ''}; this PBX is "${q.hostname}"${q.hostKey ? ` (host key ${q.hostKey})` : ''}.`,
      );
    }
  }
  return out;
}
