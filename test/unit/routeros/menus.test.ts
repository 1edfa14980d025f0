/**
 * The one RouterOS menu table (issue 15.4) and the consumers that read it: no module keeps its
 * own per-menu list, and what the table says is what restore, change, firewall and verify do.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownedMatch } from '../../../electron/routeros/change';
import { matchItem } from '../../../electron/routeros/firewall';
import {
  FIXED_MENUS,
  MENUS,
  NON_MATCH_FIELDS,
  ORDERED_MENUS,
  READD_ORDER,
  RESTORED_MENUS,
  ROUTER_MENUS,
  type MenuKey,
} from '../../../electron/routeros/menus';
import { routerChecks } from '../../../electron/site/checks';
import type { SitePlan } from '../../../electron/site/combine';
import type { RouterState } from '../../../electron/routeros/state';

const ROOT = join(__dirname, '..', '..', '..');

describe('the RouterOS menu table', () => {
  it('orders a restore: rules before the lists they name go, lists before the rules come back', () => {
    expect(RESTORED_MENUS.indexOf('nat')).toBeLessThan(RESTORED_MENUS.indexOf('addressLists'));
    expect(RESTORED_MENUS.indexOf('filter')).toBeLessThan(RESTORED_MENUS.indexOf('addressLists'));
    expect(READD_ORDER.indexOf(MENUS.addressLists)).toBeLessThan(READD_ORDER.indexOf(MENUS.nat));
    expect([...ORDERED_MENUS].sort()).toEqual(['filter', 'nat']);
    expect(FIXED_MENUS.has('servicePorts')).toBe(true);
  });

  it('names owned items in scripts by the identity fields it lists', () => {
    for (const key of Object.keys(ROUTER_MENUS) as MenuKey[]) {
      const item = { comment: 'fspbx-nat: x', name: 'n', list: 'l', address: '1.2.3.4', interface: 'i' };
      expect(Object.keys(ownedMatch(MENUS[key], item)).sort()).toEqual(
        [...ROUTER_MENUS[key].identity, 'comment'].sort(),
      );
    }
  });

  it('the firewall matcher skips exactly the non-match fields', () => {
    const packet = {
      protocol: 'udp',
      src: 0x0a000001,
      dst: 0x0a000002,
      dstPort: 5060,
      inInterface: 'ether1',
      connectionState: 'new',
      dstNatted: false,
    } as const;
    const ctx = { listMembers: new Map(), addressLists: new Map() };
    const rule = Object.fromEntries([...NON_MATCH_FIELDS].map((f) => [f, 'anything'])) as Record<string, string>;
    expect(matchItem({ '.id': '*1', ...rule }, packet as never, ctx)).toBe('yes');
  });

  it('verify speaks of a hairpin forward as hairpin, not as a forward from anyone outside', () => {
    const change = {
      id: 'router-001',
      target: 'router' as const,
      path: MENUS.nat,
      action: 'add' as const,
      before: null,
      after: {
        chain: 'dstnat',
        action: 'dst-nat',
        protocol: 'udp',
        'src-address': '192.168.88.0/24',
        'dst-address': '203.0.113.2',
        'dst-port': '5060',
        comment: 'fspbx-nat: hairpin udp 5060',
      },
      reason: 'r',
    };
    const state = { nat: [], filter: [], addressLists: [], servicePorts: [] } as unknown as RouterState;
    const [check] = routerChecks({ router: { changes: [change] } } as unknown as SitePlan, state);
    expect(check?.summary).toMatch(/^Hairpin forward UDP 5060 for 192\.168\.88\.0\/24: missing/);
    expect(check?.summary).toMatch(/LAN phones dialling the public address/);
  });

  it('no other module keeps its own list of menu paths or of the fields the table holds', () => {
    const files = ['electron/routeros', 'electron/site'].flatMap((dir) =>
      readdirSync(join(ROOT, dir))
        .filter((f) => f.endsWith('.ts') && f !== 'menus.ts')
        .map((f) => join(dir, f)),
    );
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      expect(text, file).not.toMatch(/'\/(ip\/firewall|system\/(script|scheduler)|interface)[a-z/-]*'/);
      expect(text, file).not.toMatch(/'log-prefix': ''/);
      expect(text, file).not.toMatch(/'address-list-timeout',/);
    }
  });
});
