/**
 * Closing the desktop window during an apply: the decision (pure) and the
 * counting of change calls the shell feeds it (a real dispatcher).
 */
import { describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../../electron/api/dispatcher';
import { createHandlers } from '../../../electron/api/handlers';
import { nodeEnv } from '../../../electron/api/handlers/node-env';
import { CLOSE_QUESTION, FINISHING_NOTICE, onChangeEnded, onQuitAsked } from '../../../electron/app/quit-guard';
import { countChanges } from '../../../electron/shell/changes';
import { unitDataDir } from '../helpers/data-dir';

describe('quit decision', () => {
  it('quits at once when nothing is being changed', () => {
    expect(onQuitAsked({ changesInFlight: 0 })).toEqual({ action: 'quit' });
  });

  it('waits, and says so, while a change is in flight', () => {
    expect(onQuitAsked({ changesInFlight: 1 })).toEqual({ action: 'wait', notice: FINISHING_NOTICE });
    expect(onQuitAsked({ changesInFlight: 2 }).action).toBe('wait');
    expect(FINISHING_NOTICE).toMatch(/until the change under way has finished/);
    expect(FINISHING_NOTICE).toMatch(/undoes its part by itself unless you confirm/);
  });

  it('quits when the last change ends only if a quit was waiting for it', () => {
    expect(onChangeEnded({ changesInFlight: 0, quitPending: true })).toBe('quit');
    expect(onChangeEnded({ changesInFlight: 1, quitPending: true })).toBe('stay');
    expect(onChangeEnded({ changesInFlight: 0, quitPending: false })).toBe('stay');
  });

  it('tells the technician before the window closes that the change is finished, not cut off', () => {
    expect(CLOSE_QUESTION.detail).toMatch(/finishes the change under way/);
    expect(CLOSE_QUESTION.detail).not.toMatch(/unfinished/);
  });
});

describe('change calls counted by the shell', () => {
  function slowApply() {
    let finish: () => void = () => {};
    const handlers: Handlers = {
      ...createHandlers(nodeEnv('cli', unitDataDir)),
      // The run is refused by the real handler without a plan; a held promise stands for an apply under way.
      'site.apply': () =>
        new Promise((resolve) => {
          finish = () => resolve({ runId: 'r1', status: 'applied', applied: [], journal: [] } as never);
        }),
    };
    return { handlers, finish: () => finish() };
  }
  const ctx = () => ({ signal: new AbortController().signal, progress: () => {} });

  it('counts site.apply while it runs and reports its end; app.info is not a change', async () => {
    const { handlers, finish } = slowApply();
    const ended: number[] = [];
    const dispatcher = countChanges(createDispatcher(handlers), () => ended.push(dispatcher.changesInFlight()));
    await dispatcher.call('app.info', {}, ctx());
    expect(dispatcher.changesInFlight()).toBe(0);
    expect(ended).toEqual([]);

    const apply = dispatcher.call('site.apply', { runId: 'r1' }, ctx());
    await new Promise((resolve) => setImmediate(resolve));
    expect(dispatcher.changesInFlight()).toBe(1);
    expect(onQuitAsked({ changesInFlight: dispatcher.changesInFlight() }).action).toBe('wait');
    finish();
    await apply;
    expect(dispatcher.changesInFlight()).toBe(0);
    expect(ended).toEqual([0]);
  });

  it('counts a change that the dispatcher refuses as ended too (nothing stays counted)', async () => {
    const ended: number[] = [];
    const dispatcher = countChanges(createDispatcher(createHandlers(nodeEnv('cli', unitDataDir))), () =>
      ended.push(dispatcher.changesInFlight()),
    );
    const result = await dispatcher.call('site.apply', { nonsense: true }, ctx());
    expect(result.ok).toBe(false);
    expect(dispatcher.changesInFlight()).toBe(0);
    expect(ended).toEqual([0]);
  });
});
