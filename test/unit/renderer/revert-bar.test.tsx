/**
 * The open visit in the app: the bar's phases and sentences (pure), the resume of an open run
 * History holds after a reload, and what the bar and History show, rendered from the store.
 */
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../contract/types';
import { RevertBar } from '../../../renderer/src/components/RevertBar';
import { HistoryView } from '../../../renderer/src/history/HistoryView';
import {
  armedSentence,
  clockTime,
  expiredSentence,
  openRunOf,
  revertPhase,
  timeLeft,
} from '../../../renderer/src/store/open-run';
import { createWizardStore, type WizardStore } from '../../../renderer/src/store/wizard';
import { FakeClient, ok } from './fake-client';
import { shownText as text } from './render';

const NOW = Date.parse('2026-12-07T14:27:30Z');
const REVERT_AT = '2026-12-07T14:32:00.000Z';

function runOf(over: Partial<RunSummary>): RunSummary {
  return {
    runId: 'run-1',
    siteId: 'site-1',
    kind: 'apply',
    status: 'applied',
    startedAt: '2026-12-07T14:20:00.000Z',
    changeCount: 28,
    snapshotId: 'snap-1',
    revertAt: REVERT_AT,
    siteName: 'Acme Dental',
    siteTicket: 'T-1234',
    routerIdentity: 'MikroTik',
    boxes: {
      router: { state: 'applied', at: '2026-12-07T14:27:00.000Z', changes: 12 },
      pbx: { state: 'applied', at: '2026-12-07T14:27:00.000Z', changes: 16 },
    },
    ...over,
  };
}

describe('the open run (pure)', () => {
  it('finds the applied, unconfirmed run of this laptop, and nothing else', () => {
    expect(openRunOf([runOf({})])).toEqual({
      runId: 'run-1',
      revertAt: REVERT_AT,
      snapshotId: 'snap-1',
      routerChanges: 12,
      pbxChanges: 16,
    });
    expect(openRunOf([runOf({ status: 'confirmed' })])).toBeUndefined();
    expect(openRunOf([runOf({ imported: { signature: 'unsigned' } })])).toBeUndefined();
    expect(openRunOf([runOf({ kind: 'rollback' })])).toBeUndefined();
    const { revertAt: _, ...noTime } = runOf({});
    expect(openRunOf([noTime])).toBeUndefined();
  });

  it('counts down to the revert time, then says what the router did and what the PBX still has', () => {
    const run = openRunOf([runOf({})])!;
    expect(revertPhase(undefined, NOW)).toEqual({ kind: 'none' });
    expect(revertPhase(run, NOW)).toEqual({ kind: 'armed', run, secondsLeft: 270 });
    expect(revertPhase(run, Date.parse(REVERT_AT))).toEqual({ kind: 'expired', run });
    expect(timeLeft(270)).toBe('4:30');
    expect(timeLeft(-3)).toBe('0:00');
    expect(armedSentence(run, 270)).toBe(
      'The router undoes its 12 changes in 4:30 unless you keep them. The PBX keeps its 16 changes either way.',
    );
    expect(expiredSentence(run)).toBe(
      `The router undid its 12 changes at ${clockTime(REVERT_AT)}. The PBX still has its 16 changes: undo the PBX half, or plan and apply again.`,
    );
    expect(expiredSentence({ ...run, pbxChanges: 0, routerChanges: 1 })).toBe(
      `The router undid its 1 change at ${clockTime(REVERT_AT)}. Plan and apply again to make the changes.`,
    );
  });
});

async function storeWith(runs: RunSummary[], client = new FakeClient()): Promise<WizardStore> {
  client.on('history.list', () => ok(runs));
  const store = createWizardStore(client);
  await store.getState().loadRuns();
  return store;
}

describe('resume after a reload', () => {
  it('reopens the open run at Verify with its countdown, and keeps it under its own run id', async () => {
    const client = new FakeClient().on('site.confirm', () => ok(runOf({ status: 'confirmed' })));
    const store = await storeWith([runOf({})], client);
    expect(store.getState().resumeOpenRun()).toBe(true);
    const s = store.getState();
    expect(s.step).toBe('verify');
    expect(s.applying.status).toBe('done');
    expect(s.applying.result).toMatchObject({ runId: 'run-1', revertAt: REVERT_AT, snapshotId: 'snap-1' });
    await store.getState().confirmRun();
    expect(client.inputsOf('site.confirm')[0]?.runId).toBe('run-1');
  });

  it('has nothing to reopen when no run is open', async () => {
    const store = await storeWith([runOf({ status: 'confirmed' })]);
    expect(store.getState().resumeOpenRun()).toBe(false);
    expect(store.getState().step).toBe('network');
  });
});

