/**
 * A rollback is tied to its site: a snapshot of one router or PBX is not
 * planned onto another unless the technician accepts it, and the acceptance
 * is shown in the plan. Real store; the boxes are stand-ins that return the
 * states read and count what is sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PbxState } from '../../electron/pbx/model/state';
import type { RouterState } from '../../electron/routeros/state';
import { applyRollback, planRollback, type SiteDeps } from '../../electron/site/run';
import { openStore, type Store } from '../../electron/store';
import { stockPbx } from '../unit/pbx/fixtures/stock';
import { defconfRouter } from '../unit/routeros/fixtures/defconf';
import { storedInputs } from '../unit/helpers/stored-inputs';

const access = {
  router: { host: '192.168.88.1', tls: false, username: 'admin', password: 'x' },
  pbx: { host: '192.168.88.10', port: 22, username: 'root', auth: { kind: 'password' as const, password: 'x' } },
};

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fspbx-box-'));
  store = openStore(dir);
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function routerWithMacs(prefix: string, identity = 'MikroTik'): RouterState {
  const state = defconfRouter();
  state.identity = identity;
  state.interfaces = state.interfaces.map((i, n) => ({ ...i, 'mac-address': `${prefix}:00:0${n}` }));
  return state;
}

function snapshotOf(router: RouterState, pbx: PbxState): string {
  store.acceptFingerprint('ssh', access.pbx.host, 22, 'SHA256:pbx-a');
  const site = store.upsertSite({ routerHost: access.router.host, pbxHost: access.pbx.host });
  const run = store.createRun({
    siteId: site.siteId,
    kind: 'apply',
    inputs: storedInputs(),
    plan: { changes: [], warnings: [], facts: {} },
  });
  // The snapshot had a wizard forward the boxes no longer have: a rollback would re-create it
  // (only the wizard's own entries are ever re-created: routeros/managed.ts).
  const withForward = {
    ...router,
    nat: [
      ...router.nat,
      {
        '.id': '*99',
        chain: 'dstnat',
        action: 'dst-nat',
        protocol: 'udp',
        'in-interface-list': 'WAN',
        'dst-port': '5060',
        'src-address-list': 'fspbx-phones',
        'to-addresses': '192.168.88.10',
        'to-ports': '5060',
        comment: 'fspbx-nat: forward sip phones udp',
      },
    ],
  };
  const snapshot = store.saveSnapshot(run.runId, site.siteId, { router: withForward, pbx });
  store.setRunStatus(run.runId, 'confirmed');
  return snapshot.snapshotId;
}

/** Fake sides; the PBX is reached with `hostKey` (the one snapshotOf's store accepted, unless told). */
function boxes(router: RouterState, pbx: PbxState, hostKey = 'SHA256:pbx-a') {
  const sent: string[] = [];
  const deps: SiteDeps = {
    store,
    openRouter: async () => ({
      read: async () => router,
      exportText: async () => '',
      apply: async (_before, plan) => {
        sent.push(...plan.changes.map((c) => `${c.action} ${c.path}`));
        return {};
      },
      confirm: async () => 'kept' as const,
      close: async () => undefined,
    }),
    openPbx: async () => ({
      hostKey,
      read: async () => pbx,
      apply: async (plan) => void sent.push(...plan.changes.map((c) => `${c.action} ${c.path}`)),
      askFsCli: async () => new Map(),
      gatewayNames: async () => new Map(),
      close: async () => undefined,
    }),
  };
  return { deps, sent };
}

