/**
 * Menus of the features a technician meets on customers' routers beyond defconf: bridges made
 * by hand and HotSpot servers. Kept apart from menus.ts, which describes the stock router.
 */
import type { MenuSpec } from './menus';
import * as v from './values';

export const SITE_MENU_SPECS: readonly MenuSpec[] = [
  {
    // Names from community.routeros _api_data.py `interface bridge` (primary key `name`), the
    // few a guest bridge needs, so that the unit tests' stand-in tables need not know them;
    // adding one also adds its row to /interface, type bridge (model/bridges.ts).
    path: '/interface/bridge',
    kind: 'list',
    source: 'simulator',
    ownFields: ['name', 'comment', 'disabled', 'mtu', 'protocol-mode', 'vlan-filtering'],
    checks: { name: v.itemName, disabled: v.bool },
    defaults: { disabled: 'false', 'protocol-mode': 'rstp', mtu: 'auto' },
    required: ['name'],
    readOnly: ['running', 'actual-mtu', 'l2mtu', 'mac-address', 'dynamic'],
    unique: [{ fields: ['name'], message: 'failure: already have interface with such name' }],
    nameField: 'name',
    printOrder: ['.id', 'name'],
  },
  {
    // https://help.mikrotik.com/docs/spaces/ROS/pages/56459266/Hotspot, "HotSpot Server Setup":
    // a server runs on one interface with an address pool and a profile (default `default`).
    // Ansible's tables do not describe /ip/hotspot. Enabling one makes its dynamic firewall
    // rules (model/hotspot.ts).
    path: '/ip/hotspot',
    kind: 'list',
    source: 'simulator',
    ownFields: [
      'name',
      'interface',
      'address-pool',
      'profile',
      'addresses-per-mac',
      'idle-timeout',
      'keepalive-timeout',
      'login-timeout',
      'disabled',
    ],
    checks: { name: v.itemName, interface: v.interfaceName, disabled: v.bool },
    defaults: { profile: 'default', 'address-pool': 'none', 'idle-timeout': '5m', disabled: 'false' },
    required: ['interface'],
    readOnly: ['invalid', 'HTTPS'],
    unique: [
      { fields: ['name'], message: 'failure: server with such name already exists' },
      { fields: ['interface'], message: 'failure: server on such interface already exists' },
    ],
    nameField: 'name',
    printOrder: ['.id', 'name', 'interface'],
  },
  {
    // community.routeros _api_data.py ('interface', 'pppoe-client') (plugins/module_utils/_api_data.py:301-324):
    // names and defaults (disabled by default, add-default-route no, distance 1). Kept as the
    // simulator's own list so the unit tests' stand-in tables need not know it. An enabled client
    // "dials" at once (model/pppoe.ts).
    path: '/interface/pppoe-client',
    kind: 'list',
    source: 'simulator',
    ownFields: [
      'name',
      'interface',
      'user',
      'password',
      'add-default-route',
      'default-route-distance',
      'use-peer-dns',
      'profile',
      'service-name',
      'ac-name',
      'allow',
      'keepalive-timeout',
      'max-mtu',
      'max-mru',
      'mrru',
      'dial-on-demand',
      'host-uniq',
      'comment',
      'disabled',
    ],
    checks: {
      name: v.itemName,
      interface: v.interfaceName,
      'add-default-route': v.bool,
      'default-route-distance': v.integer(0, 255),
      'use-peer-dns': v.bool,
      'dial-on-demand': v.bool,
      disabled: v.bool,
    },
    defaults: {
      'add-default-route': 'false',
      'default-route-distance': '1',
      'use-peer-dns': 'false',
      profile: 'default',
      'dial-on-demand': 'false',
      disabled: 'true',
      user: '',
      password: '',
    },
    required: ['interface'],
    readOnly: ['running', 'invalid'],
    hidden: ['password'],
    unique: [{ fields: ['name'], message: 'failure: already have interface with such name' }],
    nameField: 'name',
    printOrder: ['.id', 'name', 'interface'],
  },
  {
    // https://manual.mikrotik.com/docs/cli-reference/user, "user/active": a directory of read-only
    // rows, one per session (model/active-users.ts adds and removes them).
    path: '/user/active',
    kind: 'fixed',
    source: 'simulator',
    ownFields: [],
    readOnly: ['when', 'name', 'address', 'via', 'group', 'radius', 'by-romon'],
    hidden: ['session'],
    printOrder: ['.id', 'when', 'name', 'address', 'via', 'group'],
  },
  {
    // The connection table (nft/conntrack.ts fills it from the namespace's kernel at each print):
    // entries are printed and removed, never added or set (https://help.mikrotik.com/docs/display/ROS/Connection+tracking).
    // No settable field and a required one: an add is refused as RouterOS refuses it.
    path: '/ip/firewall/connection',
    kind: 'list',
    source: 'simulator',
    ownFields: [],
    required: ['src-address'],
    readOnly: [
      'protocol',
      'src-address',
      'dst-address',
      'reply-src-address',
      'reply-dst-address',
      'timeout',
      'tcp-state',
      'seen-reply',
      'assured',
      'srcnat',
      'dstnat',
    ],
    printOrder: ['.id', 'protocol', 'src-address', 'dst-address', 'reply-src-address', 'reply-dst-address'],
  },
  {
    // community.routeros _api_data.py ('ip', 'dhcp-client'): interface (primary key), add-default-route,
    // use-peer-dns, use-peer-ntp, default-route-distance, comment, disabled (model/dhcp-client.ts).
    path: '/ip/dhcp-client',
    kind: 'list',
    source: 'simulator',
    ownFields: [
      'interface',
      'add-default-route',
      'default-route-distance',
      'use-peer-dns',
      'use-peer-ntp',
      'dhcp-options',
      'script',
      'comment',
      'disabled',
    ],
    checks: {
      interface: v.interfaceName,
      'add-default-route': v.oneOf(['yes', 'no', 'special-classless', 'true', 'false']),
      'use-peer-dns': v.bool,
      'use-peer-ntp': v.bool,
      disabled: v.bool,
    },
    defaults: { 'add-default-route': 'yes', 'use-peer-dns': 'yes', 'use-peer-ntp': 'yes', disabled: 'false' },
    required: ['interface'],
    readOnly: ['status', 'address', 'gateway', 'invalid', 'dynamic'],
    unique: [{ fields: ['interface'], message: 'failure: dhcp-client on that interface already exists' }],
    printOrder: ['.id', 'interface'],
  },
];
