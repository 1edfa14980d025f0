/**
 * Reads and removes the router's connection-tracking entries the forwards' changes concern
 * (conntrack.ts says which). `/ip/firewall/connection` lists the table and `remove` takes entries
 * by `.id` (https://help.mikrotik.com/docs/display/ROS/Connection+tracking); an entry may end on
 * its own between the print and the remove, which is no failure.
 */
import { Failure } from '../../contract/errors';
import type { RouterConnection } from './connection';
import { bypassesForward, entryMatches, expandNamedSources, namedSources, type ConntrackTarget } from './conntrack';
import { MENUS, STATUS_MENUS } from './menus';
import type { RosItem } from './state';

const CONNECTIONS = STATUS_MENUS.connections;
const FIELDS = '.id,protocol,src-address,dst-address,reply-src-address,reply-dst-address';

async function entries(conn: RouterConnection, targets: readonly ConntrackTarget[]): Promise<RosItem[]> {
  const protocols = [...new Set(targets.map((t) => t.protocol))];
  const rows = await conn.command(`${CONNECTIONS}/print`, [`=.proplist=${FIELDS}`]);
  return rows.filter((r): r is RosItem => typeof r['.id'] === 'string' && protocols.includes(r.protocol ?? ''));
}

export interface ConntrackCleared {
  /** False when the router's table could not be read or changed (the forwards stay applied). */
  cleared: boolean;
  /** Entries removed. */
  removed: number;
  /** What was asked, for the journal. */
  summary: string;
}

/** How often, and how far apart, the address lists are read for names the router has just been given. */
const NAME_READS = 8;
const NAME_READ_GAP_MS = 250;

/**
 * Names among the sources, as the addresses the router resolved them to. RouterOS resolves a name
 * after its entry is added, so the lists are read again (bounded, about 2 s) until each name whose
 * entry is there has an address; a name still without one clears nothing.
 */
async function withNamesResolved(
  conn: RouterConnection,
  targets: readonly ConntrackTarget[],
): Promise<readonly ConntrackTarget[]> {
  const names = namedSources(targets);
  if (names.length === 0) return targets;
  let items: RosItem[] = [];
  for (let read = 0; read < NAME_READS; read += 1) {
    if (read > 0) await new Promise((r) => setTimeout(r, NAME_READ_GAP_MS));
    const rows = await conn.command(`${MENUS.addressLists}/print`, ['=.proplist=.id,address,comment,dynamic']);
    items = rows.filter((r): r is RosItem => typeof r['.id'] === 'string');
    // Wait only for a name whose entry is there (after an apply); a rollback has just removed its own.
    const waiting = names.filter(
      (name) =>
        items.some((i) => i.dynamic !== 'true' && i.address?.toLowerCase() === name) &&
        expandNamedSources([{ protocol: '', ports: '', sources: [name] }], items)[0]!.sources.length === 0,
    );
    if (waiting.length === 0) break;
  }
  return expandNamedSources(targets, items);
}

/** Removes every entry under `targets`; returns how many went. */
export async function clearConntrack(
  conn: RouterConnection,
  targets: readonly ConntrackTarget[],
): Promise<ConntrackCleared> {
  if (targets.length === 0) return { cleared: true, removed: 0, summary: 'nothing to clear' };
  const resolved = await withNamesResolved(conn, targets);
  const doomed = (await entries(conn, resolved)).filter((e) => entryMatches(e, resolved));
  let removed = 0;
  for (const entry of doomed) {
    try {
      await conn.command(`${CONNECTIONS}/remove`, [`=.id=${entry['.id']}`]);
      removed += 1;
    } catch (caught) {
      // Gone by itself since the print (it timed out): what the remove wanted anyway.
      if (caught instanceof Failure && /no such item/i.test(caught.error.detail ?? caught.error.message)) continue;
      throw caught;
    }
  }
  return {
    cleared: true,
    removed,
    summary: `removed ${removed} connection-tracking entr${removed === 1 ? 'y' : 'ies'}`,
  };
}

/** Entries under `targets` that bypass the forward (their replies do not come from the PBX). */
export async function staleConntrack(
  conn: RouterConnection,
  targets: readonly ConntrackTarget[],
  pbxAddress: string,
): Promise<RosItem[]> {
  if (targets.length === 0) return [];
  return (await entries(conn, targets)).filter((e) => bypassesForward(e, targets, pbxAddress));
}