describe('rollback onto its own site only', () => {
  it('is planned onto the same router and PBX without a word', async () => {
    const snapshotId = snapshotOf(routerWithMacs('48:A9:8A:00'), stockPbx());
    // Renamed since: still the same router (same MACs).
    const { deps } = boxes(routerWithMacs('48:A9:8A:00', 'Renamed'), stockPbx());
    const planned = await planRollback(deps, snapshotId, ['router', 'pbx'], access);
    expect(planned.plan.warnings.map((w) => w.code)).not.toContain('other-box');
    expect(planned.plan.changes.some((c) => c.action === 'add' && c.path === '/ip/firewall/nat')).toBe(true);
  });

  it("refuses router A's snapshot on router B, naming both, and sends nothing", async () => {
    const snapshotId = snapshotOf(routerWithMacs('48:A9:8A:00', 'Site A'), stockPbx());
    const { deps, sent } = boxes(routerWithMacs('DC:2C:6E:00', 'Site B'), stockPbx());
    const refused = planRollback(deps, snapshotId, ['router', 'pbx'], access);
    await expect(refused).rejects.toThrow(/router "Site A".*this router is "Site B".*--other-box/s);
    // The field names the acceptance, so the UI can offer it beside the sentence.
    await expect(refused).rejects.toMatchObject({ error: { code: 'invalid_input', field: 'acceptOtherBox' } });
    expect(store.listRuns().filter((r) => r.kind === 'rollback')).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('refuses a PBX with another host key than the one the snapshot recorded', async () => {
    const snapshotId = snapshotOf(routerWithMacs('48:A9:8A:00'), stockPbx());
    const { deps } = boxes(routerWithMacs('48:A9:8A:00'), stockPbx(), 'SHA256:pbx-b');
    await expect(planRollback(deps, snapshotId, ['pbx'], access)).rejects.toThrow(
      /host key SHA256:pbx-a.*host key SHA256:pbx-b/,
    );
  });

  it('plans and applies onto the other box when the technician accepts it, saying so in the plan', async () => {
    const snapshotId = snapshotOf(routerWithMacs('48:A9:8A:00', 'Site A'), stockPbx());
    const { deps, sent } = boxes(routerWithMacs('DC:2C:6E:00', 'Site B'), stockPbx());
    const planned = await planRollback(deps, snapshotId, ['router', 'pbx'], access, true);
    expect(planned.plan.warnings[0]).toMatchObject({ code: 'other-box', message: expect.stringMatching(/Site A/) });
    expect(planned.rollback).toEqual({ sides: ['router', 'pbx'], otherBoxAccepted: true });
    await applyRollback(deps, deps.store.getRun(planned.runId), access, () => {});
    expect(sent).toContain('add /ip/firewall/nat');
  });

  it('applies only the plan that was reviewed: a box changed since is refused', async () => {
    const router = routerWithMacs('48:A9:8A:00');
    const snapshotId = snapshotOf(router, stockPbx());
    const first = boxes(router, stockPbx());
    const planned = await planRollback(first.deps, snapshotId, ['router'], access);
    const changed = {
      ...router,
      addressLists: [
        ...router.addressLists,
        { '.id': '*77', list: 'x', address: '203.0.113.91', comment: 'fspbx-nat: later' },
      ],
    };
    const second = boxes(changed, stockPbx());
    await expect(applyRollback(second.deps, second.deps.store.getRun(planned.runId), access, () => {})).rejects.toThrow(
      /changed since this rollback was planned/,
    );
    expect(second.sent).toEqual([]);
    expect(store.getRun(planned.runId).status).toBe('planned');
  });
});

describe('a rollback asks only for the logins of the boxes it reads', () => {
  const pbxOnly = { pbx: access.pbx };

  it('rolls the PBX back with the PBX login alone: the router is never opened', async () => {
    const snapshotId = snapshotOf(routerWithMacs('48:A9:8A:00'), stockPbx());
    // The apply set external_rtp_ip since the snapshot: the rollback puts it back.
    const applied = stockPbx();
    applied.vars = applied.vars.map((v) => (v.var_name === 'external_rtp_ip' ? { ...v, var_value: '203.0.113.7' } : v));
    const { deps, sent } = boxes(routerWithMacs('48:A9:8A:00'), applied);
    let routerOpened = 0;
    const noRouter: SiteDeps = {
      ...deps,
      openRouter: async (target) => {
        routerOpened += 1;
        return deps.openRouter(target);
      },
    };
    const planned = await planRollback(noRouter, snapshotId, ['pbx'], pbxOnly);
    expect(planned.rollback).toEqual({ sides: ['pbx'], otherBoxAccepted: false });
    expect(planned.plan.changes.map((c) => `${c.target} ${c.action} ${c.path}`)).toEqual(['pbx set v_vars']);
    const result = await applyRollback(noRouter, noRouter.store.getRun(planned.runId), pbxOnly, () => {});
    expect(result.status).toBe('confirmed');
    expect(routerOpened).toBe(0);
    expect(sent).toEqual(['set v_vars']);
  });

  it('refuses a rollback of the router without its login, in one sentence, before any box is opened', async () => {
    const snapshotId = snapshotOf(routerWithMacs('48:A9:8A:00'), stockPbx());
    const { deps } = boxes(routerWithMacs('48:A9:8A:00'), stockPbx());
    let opened = 0;
    const counting: SiteDeps = {
      ...deps,
      openRouter: async (t) => ((opened += 1), deps.openRouter(t)),
      openPbx: async (t) => ((opened += 1), deps.openPbx(t)),
    };
    await expect(planRollback(counting, snapshotId, ['router'], pbxOnly)).rejects.toMatchObject({
      error: {
        code: 'invalid_input',
        message: expect.stringMatching(/^This rollback puts the router back: give the router login/),
      },
    });
    expect(opened).toBe(0);
    expect(store.listRuns().filter((r) => r.kind === 'rollback')).toEqual([]);
  });
});
