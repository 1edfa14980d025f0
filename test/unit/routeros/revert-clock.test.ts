/**
 * The automatic revert is timed on the router's own clock (revert.ts addMinutes): its date format
 * (jan/02/2024 before 7.10, ISO after), its zone and its DST changes. Dates and zones are real
 * ones: America/New_York changes on 2026-03-08 02:00 (to EDT) and 2026-11-01 02:00 (back to EST),
 * Europe/Berlin on 2026-03-29 02:00 and 2026-10-25 03:00 (IANA tzdata).
 */
import { describe, expect, it } from 'vitest';
import { addMinutes, type RouterClock } from '../../../electron/routeros/revert';

const later = (clock: RouterClock, minutes: number): RouterClock => {
  const r = addMinutes(clock, minutes);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('the revert time on the router clock', () => {
  it('crosses midnight and the year end in both date formats', () => {
    for (const [date, next, gmtOffset] of [
      ['2026-06-30', '2026-07-01', '+02:00'],
      ['jun/30/2026', 'jul/01/2026', '+02:00'],
      ['2026-12-31', '2027-01-01', '+01:00'],
      ['dec/31/2026', 'jan/01/2027', '+01:00'],
    ] as const) {
      expect(later({ date, time: '23:55:00', zone: 'Europe/Berlin', gmtOffset }, 10)).toMatchObject({
        date: next,
        time: '00:05:00',
      });
    }
  });

  it('keeps a non-UTC zone and its offset: 10 minutes are 10 minutes of the router wall clock', () => {
    expect(later({ date: 'mar/05/2026', time: '14:00:00', zone: 'Asia/Kolkata', gmtOffset: '+05:30' }, 10)).toEqual({
      date: 'mar/05/2026',
      time: '14:10:00',
      zone: 'Asia/Kolkata',
      gmtOffset: '+05:30',
    });
  });

  it('follows the router across the spring DST change (the skipped hour is not waited for twice)', () => {
    // 01:55 EST + 10 min = 07:05 UTC = 03:05 EDT.
    expect(later({ date: '2026-03-08', time: '01:55:00', zone: 'America/New_York', gmtOffset: '-05:00' }, 10)).toEqual({
      date: '2026-03-08',
      time: '03:05:00',
      zone: 'America/New_York',
      gmtOffset: '-04:00',
    });
    expect(
      later({ date: 'mar/29/2026', time: '01:58:00', zone: 'Europe/Berlin', gmtOffset: '+01:00' }, 5),
    ).toMatchObject({
      date: 'mar/29/2026',
      time: '03:03:00',
      gmtOffset: '+02:00',
    });
  });

  it('at the autumn change never names a time the router may take for the first of two: later, not earlier', () => {
    // 00:50 EDT + 20 min = 01:10 EDT: the first 01:10, unambiguous enough (taken as the second it is only late).
    expect(
      later({ date: '2026-11-01', time: '00:50:00', zone: 'America/New_York', gmtOffset: '-04:00' }, 20),
    ).toMatchObject({
      time: '01:10:00',
      gmtOffset: '-04:00',
    });
    // 01:50 EDT + 20 min = 01:10 EST, a wall time that already passed once: moved past the repeated hour.
    const r = later({ date: '2026-11-01', time: '01:50:00', zone: 'America/New_York', gmtOffset: '-04:00' }, 20);
    expect(r).toMatchObject({ date: '2026-11-01', gmtOffset: '-05:00' });
    expect(r.time >= '02:00:00').toBe(true);
  });

  it('a manual zone (or one this machine does not know) keeps its printed offset', () => {
    expect(later({ date: '2026-11-01', time: '01:50:00', zone: 'manual', gmtOffset: '-04:00' }, 20)).toEqual({
      date: '2026-11-01',
      time: '02:10:00',
      zone: 'manual',
      gmtOffset: '-04:00',
    });
    expect(later({ date: '2026-11-01', time: '01:50:00', gmtOffset: '10800' }, 20)).toMatchObject({ time: '02:10:00' });
  });

  it('refuses a clock it cannot read', () => {
    expect(addMinutes({ date: '2026-11-01', time: '01:50:00', gmtOffset: 'east' }, 5).ok).toBe(false);
  });
});
