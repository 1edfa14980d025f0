/**
 * What the router's answers mean for commit-confirmed (confirm-answers.ts): its clock, a revert
 * job already waiting, a job that could not be installed, and what a confirm removes and whether
 * it called the revert off. Rows as the RouterOS API prints them; confirm.ts only sends and asks,
 * and is walked against the simulator in test/integration/routeros-clock.test.ts and
 * router-engine.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { RouterChange } from '../../../electron/routeros/change';
import {
  clockAt,
  clockOfRow,
  confirmTargets,
  installFailed,
  pendingOf,
  STILL_PENDING,
  timerCalledOff,
  timerWaiting,
} from '../../../electron/routeros/confirm-answers';

const SCHEDULERS = '/system/scheduler';
const SCRIPTS = '/system/script';

describe("the router's clock (/system/clock/print)", () => {
  it('keeps date, time, zone and offset as printed', () => {
    const row = {
      '.id': '*0',
      date: '2026-12-07',
      time: '11:40:00',
      'time-zone-name': 'Europe/Vienna',
      'gmt-offset': '+01:00',
    };
    expect(clockOfRow(row)).toEqual({
      ok: true,
      value: { date: '2026-12-07', time: '11:40:00', zone: 'Europe/Vienna', gmtOffset: '+01:00' },
    });
  });

  it('leaves out a zone and an offset the router does not print, or prints empty', () => {
    const clock = { date: 'dec/07/2026', time: '11:40:00' };
    expect(clockOfRow({ '.id': '*0', ...clock })).toEqual({ ok: true, value: clock });
    expect(clockOfRow({ '.id': '*0', ...clock, 'time-zone-name': '', 'gmt-offset': '' })).toEqual({
      ok: true,
      value: clock,
    });
  });

  it('refuses a row without a date or a time, or no row, saying the revert cannot be timed', () => {
    for (const row of [{ '.id': '*0', time: '11:40:00' }, { '.id': '*0', date: '2026-12-07' }, undefined]) {
      const read = clockOfRow(row);
      expect(read.ok, JSON.stringify(row)).toBe(false);
      if (read.ok) continue;
      expect(read.error).toEqual({
        code: 'io_failed',
        message: 'The router did not tell its clock, so the automatic revert cannot be timed.',
        detail: `/system/clock/print: ${JSON.stringify(row ?? null)}`,
      });
    }
  });

  it('is moved on by the minutes elapsed on this machine since the reading', () => {
    const reading = { clock: { date: '2026-12-07', time: '23:59:30' }, readAt: 1_000 };
    expect(clockAt(reading, 1_000 + 90_000)).toEqual({ date: '2026-12-08', time: '00:01:00' });
    expect(clockAt(reading, 1_000)).toEqual(reading.clock);
  });

  it('is never moved back when this machine reports an earlier instant', () => {
    const reading = { clock: { date: '2026-12-07', time: '12:00:00' }, readAt: 600_000 };
    expect(clockAt(reading, 0)).toEqual({ date: '2026-12-07', time: '12:00:00' });
  });

  it('stays as read when the reading cannot be moved (a date the wizard cannot read)', () => {
    const reading = { clock: { date: '07.12.2026', time: '12:00:00' }, readAt: 0 };
    expect(clockAt(reading, 120_000)).toBe(reading.clock);
  });
});

describe('a revert job already on the router', () => {
  it('is none when the scheduler lists nothing under its name, or only rows without an id', () => {
    expect(pendingOf([])).toBeUndefined();
    expect(pendingOf([{ '.id': '', name: 'fspbx-nat-revert' }])).toBeUndefined();
  });

  it("is waiting, with the scheduler's next run when the router prints one", () => {
    expect(pendingOf([{ '.id': '*5', name: 'fspbx-nat-revert', 'next-run': '2026-12-07 12:10:00' }])).toEqual({
      nextRun: '2026-12-07 12:10:00',
    });
    expect(pendingOf([{ '.id': '*5', name: 'fspbx-nat-revert' }])).toEqual({});
    expect(pendingOf([{ '.id': '*5', 'next-run': '' }])).toEqual({});
  });

  it('refuses a new apply until the waiting one is confirmed or reverted', () => {
    expect(STILL_PENDING).toEqual({
      code: 'invalid_input',
      message:
        'An earlier change on this router is still waiting for confirmation: confirm it or let it revert before applying again.',
    });
  });
});

describe('a revert job that could not be installed', () => {
  it("says nothing was changed, with the router's own refusal, its code and detail", () => {
    const refused = { code: 'permission_denied' as const, message: 'not enough permissions (9)', detail: '!trap' };
    expect(installFailed({ failed: { error: refused } })).toEqual({
      code: 'permission_denied',
      message: 'The automatic revert could not be installed, so nothing was changed: not enough permissions (9)',
      detail: '!trap',
    });
  });

  it('has no detail when the refusal carries none', () => {
    const error = installFailed({ failed: { error: { code: 'io_failed', message: 'failure: item exists' } } });
    expect(error).toEqual({
      code: 'io_failed',
      message: 'The automatic revert could not be installed, so nothing was changed: failure: item exists',
    });
    expect('detail' in error).toBe(false);
  });

  it('says "no answer" when the router never answered', () => {
    expect(installFailed({})).toEqual({
      code: 'io_failed',
      message: 'The automatic revert could not be installed, so nothing was changed: no answer',
    });
  });
});

/** The confirm's removals as revert.ts writes them: the timer first, then the script. */
const removal = (id: string, path: RouterChange['path']): RouterChange => ({
  id,
  target: 'router',
  path,
  action: 'remove',
  match: { name: 'fspbx-nat-revert' },
  before: { name: 'fspbx-nat-revert' },
  after: null,
  reason: 'The technician confirmed.',
});
const TIMER = removal('confirm-1', SCHEDULERS);
const SCRIPT = removal('confirm-2', SCRIPTS);

