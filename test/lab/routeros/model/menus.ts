/**
 * The menus the simulator serves. Parameter NAMES come from Ansible's
 * community.routeros tables (loaded at set-up); this file only adds what those
 * tables cannot say: value types, defaults, read-only properties, uniqueness.
 * Menus Ansible does not describe (read-only status menus, /interface, /user)
 * are marked `source: 'simulator'`.
 */
import type { AnsibleSchema } from '../schema/ansible';
import * as v from './values';
import { type Check } from './values';
import { SITE_MENU_SPECS } from './site-menus';

export type MenuKind = 'list' | 'fixed' | 'single' | 'readonly';

export interface MenuSpec {
  path: string;
  kind: MenuKind;
  source: 'ansible' | 'simulator';
  /** Parameter names when the source is the simulator itself. */
  ownFields?: readonly string[];
  /** Parameters RouterOS takes that Ansible's table leaves out (noted per menu). */
  extraFields?: readonly string[];
  checks?: Readonly<Record<string, Check>>;
  /** Values an `add` fills in when the parameter is not given. */
  defaults?: Readonly<Record<string, string>>;
  required?: readonly string[];
  /** Printed but never settable. */
  readOnly?: readonly string[];
  /** Accepted and stored but never printed (passwords). */
  hidden?: readonly string[];
  /** Field tuples that must not repeat, and the trap RouterOS gives when they do. */
  unique?: readonly { fields: readonly string[]; message: string }[];
  /** Policy a user needs to change this menu. */
  writePolicy?: 'write' | 'policy';
  /** Items can be named in `numbers`/`.id` by this field. */
  nameField?: string;
  /** Order of properties in print output (others follow alphabetically). */
  printOrder?: readonly string[];
}

export interface MenuDef extends Required<Omit<MenuSpec, 'ownFields' | 'extraFields' | 'nameField'>> {
  nameField: string | undefined;
  /** Every settable parameter name. */
  fields: ReadonlySet<string>;
}

const firewallChecks: Record<string, Check> = {
  chain: v.itemName,
  protocol: v.protocol,
  'src-address': v.addressMatch,
  'dst-address': v.addressMatch,
  'src-port': v.ports,
  'dst-port': v.ports,
  port: v.ports,
  'in-interface': v.interfaceName,
  'out-interface': v.interfaceName,
  'in-interface-list': v.interfaceListName,
  'out-interface-list': v.interfaceListName,
  'connection-state': v.setOf(['established', 'related', 'new', 'invalid', 'untracked'], true),
  'connection-nat-state': v.setOf(['srcnat', 'dstnat'], true),
  'src-address-type': v.setOf(
    ['unicast', 'local', 'broadcast', 'multicast', 'blackhole', 'prohibit', 'unreachable'],
    true,
  ),
  'dst-address-type': v.setOf(
    ['unicast', 'local', 'broadcast', 'multicast', 'blackhole', 'prohibit', 'unreachable'],
    true,
  ),
  'to-addresses': v.addressOrRange,
  'to-ports': v.portOrRange,
  log: v.bool,
  disabled: v.bool,
  'hw-offload': v.bool,
  'ipsec-policy': v.oneOf(['in,ipsec', 'in,none', 'out,ipsec', 'out,none']),
};

const FILTER_ACTIONS = [
  'accept',
  'add-dst-to-address-list',
  'add-src-to-address-list',
  'drop',
  'fasttrack-connection',
  'jump',
  'log',
  'passthrough',
  'reject',
  'return',
  'tarpit',
];
const NAT_ACTIONS = [
  'accept',
  'add-dst-to-address-list',
  'add-src-to-address-list',
  'dst-nat',
  'endpoint-independent-nat',
  'jump',
  'log',
  'masquerade',
  'netmap',
  'passthrough',
  'redirect',
  'return',
  'same',
  'src-nat',
];

