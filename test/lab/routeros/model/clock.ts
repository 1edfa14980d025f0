/**
 * The router's wall clock: local time in its time zone, printed in the form of
 * the version it claims.
 *
 * - Before 7.10 dates print as `jan/02/2024` (wiki Manual:System/Time, "date
 *   (mmm/DD/YYYY ...)"); from 7.10 as `2024-01-02` (phistrom/datetime-routeros
 *   issue #1: `jul/14/2023` on 7.8, `2023-07-14` on 7.10, print and script alike).
 * - `time-zone-name` is an IANA name; print shows `gmt-offset` as `+03:00` and
 *   `dst-active` (https://manual.mikrotik.com/docs/cli-reference/system/clock.md).
 * - The scheduler reads `start-date`/`start-time` as local time
 *   (https://manual.mikrotik.com/docs/system-information-and-utilities/scheduler.md,
 *   "next-run=2026-09-26 03:00:00" in the same local form).
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export interface SimClock {
  /** Milliseconds since the epoch, as the router believes (the lab may set it elsewhere in time). */
  now(): number;
  zone: string;
  /** Dates printed the old way (before 7.10). */
  oldDates: boolean;
}

interface Parts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(ms: number, zone: string): Parts {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  const get = (type: string): number => Number(f.formatToParts(new Date(ms)).find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** Offset of `zone` from UTC at the instant `ms`, in minutes (east positive). */
export function offsetMinutes(ms: number, zone: string): number {
  const p = partsIn(ms, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

const pad = (n: number): string => String(n).padStart(2, '0');

export function isoParts(iso: string): { year: number; month: number; day: number } {
  const [year, month, day] = iso.split('-').map(Number);
  return { year: year!, month: month!, day: day! };
}

export function formatDate(p: { year: number; month: number; day: number }, oldDates: boolean): string {
  return oldDates ? `${MONTHS[p.month - 1]}/${pad(p.day)}/${p.year}` : `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

export function localDateTime(clock: SimClock, ms: number): { date: string; time: string } {
  const p = partsIn(ms, clock.zone);
  return { date: formatDate(p, clock.oldDates), time: `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}` };
}

/** /system/clock print. */
export function clockPrint(clock: SimClock): Record<string, string> {
  const ms = clock.now();
  const offset = offsetMinutes(ms, clock.zone);
  const january = offsetMinutes(Date.UTC(new Date(ms).getUTCFullYear(), 0, 1), clock.zone);
  const july = offsetMinutes(Date.UTC(new Date(ms).getUTCFullYear(), 6, 1), clock.zone);
  const abs = Math.abs(offset);
  return {
    ...localDateTime(clock, ms),
    'time-zone-autodetect': 'false',
    'time-zone-name': clock.zone,
    'gmt-offset': `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`,
    'dst-active': january !== july && offset === Math.max(january, july) ? 'true' : 'false',
  };
}

/**
 * The instant a local date (ISO) and time name in `zone`. No public source says what RouterOS
 * does with a wall time that occurs twice (DST ends) or never (DST starts); the simulator takes the
 * first of two, and reads a missing one with the offset before the change (it lands after it).
 */
export function localToEpoch(isoDate: string, time: string, zone: string): number | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const t = /^(\d{2}):(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return undefined;
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]), Number(t[3]));
  // Transitions are months apart: the offsets a day either side are the only candidates.
  const offsets = [...new Set([offsetMinutes(wall - 86_400_000, zone), offsetMinutes(wall + 86_400_000, zone)])];
  const fits = offsets.map((o) => wall - o * 60_000).filter((g) => wall - offsetMinutes(g, zone) * 60_000 === g);
  return fits.length > 0 ? Math.min(...fits) : wall - Math.min(...offsets) * 60_000;
}

/** Month names RouterOS uses before 7.10, for parsers elsewhere in the simulator. */
export const MONTH_NAMES = MONTHS;
