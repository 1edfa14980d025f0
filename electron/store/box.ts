/**
 * What identifies the router and the PBX a snapshot was taken of, and
 * whether the boxes reached now are those. Pure.
 */
import { cleanText } from '../../contract/text';
import type { PbxState } from '../pbx/model/state';
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
    box.router = {
      identity: router.identity,
      board: router.board,
      macs: [...new Set(macs)].sort(),
      ...(router.serial ? { serial: router.serial } : {}),
      ...(router.softwareId ? { softwareId: router.softwareId } : {}),
    };
  }
  if (pbx) box.pbx = { hostname: pbx.hostname, ...(pbxHostKey ? { hostKey: pbxHostKey } : {}) };
  return box;
}

type RouterBox = NonNullable<BoxIdentity['router']>;

/**
 * Whether two routers are one by what they do not broadcast: the serial number
 * (a RouterBOARD), else the licence id (a CHR or x86). Undefined when the two
 * records do not both hold one (a snapshot saved before they were recorded).
 */
function sameById(a: RouterBox, b: RouterBox): boolean | undefined {
  if (a.serial && b.serial) return a.serial === b.serial;
  // A RouterBOARD on one side and a CHR on the other are not the same box.
  if (Boolean(a.serial) !== Boolean(b.serial) && a.softwareId && b.softwareId) return false;
  if (a.softwareId && b.softwareId) return a.softwareId === b.softwareId;
  return undefined;
}

/** Same by what MNDP broadcasts anyway: a shared MAC address, or (no MACs) name and board. */
function sameByBroadcast(a: RouterBox, b: RouterBox): boolean {
  return a.macs.length > 0 && b.macs.length > 0
    ? a.macs.some((m) => b.macs.includes(m))
    : a.identity === b.identity && a.board === b.board;
}

const routerWords = (r: RouterBox): string =>
  `"${cleanText(r.identity)}" (${[cleanText(r.board), r.serial ? `serial ${cleanText(r.serial)}` : r.macs[0]]
    .filter(Boolean)
    .join(', ')})`;

/**
 * Why the boxes reached now are not those of the snapshot, one sentence per
 * box, or [] when they are the same. A router is the same when its serial
 * number (RouterBOARD) or licence id (CHR/x86) is; only a snapshot that
 * recorded neither falls back to what MNDP broadcasts (a shared MAC, or name
 * and board). A PBX is the same when its accepted host key is (or, with no
 * key on record, its host name).
 */
export function boxDifferences(then: BoxIdentity | undefined, now: BoxIdentity): string[] {
  const out: string[] = [];
  const a = then?.router;
  const b = now.router;
  if (a && b && !(sameById(a, b) ?? sameByBroadcast(a, b))) {
    out.push(`The snapshot is of router ${routerWords(a)}; this router is ${routerWords(b)}.`);
  }
  const p = then?.pbx;
  const q = now.pbx;
  if (p && q) {
    const same = p.hostKey && q.hostKey ? p.hostKey === q.hostKey : p.hostname === q.hostname;
    if (!same) {
      out.push(
        `The snapshot is of PBX "${cleanText(p.hostname)}"${p.hostKey ? ` (host key ${p.hostKey})` : ''}; this PBX is "${cleanText(q.hostname)}"${q.hostKey ? ` (host key ${q.hostKey})` : ''}.`,
      );
    }
  }
  return out;
}

/**
 * What the match rested on when the snapshot did not record what is not
 * broadcast (saved by an older version, or the router would not say): shown
 * on the rollback's review, one sentence each.
 */
export function boxNotes(then: BoxIdentity, now: BoxIdentity): string[] {
  const out: string[] = [];
  if (then.router && now.router && sameById(then.router, now.router) === undefined) {
    out.push(
      "The router's serial number (or licence id) was not recorded with this snapshot or cannot be read now: it was matched by its MAC addresses, which it broadcasts on the LAN.",
    );
  }
  if (then.pbx && now.pbx && !(then.pbx.hostKey && now.pbx.hostKey)) {
    out.push(
      "The PBX's host key was not recorded with this snapshot: it was matched by its host name, which anyone can copy.",
    );
  }
  return out;
}
