/**
 * The app's start-up reads live in the store (start(), called once by main.tsx), not in
 * components' effects: tested here without React.
 */
import { describe, expect, it } from 'vitest';
import type { AppInfo, LanFacts, PlannedRun, RunSummary } from '../../../contract/types';
import { createWizardStore } from '../../../renderer/src/store/wizard';
import { FakeClient, ok } from './fake-client';

const info: AppInfo = {
  name: 'fspbx-nat',
  version: '1.0.0',
  frontEnd: 'browser',
  platform: 'linux',
  dataDir: '/data',
  runtime: { node: '22' },
};
const lan: LanFacts = { interfaces: [], reasoning: 'none found' };
const openRun = (revertAt: string): RunSummary => ({
  runId: 'run-open',
  siteId: 'site-1',
  kind: 'apply',
  status: 'applied',
  startedAt: '2026-01-01T10:00:00.000Z',
  changeCount: 3,
  snapshotId: 'snap-1',
  revertAt,
  boxes: {
    router: { state: 'applied', changes: 2, at: '2026-01-01T10:00:05.000Z' },
    pbx: { state: 'applied', changes: 1, at: '2026-01-01T10:00:09.000Z' },
  },
});

function client(runs: RunSummary[]) {
  return new FakeClient()
    .on('app.info', () => ok(info))
    .on('lan.detect', () => ok(lan))
    .on('history.list', () => ok(runs));
}

const inFiveMinutes = () => new Date(Date.now() + 5 * 60_000).toISOString();

describe('start-up', () => {
  it('reads the app, the networks and History once, however often it is called', async () => {
    const fake = client([]);
    const store = createWizardStore(fake);
    await Promise.all([store.getState().start(), store.getState().start()]);
    await store.getState().start();
    expect(fake.calls.map((c) => c.op).sort()).toEqual(['app.info', 'history.list', 'lan.detect']);
    const s = store.getState();
    expect(s.info).toEqual({ status: 'done', value: info });
    expect(s.lan).toEqual({ status: 'done', value: lan });
    expect(s.runs).toEqual({ status: 'done', value: [] });
    expect(s.step).toBe('network');
    expect(s.resumed).toBeUndefined();
  });

  it("reopens History's open run at Verify with its countdown (after a reload, a crash or a restart)", async () => {
    const revertAt = inFiveMinutes();
    const store = createWizardStore(client([openRun(revertAt)]));
    await store.getState().start();
    const s = store.getState();
    expect(s.step).toBe('verify');
    expect(s.resumed).toMatchObject({ runId: 'run-open', revertAt, routerChanges: 2, pbxChanges: 1 });
    expect(s.applying).toMatchObject({ status: 'done', result: { runId: 'run-open', revertAt } });
  });

  it('also reopens a run whose revert time has passed, so the bar can say what the router did', async () => {
    const store = createWizardStore(client([openRun('2026-01-01T10:05:00.000Z')]));
    await store.getState().start();
    expect(store.getState().resumed?.runId).toBe('run-open');
  });

  it('leaves a confirmed run, and a run with no readable revert time, in History', async () => {
    for (const run of [{ ...openRun(inFiveMinutes()), status: 'confirmed' as const }, openRun('not a time')]) {
      const store = createWizardStore(client([run]));
      await store.getState().start();
      expect(store.getState().resumed).toBeUndefined();
      expect(store.getState().step).toBe('network');
    }
  });

  it('never replaces a plan this session made while History was being read', async () => {
    const planned: PlannedRun = { runId: 'run-new', plan: { changes: [], warnings: [], facts: {} } };
    const store = createWizardStore(client([openRun(inFiveMinutes())]).on('site.plan', () => ok(planned)));
    const starting = store.getState().start();
    await store.getState().makePlan();
    await starting;
    expect(store.getState().resumed).toBeUndefined();
    expect(store.getState().planned).toEqual({ status: 'done', value: planned });
  });
});
