/**
 * History's rollback and the bar's Keep, as the technician reads them: the rollback review grouped
 * as Review groups a plan (flags first, counts, router and PBX apart, entries named as WinBox and
 * FS PBX show them), only the logins of the boxes it reads, and Keep that asks before keeping what
 * the checks do not show to work. Rendered to static markup from a store (views.test.tsx pattern).
 */
import { describe, expect, it } from 'vitest';
import type { Change, Plan, RunSummary, VerifyResult } from '../../../contract/types';
import { RevertBar } from '../../../renderer/src/components/RevertBar';
import { HistoryView } from '../../../renderer/src/history/HistoryView';
import { bundleName } from '../../../renderer/src/history/RunList';
import { bundlePathOf } from '../../../renderer/src/store/history';
import { VerifyStep } from '../../../renderer/src/steps/VerifyStep';
import { rollbackLogins, rollbackSides } from '../../../renderer/src/store/rollback';
import { createWizardStore } from '../../../renderer/src/store/wizard';
import { FakeClient, ok } from './fake-client';
import { shownText as text } from './render';

const routerChanges: Change[] = [
  {
    id: 'rb-1',
    target: 'router',
    path: '/ip/firewall/nat',
    action: 'remove',
    before: {
      chain: 'dstnat',
      action: 'dst-nat',
      protocol: 'udp',
      'dst-port': '5060',
      'src-address-list': 'fspbx-trunks',
      'to-addresses': '192.168.88.10',
      bytes: '1234',
    },
    after: null,
    reason: 'The wizard added this; the snapshot does not have it.',
  },
  {
    id: 'rb-2',
    target: 'router',
    path: '/ip/firewall/service-port',
    action: 'set',
    before: { name: 'sip', disabled: 'true' },
    after: { name: 'sip', disabled: 'false' },
    reason: 'Puts "sip" back as it was in the snapshot.',
  },
];

const pbxChange: Change = {
  id: 'rb-3',
  target: 'pbx',
  path: 'v_vars',
  action: 'set',
  label: 'external_rtp_ip',
  before: { var_value: '203.0.113.7' },
  after: { var_value: '$${local_ip_v4}' },
  reason: 'Puts var external_rtp_ip back as it was in the snapshot.',
};

const both: Plan = {
  changes: [...routerChanges, pbxChange],
  warnings: [],
  facts: {},
  pbxSteps: [{ kind: 'write-file', why: 'vars.xml as it was' }],
  flags: [
    {
      target: 'router',
      subject: '/ip/firewall/filter "defconf: drop all not coming from LAN"',
      change: 'disabled=true',
      consequence: 'Not restored: not managed by the wizard.',
      restored: false,
      serious: true,
    },
  ],
};

const pbxHalf: Plan = { changes: [pbxChange], warnings: [], facts: {} };

async function planned(plan: Plan, sides?: ('router' | 'pbx')[], typed: { router?: string; pbx?: string } = {}) {
  const client = new FakeClient()
    .on('rollback.plan', (input) =>
      ok({ runId: 'rb-run', plan, rollback: { sides: input.sides ?? ['router', 'pbx'], otherBoxAccepted: false } }),
    )
    .on('rollback.apply', (input) => ok({ runId: input.runId, status: 'confirmed' as const, applied: [] }))
    .on('history.list', () => ok([]));
  const store = createWizardStore(client);
  if (typed.router) store.getState().setRouterForm({ host: typed.router, password: 'rpw' });
  if (typed.pbx) store.getState().setPbxForm({ host: typed.pbx, password: 'ppw' });
  await store.getState().planRollback('snap-1', sides);
  return { client, store };
}

describe('the rollback review, grouped as Review groups a plan', () => {
  it('says first what is not restored, then counts, then each box in groups named as WinBox and FS PBX name them', async () => {
    const { store } = await planned(both);
    const shown = text(store, <HistoryView />);
    const order = [
      'Read this first',
      '3 changes and 1 PBX step: 2 on the router, 1 on the PBX.',
      'Router (2 changes)',
      'Port forwards IP › Firewall › NAT (1)',
      'Remove UDP 5060 from fspbx-trunks → 192.168.88.10',
      'SIP helper IP › Firewall › Service Ports › sip (1)',
      'PBX (1 change)',
      'Variables Advanced › Variables (1)',
      'Change external_rtp_ip',
      'Then, on the PBX',
      'Apply the rollback (3 changes and 1 PBX step)',
    ];
    const at = order.map((part) => shown.indexOf(part));
    expect(
      at.every((i) => i >= 0),
      JSON.stringify(order.filter((_, n) => at[n] === -1)),
    ).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // The reason said once per group, not once per row; the router's counters are not a change.
    expect(shown.match(/Back to the snapshot:/g)).toHaveLength(3);
    expect(shown).not.toMatch(/\bbytes=/);
    expect(shown).not.toContain('router /ip/firewall/nat');
  });

  it('shows only the PBX for the PBX half, and says the PBX alone is back', async () => {
    const { store } = await planned(pbxHalf, ['pbx'], { router: '192.168.88.1', pbx: '192.168.88.10' });
    const shownPlan = store.getState().rollbackPlan;
    expect(rollbackSides(shownPlan.status === 'done' ? shownPlan.value : undefined)).toEqual(['pbx']);
    let shown = text(store, <HistoryView />);
    expect(shown).toContain('1 change on the PBX only.');
    expect(shown).not.toContain('Router (');
    expect(shown).toContain('PBX (1 change)');
    await store.getState().applyRollback();
    shown = text(store, <HistoryView />);
    expect(shown).toContain('Rolled back: the PBX is as in the snapshot');
  });
});

