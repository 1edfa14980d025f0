/**
 * The automatic revert as the router receives it (revert.ts): the job's script and timer, what
 * "confirm" and "take back" remove, the rollback of a plan (also of entries the wizard does not
 * own), and the router clock's formats. Plain data in, changes out.
 */
import { describe, expect, it } from 'vitest';
import type { RouterChange } from '../../../electron/routeros/change';
import {
  addMinutes,
  REVERT_POLICIES,
  revertConfirm,
  revertInstall,
  revertUninstall,
  rollbackOf,
  type RouterClock,
} from '../../../electron/routeros/revert';
import { defconfRouter } from './fixtures/defconf';

/** The name the job has on the router (System › Scripts and System › Scheduler in WinBox). */
const JOB = 'fspbx-nat-revert';

const later = (clock: RouterClock, minutes: number): RouterClock => {
  const r = addMinutes(clock, minutes);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

const oneRemove: RouterChange = {
  id: 'restore-1',
  target: 'router',
  path: '/ip/firewall/nat',
  action: 'remove',
  itemId: '*A',
  before: { comment: 'fspbx-nat: forward sip' },
  after: null,
  reason: 'The wizard added this.',
};

function install(minutes = 5, clock: RouterClock = { date: '2026-11-25', time: '08:00:00' }) {
  const r = revertInstall([oneRemove], clock, minutes);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('the revert job the router receives', () => {
  it('is a script and a timer named fspbx-nat-revert, tagged as the wizard’s, with read and write policies only', () => {
    const { changes } = install();
    expect(REVERT_POLICIES).toEqual(['read', 'write']);
    const [script, timer] = changes;
    expect(script).toMatchObject({
      id: 'revert-script',
      target: 'router',
      path: '/system/script',
      action: 'add',
      before: null,
      after: {
        name: JOB,
        comment: 'fspbx-nat: revert',
        policy: 'read,write',
        'dont-require-permissions': 'no',
      },
    });
    expect(timer).toMatchObject({
      id: 'revert-scheduler',
      target: 'router',
      path: '/system/scheduler',
      action: 'add',
      before: null,
      after: {
        name: JOB,
        comment: 'fspbx-nat: revert timer',
        'start-date': '2026-11-25',
        'start-time': '08:05:00',
        interval: '5m',
        'on-event': `/system script run ${JOB}`,
        policy: 'read,write',
      },
    });
    expect(timer!.reason).toContain('2026-11-25 08:05:00');
    for (const change of changes) expect(change.reason.length).toBeGreaterThan(10);
  });

  it('runs once: removes its timer, undoes each step, logs a warning and removes itself, line by line', () => {
    const lines = install().source.split('\n');
    expect(lines[0]).toBe(`/system scheduler remove [find where name="${JOB}"]`);
    // Someone reading it in WinBox (System › Scripts) sees what it is.
    expect(lines[1]).toBe('# fspbx-nat: automatic revert');
    expect(lines.at(-1)).toBe('');
    expect(lines.at(-2)).toBe(`/system script remove [find where name="${JOB}"]`);
    expect(lines.at(-3)).toBe(':log warning "fspbx-nat: change not confirmed, router reverted"');
    // The undo step sits between, with no empty line left by the rendered block.
    expect(lines.slice(1, -3).some((l) => l.includes('/ip firewall nat remove'))).toBe(true);
    expect(lines.slice(0, -1).every((l) => l !== '')).toBe(true);
  });

  it('accepts a delay of 1 minute up to a day, in whole minutes, and names the field otherwise', () => {
    expect(install(1).revertAt.time).toBe('08:01:00');
    expect(install(24 * 60).revertAt).toEqual({ date: '2026-11-26', time: '08:00:00' });
    for (const minutes of [0, -5, 24 * 60 + 1, 1.5, Number.NaN]) {
      const r = revertInstall([oneRemove], { date: '2026-11-25', time: '08:00:00' }, minutes);
      expect(r.ok ? 'accepted' : [r.error.code, r.error.field]).toEqual(['invalid_input', 'options.revertMinutes']);
      expect(r.ok || r.error.message).toMatch(/minute/);
    }
  });

  it('refuses to install (and does not throw) on a clock it cannot read or a rollback it cannot write', () => {
    const badClock = revertInstall([oneRemove], { date: 'tomorrow', time: '08:00:00' }, 5);
    expect(badClock.ok || badClock.error.code).toBe('invalid_input');
    const unsafe: RouterChange = { ...oneRemove, action: 'add', itemId: undefined, after: { 'bad field': 'x' } };
    const badScript = revertInstall([unsafe], { date: '2026-11-25', time: '08:00:00' }, 5);
    expect(badScript.ok || badScript.error.message).toMatch(/not safe/);
  });
});

describe('calling the revert off', () => {
  it('confirm removes the timer, then the script, each by the job’s name and saying why', () => {
    const changes = revertConfirm();
    expect(changes.map((c) => [c.id, c.target, c.path, c.action, c.match, c.before, c.after])).toEqual([
      ['confirm-1', 'router', '/system/scheduler', 'remove', { name: JOB }, { name: JOB }, null],
      ['confirm-2', 'router', '/system/script', 'remove', { name: JOB }, { name: JOB }, null],
    ]);
    expect(changes[0]!.reason).toMatch(/confirmed/);
    expect(changes[1]!.reason).toMatch(/no longer needed/);
  });

  it('after a failed apply takes back only what this install added, by the ids the router returned, timer first', () => {
    const taken = revertUninstall([
      { id: 'revert-script', status: 'applied', itemId: '*S1' },
      { id: 'revert-scheduler', status: 'applied', itemId: '*T1' },
      { id: 'router-1', status: 'applied', itemId: '*N1' },
    ]);
    expect(taken.map((c) => [c.id, c.target, c.path, c.action, c.itemId, c.before, c.after])).toEqual([
      ['uninstall-scheduler', 'router', '/system/scheduler', 'remove', '*T1', { name: JOB }, null],
      ['uninstall-script', 'router', '/system/script', 'remove', '*S1', { name: JOB }, null],
    ]);
    // Never by name: another apply's job of the same name stays.
    expect(taken.every((c) => c.match === undefined)).toBe(true);
    expect(taken.every((c) => /could not go on/.test(c.reason))).toBe(true);
  });

  it('takes back nothing the router did not confirm: failed adds, adds without an id, other changes', () => {
    expect(
      revertUninstall([
        { id: 'revert-script', status: 'failed', itemId: '*S1' },
        { id: 'revert-scheduler', status: 'applied' },
        { id: 'router-1', status: 'applied', itemId: '*N1' },
      ]),
    ).toEqual([]);
    expect(revertUninstall([{ id: 'revert-script', status: 'applied', itemId: '*S1' }]).map((c) => c.path)).toEqual([
      '/system/script',
    ]);
    expect(revertUninstall([])).toEqual([]);
  });
});

describe('the rollback of a plan', () => {
  it('puts back an entry the wizard does not own when the plan changed it (the job undoes exactly the plan)', () => {
    const before = defconfRouter();
    const rule = before.filter.find((r) => r.comment === 'defconf: drop all not coming from LAN')!;
    const plan = {
      changes: [
        {
          id: 'router-1',
          target: 'router' as const,
          path: '/ip/firewall/filter' as const,
          action: 'set' as const,
          itemId: rule['.id'],
          before: { disabled: rule.disabled ?? 'false' },
          after: { disabled: 'true' },
          reason: 'test',
        },
      ],
      warnings: [],
      facts: {},
    };
    const rollback = rollbackOf(before, plan);
    if (!rollback.ok) throw new Error(rollback.error.message);
    expect(rollback.value.changes).toHaveLength(1);
    expect(rollback.value.changes[0]).toMatchObject({
      path: '/ip/firewall/filter',
      action: 'set',
      itemId: rule['.id'],
      after: { disabled: rule.disabled ?? 'false' },
    });
  });

  it('refuses a plan that does not apply to the state it was made from', () => {
    const plan = {
      changes: [{ ...oneRemove, itemId: '*DEAD' }],
      warnings: [],
      facts: {},
    };
    const rollback = rollbackOf(defconfRouter(), plan);
    expect(rollback.ok ? 'accepted' : [rollback.error.code, rollback.error.detail]).toEqual([
      'internal',
      'no such item',
    ]);
    expect(rollback.ok || rollback.error.message).toMatch(/does not apply/);
  });
});

describe('the router clock', () => {
  it('reads every month of the old date format and writes the same format back', () => {
    const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
    months.forEach((month, i) => {
      expect(later({ date: `${month}/15/2026`, time: '12:00:00' }, 10).date).toBe(`${month}/15/2026`);
      // The last day of each month rolls into the next one.
      const last = new Date(Date.UTC(2026, i + 1, 0)).getUTCDate();
      const next = months[(i + 1) % 12]!;
      const year = i === 11 ? 2027 : 2026;
      expect(later({ date: `${month}/${last}/2026`, time: '23:55:00' }, 10).date).toBe(`${next}/01/${year}`);
    });
  });

  it('refuses a clock with anything around the date or time, an unknown month or an unreadable offset', () => {
    const good = { date: '2026-11-25', time: '08:00:00' };
    for (const clock of [
      { ...good, time: '8:00:00' },
      { ...good, time: '08:00:00 ' },
      { ...good, time: 'x08:00:00' },
      { ...good, date: '2026-11-25x' },
      { ...good, date: ' 2026-11-25' },
      { ...good, date: 'xyz/25/2026' },
      { ...good, date: 'nov/25/2026 ' },
      { ...good, date: 'xnov/25/2026' },
      { ...good, date: 'someday' },
      { ...good, gmtOffset: '+03:00x' },
      { ...good, gmtOffset: 'x+03:00' },
      { ...good, gmtOffset: '10800s' },
      { ...good, gmtOffset: 's10800' },
    ]) {
      const r = addMinutes(clock, 5);
      expect(r.ok ? `accepted ${JSON.stringify(clock)}` : r.error.code).toBe('invalid_input');
      expect(r.ok || r.error.message).toMatch(/clock/);
    }
  });

  it('prints the offset as the router does, in hours and minutes, from either form it reports', () => {
    expect(later({ ...{ date: '2026-11-25', time: '08:00:00' }, gmtOffset: '' }, 5).time).toBe('08:05:00');
    expect(later({ date: '2026-11-25', time: '08:00:00', gmtOffset: '10800' }, 5).gmtOffset).toBe('+03:00');
    expect(later({ date: '2026-11-25', time: '08:00:00', gmtOffset: '-19800' }, 5).gmtOffset).toBe('-05:30');
    expect(later({ date: '2026-11-25', time: '08:00:00', gmtOffset: '-05:30' }, 5).gmtOffset).toBe('-05:30');
    expect(later({ date: '2026-11-25', time: '08:00:00', zone: 'UTC', gmtOffset: '+00:00' }, 5)).toStrictEqual({
      date: '2026-11-25',
      time: '08:05:00',
      zone: 'UTC',
      gmtOffset: '+00:00',
    });
  });

  it('reads a zone’s offset given in seconds: 10 minutes later on the New York wall clock', () => {
    // 2026-07-01 08:00 EDT (-4 h, printed -14400 to a script) + 10 min.
    expect(later({ date: '2026-07-01', time: '08:00:00', zone: 'America/New_York', gmtOffset: '-14400' }, 10)).toEqual({
      date: '2026-07-01',
      time: '08:10:00',
      zone: 'America/New_York',
      gmtOffset: '-04:00',
    });
  });

  it('says only what the router said: no zone or offset in the answer when the clock had none', () => {
    expect(later({ date: '2026-11-25', time: '08:00:00' }, 5)).toStrictEqual({ date: '2026-11-25', time: '08:05:00' });
  });

  it('hours after the autumn change are not moved: only the repeated hour is', () => {
    // 2026-11-01 04:00 EST, three hours after New York's clocks went back: nothing repeats now.
    expect(
      later({ date: '2026-11-01', time: '04:00:00', zone: 'America/New_York', gmtOffset: '-05:00' }, 10),
    ).toStrictEqual({ date: '2026-11-01', time: '04:10:00', zone: 'America/New_York', gmtOffset: '-05:00' });
  });
});
