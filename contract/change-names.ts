/**
 * A change named the way the technician knows it: the WinBox menu it sits in
 * (IP › Firewall › NAT) and the FS PBX menu (Advanced › Variables ›
 * external_rtp_ip), grouped by what it is for (address lists, forwards,
 * accepts, hairpin, SIP helper; profiles, variables, extensions). The review,
 * the report and the CLI all name changes through here. Pure.
 */
import type { Change, Target } from './types';

export type ChangeGroupId =
  | 'address-lists'
  | 'forwards'
  | 'accepts'
  | 'hairpin'
  | 'sip-helper'
  | 'router-other'
  | 'profiles'
  | 'variables'
  | 'extensions'
  | 'pbx-other';

export interface ChangeGroupInfo {
  id: ChangeGroupId;
  target: Target;
  /** The group's title in the technician's words. */
  title: string;
  /** Where it is in WinBox or FS PBX. */
  menu: string;
  /** Why the wizard touches this group, said once for all its entries. */
  why: string;
}

/** Display order: the router's groups, then the PBX's. */
export const CHANGE_GROUPS: readonly ChangeGroupInfo[] = [
  {
    id: 'address-lists',
    target: 'router',
    title: 'Address lists',
    menu: 'IP › Firewall › Address Lists',
    why: 'Only the addresses on these lists are let through to the PBX: the SIP trunk providers and remote phones of step 4.',
  },
  {
    id: 'forwards',
    target: 'router',
    title: 'Port forwards',
    menu: 'IP › Firewall › NAT',
    why: 'SIP and the RTP (audio) ports are forwarded from the public address to the PBX, for the listed addresses only.',
  },
  {
    id: 'accepts',
    target: 'router',
    title: 'Firewall accepts',
    menu: 'IP › Firewall › Filter Rules',
    why: "The router's own filter would drop the forwarded traffic; each accept goes just before the rule that drops it.",
  },
  {
    id: 'hairpin',
    target: 'router',
    title: 'Hairpin NAT',
    menu: 'IP › Firewall › NAT',
    why: 'LAN phones that dial the public address reach the PBX, and its replies come back through the router.',
  },
  {
    id: 'sip-helper',
    target: 'router',
    title: 'SIP helper',
    menu: 'IP › Firewall › Service Ports › sip',
    why: 'The SIP helper (SIP ALG) rewrites SIP messages and causes one-way audio and lost registrations: it is turned off.',
  },
  {
    id: 'router-other',
    target: 'router',
    title: 'Other router entries',
    menu: 'System',
    why: 'Entries the wizard keeps for its own undo.',
  },
  {
    id: 'profiles',
    target: 'pbx',
    title: 'SIP profiles',
    menu: 'Advanced › SIP Profiles',
    why: 'The external profile tells callers outside the public address, and which networks are the LAN.',
  },
  {
    id: 'variables',
    target: 'pbx',
    title: 'Variables',
    menu: 'Advanced › Variables',
    why: 'external_sip_ip and external_rtp_ip are the addresses FreeSWITCH puts in SIP and SDP for callers outside.',
  },
  {
    id: 'extensions',
    target: 'pbx',
    title: 'Extensions',
    menu: 'Accounts › Extensions',
    why: 'Bypass media sends audio phone to phone, which breaks behind NAT: these extensions move off it.',
  },
  {
    id: 'pbx-other',
    target: 'pbx',
    title: 'Other PBX rows',
    menu: 'FS PBX',
    why: 'Rows the wizard restores or keeps for the NAT settings.',
  },
];

const GROUP_BY_ID = new Map(CHANGE_GROUPS.map((g) => [g.id, g]));

export function groupInfo(id: ChangeGroupId): ChangeGroupInfo {
  return GROUP_BY_ID.get(id)!;
}

/** The fields that say what the entry is: the new ones for an add or set, the old ones for a remove. */
function fieldsOf(change: Change): Record<string, string | null> {
  return { ...(change.before ?? {}), ...(change.after ?? {}) };
}

function field(fields: Record<string, string | null>, key: string): string | undefined {
  const v = fields[key];
  return v === null || v === undefined || v === '' ? undefined : v;
}

