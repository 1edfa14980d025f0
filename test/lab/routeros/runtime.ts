/** Properties a real router computes at print time: status menus, counters, link state, scheduler times. */
import { readFileSync } from 'node:fs';
import type { Deriver, RouterModel } from './model/router';
import { formatDuration, formatIpv4, networkOf, parseDate, parsePrefix } from './model/values';
import { nextRunText } from './script/scheduler';
import { clockPrint, formatDate, isoParts, type SimClock } from './model/clock';

export interface CounterSource {
  counterFor(path: string, id: number): { bytes: number; packets: number } | undefined;
}

export interface RuntimeOptions {
  model: RouterModel;
  version: string;
  startedAt: number;
  wan: { interface: string; address: string };
  lan: { interface: string; ports: string[] };
  counters: CounterSource | undefined;
  clock: SimClock;
  /** A RouterBOARD (default) or a Cloud Hosted Router (x86 VM: no routerboard, no serial number). */
  hardware?: 'routerboard' | 'chr';
}

export const BOARD = 'RB5009UG+S+';
/** The simulated RouterBOARD's serial number and licence software id; the CHR's system id. */
export const SERIAL = 'HE2SIM000001';
export const SOFTWARE_ID = 'SIM0-0001';
export const CHR_SYSTEM_ID = 'sImChR0001x';

/** The netdev's real MAC inside the namespace, or a stable locally administered one. */
export function macOf(name: string): string {
  try {
    return readFileSync(`/sys/class/net/${name.replace(/[^\w.-]/g, '')}/address`, 'utf8')
      .trim()
      .toUpperCase();
  } catch {
    let h = 0;
    for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    const bytes = [0x02, 0x4d, (h >>> 24) & 255, (h >>> 16) & 255, (h >>> 8) & 255, h & 255];
    return bytes.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
  }
}