describe('the bar and History', () => {
  it('shows the time left, the run id, Keep and Undo while the revert is armed', async () => {
    const future = new Date(Date.now() + 5 * 60_000).toISOString();
    const store = await storeWith([runOf({ revertAt: future })]);
    const shown = text(store, <RevertBar />);
    expect(shown).toMatch(/The router undoes its 12 changes in [45]:\d\d unless you keep them/);
    expect(shown).toContain('Run run-1');
    expect(shown).toContain('Keep the changes');
    expect(shown).toContain('Undo now');
    // No logins are asked for up front: the app's host still holds them after a reload.
    expect(shown).not.toContain('type the router and PBX logins again');
  });

  it('past the revert time: reads the router, then says what it did, what the PBX still has, and the two ways on', async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    const client = new FakeClient().on('site.revertState', () =>
      ok({ runId: 'run-1', armed: false, routerUndone: true, run: runOf({ status: 'interrupted' }) }),
    );
    const store = await storeWith([runOf({ revertAt: past })], client);
    store.getState().resumeOpenRun();
    expect(text(store, <RevertBar />)).toContain('The time to keep the changes is up: reading the router…');
    await store.getState().readRevertState();
    // No logins typed (a reload): the host's own are used, none are sent.
    expect(client.inputsOf('site.revertState')).toEqual([{ runId: 'run-1' }]);
    const shown = text(store, <RevertBar />);
    expect(shown).toContain(`The router undid its 12 changes at ${clockTime(past)}`);
    expect(shown).toContain('The PBX still has its 16 changes');
    expect(shown).toContain('Undo the PBX half');
    expect(shown).toContain('Plan and apply again');
    expect(shown).not.toContain('Keep the changes');
  });

  it('shows nothing when no run is open', async () => {
    const store = await storeWith([runOf({ status: 'confirmed' })]);
    expect(text(store, <RevertBar />).trim()).toBe('');
  });

  it('lists the site as named, its ticket, the router identity, each box, and Confirm, Verify, Undo for the open run', async () => {
    const later = new Date(Date.now() + 5 * 60_000).toISOString();
    const store = await storeWith([
      runOf({ revertAt: later }),
      runOf({
        runId: 'run-0',
        status: 'interrupted',
        revertAt: undefined,
        boxes: {
          router: { state: 'reverted-by-router', at: '2026-12-07T12:00:00.000Z', changes: 12 },
          pbx: { state: 'rolled-back', at: '2026-12-07T12:10:00.000Z', changes: 16, byRun: 'run-r' },
        },
      }),
    ]);
    const shown = text(store, <HistoryView />);
    expect(shown).toContain('Acme Dental ticket T-1234 router MikroTik');
    expect(shown).toContain('Router: applied (12 changes) PBX: applied (16 changes)');
    expect(shown).toContain("Router: undone by the router's own timer (12 changes)");
    expect(shown).toContain('PBX: rolled back by run run-r (16 changes)');
    expect(shown.match(/Confirm Verify Undo/g)).toHaveLength(1);
  });
});

describe('a revert the router has not run yet at the laptop’s time', () => {
  it('still offers to keep the changes, with the time the router gives', async () => {
    const past = new Date(Date.now() - 10_000).toISOString();
    const client = new FakeClient().on('site.revertState', () =>
      ok({ runId: 'run-1', armed: true, nextRun: '2026-12-07 14:33:00', routerUndone: false, run: runOf({}) }),
    );
    const store = await storeWith([runOf({ revertAt: past })], client);
    store.getState().resumeOpenRun();
    await store.getState().readRevertState();
    const shown = text(store, <RevertBar />);
    expect(shown).toContain('The router has not undone the changes yet (its timer runs at 2026-12-07 14:33:00');
    expect(shown).toContain('Keep the changes');
  });
});