export function groupOf(change: Change): ChangeGroupId {
  const f = fieldsOf(change);
  switch (change.path) {
    case '/ip/firewall/address-list':
      return 'address-lists';
    case '/ip/firewall/filter':
      return 'accepts';
    case '/ip/firewall/service-port':
      return 'sip-helper';
    case '/ip/firewall/nat':
      // A forward lets a listed peer in; a dst-nat for the LAN, or any src-nat, is the hairpin.
      return field(f, 'action') === 'dst-nat' && field(f, 'src-address-list') !== undefined ? 'forwards' : 'hairpin';
    case 'v_sip_profile_settings':
      return 'profiles';
    case 'v_vars':
      return 'variables';
    case 'v_extensions':
      return 'extensions';
    default:
      return change.target === 'router' ? 'router-other' : 'pbx-other';
  }
}

const upper = (v: string | undefined): string => (v ?? '').toUpperCase();

/** Protocol and port: "UDP 5060", "TCP" when no port is matched. */
function ports(f: Record<string, string | null>): string {
  return [upper(field(f, 'protocol')), field(f, 'dst-port')].filter(Boolean).join(' ');
}

/** The entry itself, in the words WinBox or FS PBX show it ("UDP 5060 from fspbx-trunks → 192.168.88.10"). */
export function entryName(change: Change): string {
  const f = fieldsOf(change);
  switch (groupOf(change)) {
    case 'address-lists':
      return [field(f, 'list'), field(f, 'address')].filter(Boolean).join(' › ') || 'entry';
    case 'forwards': {
      const to = [field(f, 'to-addresses'), field(f, 'to-ports')].filter(Boolean).join(':');
      return `${ports(f) || 'all'} from ${field(f, 'src-address-list') ?? ''}${to ? ` → ${to}` : ''}`;
    }
    case 'accepts':
      return `Accept ${ports(f) || 'all'}${field(f, 'dst-address') ? ` to ${field(f, 'dst-address')}` : ''}`;
    case 'hairpin': {
      const action = field(f, 'action') ?? 'rule';
      const from = field(f, 'src-address') ?? field(f, 'src-address-list');
      return `${action} ${ports(f)}${from ? ` from ${from}` : ''}`.replace(/\s+/g, ' ').trim();
    }
    case 'sip-helper':
      return field(change.after ?? {}, 'disabled') === 'true' ? 'sip: disabled' : 'sip';
    case 'profiles':
      return change.label ?? field(f, 'sip_profile_setting_name') ?? 'setting';
    case 'variables':
      return change.label ?? field(f, 'var_name') ?? 'variable';
    case 'extensions':
      return `${change.label ?? field(f, 'extension') ?? 'extension'} › Bypass Media`;
    default:
      return field(f, 'name') ?? field(f, 'comment') ?? change.path;
  }
}

/** The whole path as the technician would click it: "IP › Firewall › NAT › UDP 5060 from …". */
export function changeName(change: Change): string {
  const group = groupInfo(groupOf(change));
  if (group.id === 'sip-helper') return group.menu;
  return `${group.menu} › ${entryName(change)}`;
}

const VERB: Record<Change['action'], string> = { add: 'Add', set: 'Change', remove: 'Remove' };

/** "Add", "Change", "Remove": the action as a word. */
export function actionWord(change: Change): string {
  return VERB[change.action];
}

export interface ChangeGroup extends ChangeGroupInfo {
  changes: Change[];
}

/** The plan's changes in their groups, in display order; groups with no change are left out. */
export function groupChanges(changes: readonly Change[]): ChangeGroup[] {
  return CHANGE_GROUPS.map((g) => ({ ...g, changes: changes.filter((c) => groupOf(c) === g.id) })).filter(
    (g) => g.changes.length > 0,
  );
}

/** Who a router plan lets in: each address-list entry's list and address. */
export function openedTo(changes: readonly Change[]): { list: string; address: string }[] {
  return changes.flatMap((c) => {
    if (groupOf(c) !== 'address-lists' || c.action !== 'add' || !c.after) return [];
    const list = field(c.after, 'list');
    const address = field(c.after, 'address');
    return list && address ? [{ list, address }] : [];
  });
}

/** The ports forwarded: "UDP 5060, TCP 5060, UDP 16384-32768". */
export function forwardedPorts(changes: readonly Change[]): string[] {
  const seen = new Set<string>();
  for (const c of changes) {
    if (groupOf(c) === 'forwards' && c.action !== 'remove') {
      const p = ports(fieldsOf(c));
      if (p) seen.add(p);
    }
  }
  return [...seen];
}