describe('what a confirm removes', () => {
  it('aims each removal at the id the router listed for it', () => {
    expect(confirmTargets([TIMER, SCRIPT], [[{ '.id': '*7' }], [{ '.id': '*3' }]])).toEqual([
      { ...TIMER, itemId: '*7' },
      { ...SCRIPT, itemId: '*3' },
    ]);
  });

  it('asks nothing of an item the router no longer lists (the revert already ran)', () => {
    expect(confirmTargets([TIMER, SCRIPT], [[], [{ '.id': '*3' }]])).toEqual([{ ...SCRIPT, itemId: '*3' }]);
    expect(confirmTargets([TIMER, SCRIPT], [[{ name: 'fspbx-nat-revert' }], undefined])).toEqual([]);
  });

  it('takes the first row that has an id', () => {
    expect(confirmTargets([TIMER], [[{ name: 'x' }, { '.id': '*9' }, { '.id': '*A' }]])).toEqual([
      { ...TIMER, itemId: '*9' },
    ]);
  });
});

describe('whether the revert was still waiting when the confirm came', () => {
  it('is yes when the timer was among what the router listed, whatever else was', () => {
    expect(timerWaiting([TIMER, SCRIPT])).toBe(true);
    expect(timerWaiting([SCRIPT, TIMER])).toBe(true);
  });

  it('is no when only scripts were left, or nothing: the revert already ran', () => {
    expect(timerWaiting([SCRIPT])).toBe(false);
    expect(timerWaiting([])).toBe(false);
  });
});

describe('whether a confirm called the revert off', () => {
  const applied = (id: string) => ({ id, status: 'applied' });

  it('is yes once the router removed the timer, even if the script then stayed', () => {
    const sent = [TIMER, SCRIPT];
    expect(timerCalledOff(sent, [applied('confirm-1'), applied('confirm-2')])).toBe(true);
    for (const status of ['failed', 'unknown'])
      expect(timerCalledOff(sent, [applied('confirm-1'), { id: 'confirm-2', status }]), status).toBe(true);
  });

  it('is no when no timer was there to remove: the revert already ran, or never was', () => {
    expect(timerCalledOff([SCRIPT], [applied('confirm-2')])).toBe(false);
    expect(timerCalledOff([], [])).toBe(false);
  });

  it('is no when the timer removal was refused, unanswered or never sent: the revert still runs', () => {
    // Nothing is sent after a refusal or a lost link (apply.ts): the script's removal is never sent.
    for (const status of ['failed', 'unknown', 'not-sent'])
      expect(
        timerCalledOff(
          [TIMER, SCRIPT],
          [
            { id: 'confirm-1', status },
            { id: 'confirm-2', status: 'not-sent' },
          ],
        ),
        status,
      ).toBe(false);
    // Another change's success does not stand for the timer's.
    expect(timerCalledOff([TIMER, SCRIPT], [{ id: 'confirm-1', status: 'failed' }, applied('confirm-2')])).toBe(false);
  });
});