describe('a rollback asks only for the logins of the boxes it reads', () => {
  it('names each login and what it is for; the router is not needed for the PBX half', () => {
    const hosts = { router: '192.168.88.1', pbx: '192.168.88.10' };
    expect(rollbackLogins(['pbx'], hosts).map((l) => l.sentence)).toEqual([
      'PBX: the login of step 3 (192.168.88.10), to read it and put it back.',
      'Router: not needed, it is neither read nor changed.',
    ]);
    expect(rollbackLogins(['router'], hosts).map((l) => l.sentence)).toEqual([
      'Router: the login of step 2 (192.168.88.1), to read it and put it back.',
      "PBX: the login of step 3 (192.168.88.10), read only: it says which router entries are the wizard's for this PBX.",
    ]);
    const missing = rollbackLogins(['router', 'pbx'], { router: '', pbx: '192.168.88.10' });
    expect(missing.filter((l) => !l.typed).map((l) => l.side)).toEqual(['router']);
    expect(missing[0]!.sentence).toMatch(/^Router: no login typed in step 2\./);
  });

  it('sends the PBX login alone for the PBX half, though both are typed, and keeps the half when another box is accepted', async () => {
    const { client, store } = await planned(pbxHalf, ['pbx'], { router: '192.168.88.1', pbx: '192.168.88.10' });
    const [plan] = client.inputsOf('rollback.plan');
    expect(plan).toMatchObject({ snapshotId: 'snap-1', sides: ['pbx'], access: { pbx: { host: '192.168.88.10' } } });
    expect(plan?.access).not.toHaveProperty('router');
    await store.getState().applyRollback();
    expect(client.inputsOf('rollback.apply')[0]?.access).toEqual({
      pbx: expect.objectContaining({ host: '192.168.88.10' }),
    });
    // Refused as another PBX, then accepted: still the PBX half, still without the router.
    store.setState({
      rollbackPlan: {
        status: 'error',
        error: {
          code: 'invalid_input',
          field: 'acceptOtherBox',
          message: 'The snapshot is of PBX "a"; this PBX is "b".',
        },
      },
    });
    await store.getState().planRollbackOnOtherBox();
    expect(client.inputsOf('rollback.plan')[1]).toMatchObject({ sides: ['pbx'], acceptOtherBox: true });
    expect(client.inputsOf('rollback.plan')[1]?.access).not.toHaveProperty('router');
  });

  it('sends both logins for both boxes, and none when the router login is not typed (the app may hold the run’s own)', async () => {
    const typed = await planned(both, undefined, { router: '192.168.88.1', pbx: '192.168.88.10' });
    expect(typed.client.inputsOf('rollback.plan')[0]?.access).toMatchObject({
      router: { host: '192.168.88.1' },
      pbx: { host: '192.168.88.10' },
    });
    const half = await planned(both, undefined, { pbx: '192.168.88.10' });
    expect(half.client.inputsOf('rollback.plan')).toEqual([{ snapshotId: 'snap-1' }]);
    expect(text(half.store, <HistoryView />)).toContain('Router: no login typed in step 2.');
  });
});

const REVERT_AT = new Date(Date.now() + 5 * 60_000).toISOString();
const openRun: RunSummary = {
  runId: 'run-1',
  siteId: 'site-1',
  kind: 'apply',
  status: 'applied',
  startedAt: '2026-12-07T14:20:00.000Z',
  changeCount: 3,
  snapshotId: 'snap-1',
  revertAt: REVERT_AT,
  boxes: { router: { state: 'applied', at: '2026-12-07T14:27:00.000Z', changes: 2 } },
};

