/**
 * Changes named as the technician knows them, and counted one way everywhere (issue 28 item 1):
 * a real plan from the planners (defconf router, stock FS PBX) run through contract/change-names.ts
 * and contract/plan-counts.ts.
 */
import { describe, expect, it } from 'vitest';
import { changeName, groupChanges, groupOf, openedTo } from '../../../contract/change-names';
import { countApplied, countPlan, countWords, pbxStepId } from '../../../contract/plan-counts';
import { siteInputs } from '../../../contract/schemas';
import type { Change } from '../../../contract/types';
import { mintRowIds, planFromStates } from '../../../electron/site/run';
import { stockPbx } from '../pbx/fixtures/stock';
import { defconfRouter } from '../routeros/fixtures/defconf';

const inputs = siteInputs.parse({
  router: { host: '192.168.88.1', username: 'admin', password: '' },
  pbx: { host: '192.168.88.10', username: 'root', auth: { kind: 'password', password: 'x' } },
  trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
  phones: [{ name: 'Home', address: '192.0.2.20' }],
  options: { hairpin: true, mediaMode: 'proxy' },
});
const plan = planFromStates(inputs, defconfRouter(), stockPbx(), mintRowIds()).plan;

describe('a real plan named in WinBox and FS PBX words', () => {
  it('puts every change in a named group, none left as "other"', () => {
    expect(plan.changes.length).toBeGreaterThan(10);
    for (const c of plan.changes) expect(groupOf(c), changeName(c)).not.toMatch(/other/);
    const ids = groupChanges(plan.changes).map((g) => g.id);
    expect(ids).toEqual(expect.arrayContaining(['address-lists', 'forwards', 'hairpin', 'variables']));
  });

  it('names no change by its API path or database table', () => {
    for (const c of plan.changes) {
      const name = changeName(c);
      expect(name).not.toMatch(/^\/ip|v_vars|v_extensions|v_sip_profile_settings/);
      expect(name).toMatch(/^(IP › Firewall › |Advanced › |Accounts › Extensions › )/);
    }
  });

  it('names a NAT variable by its FS PBX menu and name', () => {
    const names = plan.changes.filter((c) => c.path === 'v_vars').map(changeName);
    expect(names).toContain('Advanced › Variables › external_rtp_ip');
  });

  it('says who the router opens to', () => {
    expect(openedTo(plan.changes).map((o) => o.address)).toEqual(
      expect.arrayContaining(['198.51.100.10', '192.0.2.20']),
    );
  });

  it('counts changes and PBX steps apart, and an apply the same way', () => {
    const counts = countPlan(plan);
    expect(counts.changes).toBe(plan.changes.length);
    expect(counts.router + counts.pbx).toBe(counts.changes);
    expect(counts.pbxSteps).toBe(plan.pbx?.steps.length ?? 0);
    expect(counts.pbxSteps).toBeGreaterThan(0);
    // The router's connection-tracking clean-up is journalled too, and is neither a change nor a PBX step.
    const applied = [
      ...plan.changes.map((c) => c.id),
      'router-conntrack',
      ...Array.from({ length: counts.pbxSteps }, (_, i) => pbxStepId(i + 1)),
    ];
    expect(countApplied(plan, applied)).toEqual({ changes: counts.changes, pbxSteps: counts.pbxSteps });
    expect(countWords({ changes: 35, pbxSteps: 4 })).toBe('35 changes and 4 PBX steps');
    expect(countWords({ changes: 1, pbxSteps: 0 })).toBe('1 change');
  });
});

describe('hand-made entries', () => {
  const change = (c: Partial<Change> & Pick<Change, 'path'>): Change => ({
    id: 'x',
    target: c.path.startsWith('/') ? 'router' : 'pbx',
    action: 'add',
    before: null,
    after: null,
    reason: 'why',
    ...c,
  });

  it('names an extension with its Bypass Media field, and a profile setting under its profile', () => {
    expect(
      changeName(
        change({
          path: 'v_extensions',
          action: 'set',
          label: '1001@example.com',
          before: { sip_bypass_media: 'bypass-media' },
          after: { sip_bypass_media: 'proxy-media' },
        }),
      ),
    ).toBe('Accounts › Extensions › 1001@example.com › Bypass Media');
    expect(changeName(change({ path: 'v_sip_profile_settings', action: 'set', label: 'external › ext-rtp-ip' }))).toBe(
      'Advanced › SIP Profiles › external › ext-rtp-ip',
    );
  });

  it('names the SIP helper by its service port, and a forward by port, list and target', () => {
    expect(changeName(change({ path: '/ip/firewall/service-port', action: 'set', after: { disabled: 'true' } }))).toBe(
      'IP › Firewall › Service Ports › sip',
    );
    const forward = change({
      path: '/ip/firewall/nat',
      after: {
        action: 'dst-nat',
        protocol: 'udp',
        'dst-port': '5080',
        'src-address-list': 'fspbx-trunks',
        'to-addresses': '192.168.88.10',
        'to-ports': '5080',
      },
    });
    expect(groupOf(forward)).toBe('forwards');
    expect(changeName(forward)).toBe('IP › Firewall › NAT › UDP 5080 from fspbx-trunks → 192.168.88.10:5080');
    const hairpin = change({
      path: '/ip/firewall/nat',
      after: { chain: 'srcnat', action: 'masquerade', 'src-address': '192.168.88.0/24' },
    });
    expect(groupOf(hairpin)).toBe('hairpin');
  });
});
