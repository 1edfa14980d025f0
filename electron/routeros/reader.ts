/**
 * Reads what the planner needs from a live router, every menu in one
 * pipelined batch, and whether this account may write at all.
 */
import { Failure } from '../../contract/errors';
import { isHostname } from '../../contract/ipv4';
import { isOwned } from './change';
import type { RouterConnection, Row } from './connection';
import { REVERT_NAME, REVERT_POLICIES } from './revert';
import { STATUS_MENUS } from './menus';
import { MENUS, type MenuKey, type RosItem, type RouterState } from './state';

function items(rows: Row[]): RosItem[] {
  return rows.filter((r) => typeof r['.id'] === 'string') as RosItem[];
}

/** The wizard's own scripts and schedulers: its revert job, or anything carrying its tag. */
function ownedJob(item: RosItem): boolean {
  return item.name === REVERT_NAME || item.name?.startsWith('fspbx-nat') === true || isOwned(item);
}

/** Bytes from the router shown as text: UTF-8 when they are (the console's and SSH's way), else one char per byte. */
export function displayText(raw: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(raw, 'latin1'));
  } catch {
    return raw;
  }
}

export async function readRouterState(conn: RouterConnection): Promise<RouterState> {
  const keys = Object.keys(MENUS) as MenuKey[];
  const [identity, resource, cloud, routerboard, license, hotspots, routes, ...menus] = await Promise.all([
    conn.command('/system/identity/print'),
    conn.command('/system/resource/print'),
    conn.command('/ip/cloud/print').catch(() => [] as Row[]),
    // What binds a snapshot to this router (store/box.ts); an account that may not read them leaves them out.
    conn.command('/system/routerboard/print').catch(() => [] as Row[]),
    conn.command('/system/license/print').catch(() => [] as Row[]),
    // A router without the HotSpot menu (a trap) simply has no HotSpot.
    conn.command(`${STATUS_MENUS.hotspots}/print`).catch(() => [] as Row[]),
    // Which interface leads to the Internet: a PPPoE client outside the WAN list is found here.
    conn.command(`${STATUS_MENUS.routes}/print`, ['?dst-address=0.0.0.0/0']).catch(() => [] as Row[]),
    ...keys.map((key) => conn.command(`${MENUS[key]}/print`)),
  ]);
  const byKey = Object.fromEntries(keys.map((key, i) => [key, items(menus[i] ?? [])])) as Record<MenuKey, RosItem[]>;
  const state: RouterState = {
    identity: displayText(identity?.[0]?.name ?? ''),
    version: resource?.[0]?.version ?? '',
    board: resource?.[0]?.['board-name'] ?? '',
    ...byKey,
    scripts: byKey.scripts.filter(ownedJob),
    schedulers: byKey.schedulers.filter(ownedJob),
  };
  const servers = items(hotspots ?? []);
  if (servers.length > 0) state.hotspots = servers;
  const defaults = items(routes ?? []);
  if (defaults.length > 0) state.routes = defaults;
  const publicAddress = cloud?.[0]?.['public-address'];
  if (publicAddress) state.cloudPublicAddress = publicAddress;
  // Shown to the technician as advice: a name the router prints that is not a host name is left out.
  const dnsName = cloud?.[0]?.['dns-name'];
  if (dnsName && isHostname(dnsName)) state.cloudDnsName = dnsName;
  const board = routerboard?.[0];
  // A CHR or x86 prints routerboard=false and no serial (help.mikrotik.com "RouterBOARD").
  const serial = board && board.routerboard !== 'false' && board.routerboard !== 'no' ? board['serial-number'] : '';
  if (serial) state.serial = serial;
  // RouterBOARD and x86 print software-id; a CHR prints system-id (help.mikrotik.com "Licenses").
  const softwareId = license?.[0]?.['software-id'] || license?.[0]?.['system-id'];
  if (softwareId) state.softwareId = softwareId;
  return state;
}

/**
 * The policies of `needed` a group's policy list lacks. RouterOS policies are a comma list; a
 * `!` prefix means the right is withheld; `write` does not include `read`
 * (https://manual.mikrotik.com/docs/cli-reference/user/group.md).
 */
export function missingPolicies(policy: string | undefined, needed: readonly string[]): string[] {
  const held = new Set((policy ?? '').split(',').map((p) => p.trim()));
  return needed.filter((p) => !held.has(p));
}

/** Whether an account may make the change: 'unknown' when the router does not say. */
export type WriteAccess = 'yes' | 'no' | 'unknown';

/**
 * One round trip: the user, its active sessions and every group are asked for together (a
 * router has a handful of groups). An account the router authenticates over RADIUS has no
 * `/user` row; its session's group is in `/user/active` (flag R radius; read-only `group`:
 * https://manual.mikrotik.com/docs/cli-reference/user, "user/active"). When neither names a
 * group the answer is 'unknown', never a guess of "read-only".
 */
export async function writeAccess(conn: RouterConnection, username: string): Promise<WriteAccess> {
  const asked = await Promise.all([
    conn.command('/user/print', [`?name=${username}`]),
    conn.command('/user/group/print'),
    conn.command(`${STATUS_MENUS.activeUsers}/print`, [`?name=${username}`]).catch(() => [] as Row[]),
  ]).catch((caught: unknown) => {
    // An account without "read" may not even see its own group: it cannot make the change either.
    if (caught instanceof Failure && caught.error.code === 'permission_denied') return undefined;
    throw caught;
  });
  if (!asked) return 'no';
  const [users, groups, sessions] = asked;
  const group = users[0]?.group ?? sessions.find((s) => s.group)?.group;
  if (!group) return 'unknown';
  const policy = groups.find((g) => g.name === group)?.policy;
  if (policy === undefined) return 'unknown';
  // What the change and its automatic revert job need (revert.ts): the job carries these policies.
  return missingPolicies(policy, REVERT_POLICIES).length === 0 ? 'yes' : 'no';
}

/** True unless the router says this account cannot make the change (an unknown account may try). */
export async function canWrite(conn: RouterConnection, username: string): Promise<boolean> {
  return (await writeAccess(conn, username)) !== 'no';
}