export function createDeriver(o: RuntimeOptions): Deriver {
  const macs = new Map<string, string>();
  const mac = (name: string) => {
    if (!macs.has(name)) macs.set(name, macOf(name));
    return macs.get(name)!;
  };
  return (path, item): Record<string, string> => {
    const f = item?.fields ?? {};
    const chr = o.hardware === 'chr';
    switch (path) {
      case '/system/resource':
        return {
          uptime: formatDuration(Date.now() - o.startedAt - ((Date.now() - o.startedAt) % 1000)),
          version: `${o.version} (stable)`,
          'build-time': '2025-06-01 10:00:00',
          'factory-software': '7.0.5',
          'free-memory': '873463808',
          'total-memory': '1073741824',
          cpu: 'ARM64',
          'cpu-count': '4',
          'cpu-frequency': '350',
          'cpu-load': '1',
          'free-hdd-space': '906674176',
          'total-hdd-space': '1073741824',
          'architecture-name': chr ? 'x86_64' : 'arm64',
          // A CHR names itself so (help.mikrotik.com "Cloud Hosted Router, CHR": board-name: CHR).
          'board-name': chr ? 'CHR' : BOARD,
          platform: 'MikroTik',
        };
      case '/system/clock':
        return clockPrint(o.clock);
      case '/system/license':
        // help.mikrotik.com/docs/spaces/ROS/pages/328149/RouterOS+license+keys ("Licenses").
        return chr
          ? { 'system-id': CHR_SYSTEM_ID, level: 'free', 'next-renewal-at': '', 'deadline-at': '' }
          : { 'software-id': SOFTWARE_ID, nlevel: '6', features: '' };
      case '/system/routerboard':
        // help.mikrotik.com/docs/spaces/ROS/pages/40992794/RouterBOARD ("RouterBOARD"): routerboard, model,
        // serial-number and the firmware versions; on a CHR or x86 there is no RouterBOARD: routerboard: no.
        if (chr) return { routerboard: 'false' };
        return {
          routerboard: 'true',
          'board-name': BOARD,
          model: BOARD,
          'serial-number': SERIAL,
          'firmware-type': 'qcom',
          'factory-firmware': '7.0.5',
          'current-firmware': o.version,
          'upgrade-firmware': o.version,
        };
      case '/interface':
        return {
          'mac-address': mac(f.name ?? ''),
          'actual-mtu': f.mtu === 'auto' ? '1500' : (f.mtu ?? '1500'),
          running: f.disabled === 'true' ? 'false' : 'true',
          slave: o.lan.ports.includes(f['default-name'] ?? '') ? 'true' : 'false',
          dynamic: 'false',
        };
      case '/ip/address': {
        const p = parsePrefix(f.address ?? '');
        return {
          ...(p ? { network: formatIpv4(networkOf(p.address, p.length)) } : {}),
          'actual-interface': f.interface ?? '',
          invalid: 'false',
          // A PPPoE or DHCP client's address is the router's own doing (model/pppoe.ts).
          dynamic: f.dynamic ?? 'false',
        };
      }
      case '/ip/route':
        return {
          dynamic: f.dynamic ?? 'false',
          active: f.disabled === 'true' ? 'false' : 'true',
          static: f.dynamic === 'true' ? 'false' : 'true',
          // A gateway that is an interface (a PPPoE client's route) is its own immediate gateway.
          ...(f.connect
            ? {}
            : {
                'immediate-gw': /^\d+\.\d+\.\d+\.\d+$/.test(f.gateway ?? '')
                  ? `${f.gateway ?? ''}%${o.wan.interface}`
                  : (f.gateway ?? ''),
              }),
        };
      case '/ip/cloud':
        // The lab has no MikroTik cloud server: DDNS "reaches" it at once. Once it has, the router prints
        // the address it sent and its name, "12 character serial number appended by .sn.mynetname.net",
        // visible "only after at least one ddns-request is successfully completed"
        // (terraform-routeros/terraform-provider-routeros routeros/resource_ip_cloud.go:9-17, :67-73;
        // help.mikrotik.com/docs/display/ROS/Cloud). A CHR has no serial: its name is not modelled.
        return f['ddns-enabled'] === 'true' || f['ddns-enabled'] === 'yes'
          ? {
              'public-address': o.wan.address.split('/')[0] ?? '',
              ...(chr ? {} : { 'dns-name': `${SERIAL.toLowerCase()}.sn.mynetname.net` }),
              status: 'updated',
            }
          : { status: 'disabled' };
      case '/ip/firewall/filter':
      case '/ip/firewall/nat': {
        const c = item ? o.counters?.counterFor(path, item.id) : undefined;
        return {
          bytes: String(c?.bytes ?? 0),
          packets: String(c?.packets ?? 0),
          invalid: 'false',
          dynamic: f.dynamic ?? 'false',
        };
      }
      case '/ip/firewall/address-list':
        return { dynamic: f.dynamic ?? 'false' };
      case '/ip/service':
        // 7.19+ connection rows are dynamic (index.ts); the services themselves are not.
        return { dynamic: f.dynamic ?? 'false' };
      case '/interface/list/member':
      case '/ip/firewall/service-port':
        return { dynamic: 'false' };
      case '/interface/list':
        return { builtin: 'false', dynamic: 'false' };
      case '/ip/firewall/connection/tracking':
        return { 'total-entries': '0', 'max-entries': '1048576' };
      case '/system/script':
        return { 'run-count': f['run-count'] ?? '0', invalid: 'false' };
      case '/system/scheduler': {
        const next = nextRunText(f, o.clock, o.startedAt + (o.clock.now() - Date.now()));
        const start = f['start-date'] ? parseDate(f['start-date']) : undefined;
        return {
          'run-count': f['run-count'] ?? '0',
          ...(next ? { 'next-run': next } : {}),
          // Stored as ISO; printed as the claimed version prints dates (model/clock.ts).
          ...(start ? { 'start-date': formatDate(isoParts(start), o.clock.oldDates) } : {}),
        };
      }
      default:
        return {};
    }
  };
}