const firewallCommon = {
  kind: 'list' as const,
  source: 'ansible' as const,
  defaults: { action: 'accept', log: 'false', 'log-prefix': '', disabled: 'false' },
  required: ['chain'],
  readOnly: ['bytes', 'packets', 'invalid', 'dynamic'],
  printOrder: ['.id', 'chain', 'action'],
};

export const MENU_SPECS: readonly MenuSpec[] = [
  { path: '/system/identity', kind: 'single', source: 'ansible', checks: { name: v.itemName } },
  {
    // The simulator's clock is UTC: other zones are refused rather than silently ignored.
    path: '/system/clock',
    kind: 'single',
    source: 'ansible',
    checks: { 'time-zone-autodetect': v.bool, 'time-zone-name': v.oneOf(['manual', 'UTC', 'Etc/UTC']) },
    readOnly: ['time', 'date', 'gmt-offset', 'dst-active'],
  },
  {
    path: '/system/resource',
    kind: 'readonly',
    source: 'simulator',
    readOnly: [
      'uptime',
      'version',
      'build-time',
      'factory-software',
      'free-memory',
      'total-memory',
      'cpu',
      'cpu-count',
      'cpu-frequency',
      'cpu-load',
      'free-hdd-space',
      'total-hdd-space',
      'architecture-name',
      'board-name',
      'platform',
    ],
  },
  {
    path: '/system/routerboard',
    kind: 'readonly',
    source: 'simulator',
    readOnly: [
      'routerboard',
      'board-name',
      'model',
      'serial-number',
      'firmware-type',
      'factory-firmware',
      'current-firmware',
      'upgrade-firmware',
    ],
  },
  {
    // help.mikrotik.com/docs/spaces/ROS/pages/328149/RouterOS+license+keys ("Licenses"): a RouterBOARD or x86
    // install prints its software-id and level; a CHR prints system-id, level and its renewal times.
    path: '/system/license',
    kind: 'readonly',
    source: 'simulator',
    readOnly: ['software-id', 'nlevel', 'features', 'system-id', 'level', 'next-renewal-at', 'deadline-at'],
  },
  {
    path: '/interface',
    kind: 'fixed',
    source: 'simulator',
    ownFields: ['name', 'comment', 'disabled', 'mtu', 'l2mtu'],
    checks: { name: v.itemName, disabled: v.bool, mtu: v.integer(64, 65535), l2mtu: v.integer(64, 65535) },
    readOnly: [
      'default-name',
      'type',
      'actual-mtu',
      'mac-address',
      'running',
      'dynamic',
      'slave',
      'last-link-up-time',
      'link-downs',
      'rx-byte',
      'tx-byte',
    ],
    nameField: 'name',
    printOrder: ['.id', 'name', 'default-name', 'type'],
  },
  {
    path: '/interface/list',
    kind: 'list',
    source: 'ansible',
    checks: { name: v.itemName },
    required: ['name'],
    readOnly: ['builtin', 'dynamic'],
    unique: [{ fields: ['name'], message: 'failure: list with such name already exists' }],
    nameField: 'name',
  },
  {
    path: '/interface/list/member',
    kind: 'list',
    source: 'ansible',
    checks: { list: v.interfaceListName, interface: v.interfaceName, disabled: v.bool },
    defaults: { disabled: 'false' },
    required: ['list', 'interface'],
    readOnly: ['dynamic'],
    unique: [{ fields: ['list', 'interface'], message: 'failure: already have such entry' }],
  },
  {
    path: '/ip/address',
    kind: 'list',
    source: 'ansible',
    checks: { address: v.interfaceAddress, interface: v.interfaceName, disabled: v.bool, network: v.ipv4 },
    defaults: { disabled: 'false' },
    required: ['address', 'interface'],
    readOnly: ['actual-interface', 'invalid', 'dynamic'],
    unique: [{ fields: ['address', 'interface'], message: 'failure: already have such address' }],
  },
  {
    path: '/ip/route',
    kind: 'list',
    source: 'ansible',
    checks: { 'dst-address': v.addressMatch, disabled: v.bool, distance: v.integer(1, 255) },
    defaults: { 'dst-address': '0.0.0.0/0', distance: '1', 'routing-table': 'main', disabled: 'false' },
    readOnly: ['dynamic', 'active', 'static', 'connect', 'inactive', 'immediate-gw'],
  },
  {
    path: '/ip/cloud',
    kind: 'single',
    source: 'ansible',
    checks: { 'ddns-enabled': v.oneOf(['yes', 'no', 'auto', 'true', 'false']), 'update-time': v.bool },
    readOnly: ['public-address', 'status', 'dns-name'],
  },
  {
    path: '/ip/service',
    kind: 'fixed',
    source: 'ansible',
    checks: { port: v.integer(1, 65535), disabled: v.bool },
    readOnly: ['invalid', 'dynamic', 'proto', 'vrf'],
    nameField: 'name',
  },
  {
    // https://help.mikrotik.com/docs/display/ROS/Certificates: templates are added, then `sign`ed
    // (self-signed without ca=); days-valid defaults to 365, key-size to 2048, key-usage includes
    // tls-server. fingerprint, private-key and the validity dates are the router's, never set.
    path: '/certificate',
    kind: 'list',
    source: 'simulator',
    ownFields: [
      'name',
      'common-name',
      'subject-alt-name',
      'country',
      'state',
      'locality',
      'organization',
      'unit',
      'days-valid',
      'key-size',
      'key-usage',
      'trusted',
    ],
    checks: { name: v.itemName, 'days-valid': v.integer(1, 36500), trusted: v.bool },
    defaults: {
      'days-valid': '365',
      'key-size': '2048',
      'key-usage': 'digital-signature,key-encipherment,data-encipherment,key-cert-sign,crl-sign,tls-server,tls-client',
      trusted: 'false',
    },
    required: ['name', 'common-name'],
    readOnly: ['fingerprint', 'private-key', 'invalid-before', 'invalid-after', 'serial-number', 'issuer'],
    unique: [{ fields: ['name'], message: 'failure: certificate with the same name already exists' }],
    nameField: 'name',
    printOrder: ['.id', 'name', 'common-name'],
  },
  {
    ...firewallCommon,
    path: '/ip/firewall/filter',
    checks: { ...firewallChecks, action: v.oneOf(FILTER_ACTIONS) },
  },
  {
    ...firewallCommon,
    path: '/ip/firewall/nat',
    checks: { ...firewallChecks, action: v.oneOf(NAT_ACTIONS) },
  },
  {
    path: '/ip/firewall/address-list',
    kind: 'list',
    source: 'ansible',
    // RouterOS also takes `timeout` (dynamic entries); Ansible models static entries only.
    extraFields: ['timeout'],
    checks: { address: v.addressListEntry, list: v.itemName, disabled: v.bool, timeout: v.duration },
    defaults: { disabled: 'false' },
    required: ['list', 'address'],
    readOnly: ['creation-time', 'dynamic'],
    unique: [{ fields: ['list', 'address'], message: 'failure: already have such entry' }],
    printOrder: ['.id', 'list', 'address'],
  },
  {
    path: '/ip/firewall/service-port',
    kind: 'fixed',
    source: 'ansible',
    checks: { disabled: v.bool, ports: v.ports, 'sip-direct-media': v.bool, 'sip-timeout': v.duration },
    readOnly: ['invalid', 'dynamic'],
    nameField: 'name',
  },
  {
    path: '/ip/firewall/connection/tracking',
    kind: 'single',
    source: 'ansible',
    checks: Object.fromEntries(
      [
        'generic-timeout',
        'icmp-timeout',
        'tcp-close-timeout',
        'tcp-close-wait-timeout',
        'tcp-established-timeout',
        'tcp-fin-wait-timeout',
        'tcp-last-ack-timeout',
        'tcp-max-retrans-timeout',
        'tcp-syn-received-timeout',
        'tcp-syn-sent-timeout',
        'tcp-time-wait-timeout',
        'tcp-unacked-timeout',
        'udp-stream-timeout',
        'udp-timeout',
      ].map((f) => [f, v.duration] as const),
    ),
    readOnly: ['active-ipv4', 'active-ipv6', 'total-entries', 'max-entries'],
  },
  {
    path: '/system/script',
    kind: 'list',
    source: 'ansible',
    checks: { name: v.itemName, 'dont-require-permissions': v.bool },
    defaults: {
      policy: 'ftp,reboot,read,write,policy,test,password,sniff,sensitive,romon',
      'dont-require-permissions': 'false',
      source: '',
    },
    readOnly: ['last-started', 'run-count', 'invalid'],
    unique: [{ fields: ['name'], message: 'failure: already have script with such name' }],
    nameField: 'name',
    printOrder: ['.id', 'name', 'owner', 'policy'],
  },
  {
    path: '/system/scheduler',
    kind: 'list',
    source: 'ansible',
    checks: {
      name: v.itemName,
      disabled: v.bool,
      interval: v.duration,
      'start-time': v.timeOfDay,
      'start-date': v.date,
    },
    defaults: {
      interval: '0s',
      disabled: 'false',
      'on-event': '',
      policy: 'ftp,reboot,read,write,policy,test,password,sniff,sensitive,romon',
    },
    readOnly: ['owner', 'run-count', 'next-run'],
    unique: [{ fields: ['name'], message: 'failure: already have scheduler with such name' }],
    nameField: 'name',
    printOrder: ['.id', 'name', 'start-date', 'start-time', 'interval', 'on-event'],
  },
  {
    path: '/user',
    kind: 'list',
    source: 'simulator',
    ownFields: ['name', 'group', 'password', 'address', 'comment', 'disabled'],
    checks: { name: v.itemName, group: v.groupName, disabled: v.bool },
    defaults: { address: '', disabled: 'false' },
    required: ['name', 'group'],
    hidden: ['password'],
    readOnly: ['last-logged-in', 'expired'],
    unique: [{ fields: ['name'], message: 'failure: user with the same name already exists' }],
    writePolicy: 'policy',
    nameField: 'name',
  },
  {
    path: '/user/group',
    kind: 'list',
    source: 'ansible',
    checks: { name: v.itemName },
    defaults: { skin: 'default' },
    required: ['name', 'policy'],
    unique: [{ fields: ['name'], message: 'failure: group with the same name already exists' }],
    writePolicy: 'policy',
    nameField: 'name',
  },
];

/** Binds the specs to the Ansible tables; a menu missing from them is a set-up error, not a silent gap. */
export function buildMenuDefs(
  schema: AnsibleSchema,
  specs: readonly MenuSpec[] = [...MENU_SPECS, ...SITE_MENU_SPECS],
): Map<string, MenuDef> {
  const defs = new Map<string, MenuDef>();
  for (const spec of specs) {
    let names: string[];
    if (spec.source === 'ansible') {
      const table = schema[spec.path];
      if (!table) throw new Error(`community.routeros has no field table for ${spec.path}`);
      names = Object.keys(table.fields);
    } else {
      names = [...(spec.ownFields ?? [])];
    }
    names.push(...(spec.extraFields ?? []));
    defs.set(spec.path, {
      path: spec.path,
      kind: spec.kind,
      source: spec.source,
      checks: spec.checks ?? {},
      defaults: spec.defaults ?? {},
      required: spec.required ?? [],
      readOnly: spec.readOnly ?? [],
      hidden: spec.hidden ?? [],
      unique: spec.unique ?? [],
      writePolicy: spec.writePolicy ?? 'write',
      nameField: spec.nameField,
      printOrder: spec.printOrder ?? ['.id'],
      fields: new Set(names),
    });
  }
  return defs;
}