function checks(...statuses: ('pass' | 'fail')[]): VerifyResult {
  return {
    runId: 'run-1',
    status: statuses.includes('fail') ? 'fail' : 'pass',
    checks: statuses.map((status, i) => ({ id: `c${i}`, group: 'router', title: `Check ${i}`, status, summary: '' })),
  };
}

async function barWith(verification?: VerifyResult) {
  const client = new FakeClient()
    .on('history.list', () => ok([openRun]))
    .on('site.confirm', () => ok({ ...openRun, status: 'confirmed' as const }));
  const store = createWizardStore(client);
  await store.getState().loadRuns();
  store.getState().resumeOpenRun();
  if (verification) store.setState({ verification: { status: 'done', value: verification } });
  return { client, store };
}

describe("the bar's Keep asks before keeping what the checks do not show to work", () => {
  it('asks when checks failed, in the bar only; keeps only on "Keep them anyway"', async () => {
    const { client, store } = await barWith(checks('pass', 'fail', 'fail'));
    await store.getState().keepChanges('bar');
    expect(client.inputsOf('site.confirm')).toEqual([]);
    const bar = text(store, <RevertBar />);
    expect(bar).toContain('2 checks failed: calls may not work as planned. Keep the changes anyway?');
    expect(bar).toContain('Keep them anyway');
    // Asked in the bar: the Verify step below does not ask a second time.
    expect(text(store, <VerifyStep />)).not.toContain('Keep them anyway');
    store.getState().notYet();
    expect(text(store, <RevertBar />)).not.toContain('Keep them anyway');
    expect(client.inputsOf('site.confirm')).toEqual([]);
    await store.getState().keepChanges('bar', true);
    expect(client.inputsOf('site.confirm')).toHaveLength(1);
    expect(text(store, <RevertBar />)).not.toContain('Keep them anyway');
  });

  it('asks when no check has run (a run reopened from History), and keeps at once when all passed', async () => {
    const unchecked = await barWith();
    await unchecked.store.getState().keepChanges('bar');
    expect(text(unchecked.store, <RevertBar />)).toContain('No check has run yet');
    expect(unchecked.client.inputsOf('site.confirm')).toEqual([]);
    const passed = await barWith(checks('pass', 'pass'));
    await passed.store.getState().keepChanges('bar');
    expect(passed.client.inputsOf('site.confirm')).toHaveLength(1);
  });
});

describe("History's export in browser mode", () => {
  const info = (frontEnd: 'browser' | 'electron') => ({
    name: 'fspbx-nat',
    version: '0.1.0',
    frontEnd,
    platform: 'linux',
    dataDir: '/data',
    runtime: { node: '20' },
  });
  const run: RunSummary = { ...openRun, status: 'confirmed', siteName: 'Acme Dental' };

  it('downloads the bundle under the site and the day it ran, and says so instead of a data-folder path', async () => {
    const client = new FakeClient()
      .on('history.list', () => ok([run]))
      .on('bundle.export', (input) => ok({ path: input.path, sha256: 'x', bytes: 5000 }));
    const store = createWizardStore(client);
    store.setState({ info: { status: 'done', value: info('browser') } });
    await store.getState().loadRuns();
    expect(bundleName(run)).toBe('acme-dental-2026-12-07.zip');
    expect(text(store, <HistoryView />)).toContain('Download');
    await store.getState().exportBundle(run.runId, bundlePathOf(store.getState().info, run.runId), bundleName(run));
    // Written beside the history under the run id (the host's download route serves it from there).
    expect(client.inputsOf('bundle.export')).toEqual([{ runId: 'run-1', path: '/data/bundles/run-1.zip' }]);
    const shown = text(store, <HistoryView />);
    expect(shown).toContain('Downloaded as acme-dental-2026-12-07.zip (5 KB)');
    expect(shown).not.toContain('/data/bundles');
  });

  it('in the desktop app asks where (no path sent) and shows where it was written', async () => {
    const client = new FakeClient()
      .on('history.list', () => ok([run]))
      .on('app.chooseFile', () => ok({ path: '/home/tech/acme.zip' }))
      .on('bundle.export', (input) => ok({ path: input.path, sha256: 'x', bytes: 5000 }));
    const store = createWizardStore(client);
    store.setState({ info: { status: 'done', value: info('electron') } });
    await store.getState().loadRuns();
    expect(bundlePathOf(store.getState().info, run.runId)).toBeUndefined();
    await store.getState().exportBundle(run.runId, undefined, bundleName(run));
    expect(client.inputsOf('app.chooseFile')).toEqual([
      { purpose: 'export-bundle', suggestedName: 'acme-dental-2026-12-07.zip' },
    ]);
    expect(text(store, <HistoryView />)).toContain('Bundle written to /home/tech/acme.zip (5000 bytes).');
  });
});
