/**
 * The router's clock as versions print it (jan/02/2024 before 7.10, ISO after) in a non-UTC zone,
 * and the automatic revert timed on it: the wizard's revert time is the simulator scheduler's
 * next run, at the instant intended, across midnight, the year end and both DST changes, on a
 * RouterOS 6.49 profile and a 7.16 one. The simulator's clock is set just before each moment.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerTarget } from '../../contract/schemas';
import { confirmRevert, installRevert } from '../../electron/routeros/confirm';
import { connectRouter, type RouterConnection } from '../../electron/routeros/connection';
import { REVERT_NAME } from '../../electron/routeros/revert';
import { startRouterSim, type RouterSim } from '../lab/routeros';

const HOST = '127.0.0.49';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fspbx-clock-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function withSim<T>(
  o: { version: string; zone: string; at: number },
  fn: (conn: RouterConnection, sim: RouterSim) => Promise<T>,
): Promise<T> {
  const sim = await startRouterSim({
    bind: HOST,
    apiPort: 0,
    apiSslPort: 0,
    stateDir: join(dir, 'state'),
    version: o.version,
    timeZone: o.zone,
    clockSkewMs: o.at - Date.now(),
    users: [{ name: 'admin', password: 'pw', group: 'full' }],
  });
  try {
    const conn = await connectRouter(
      routerTarget.parse({ host: HOST, port: sim.apiPort, tls: false, username: 'admin', password: 'pw' }),
    );
    try {
      return await fn(conn, sim);
    } finally {
      await conn.close();
    }
  } finally {
    await sim.close();
  }
}

/** The instant a printed local "date time" names in `zone`, for either date form (first occurrence). */
function instantOf(text: string, zone: string): number {
  const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  const m = /^(?:(\d{4})-(\d{2})-(\d{2})|([a-z]{3})\/(\d{2})\/(\d{4})) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`not a router time: ${text}`);
  const [y, mo, d] = m[1] ? [+m[1], +m[2]! - 1, +m[3]!] : [+m[6]!, months.indexOf(m[4]!), +m[5]!];
  const wall = Date.UTC(y, mo, d, +m[7]!, +m[8]!, +m[9]!);
  for (let off = -14 * 60; off <= 14 * 60; off += 15) {
    const at = wall - off * 60_000;
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      })
        .formatToParts(at)
        .map((p) => [p.type, p.value]),
    );
    if (Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!) === wall)
      return at;
  }
  throw new Error(`${text} does not exist in ${zone}`);
}

const MOMENTS = [
  { what: 'midnight', zone: 'Europe/Berlin', at: Date.UTC(2026, 5, 30, 21, 58, 0) },
  { what: 'the year end', zone: 'Asia/Tokyo', at: Date.UTC(2026, 11, 31, 14, 58, 0) },
  { what: 'DST starting', zone: 'America/New_York', at: Date.UTC(2026, 2, 8, 6, 58, 0) },
  { what: 'DST ending', zone: 'America/New_York', at: Date.UTC(2026, 10, 1, 5, 55, 0) },
];

describe.each([
  { version: '6.49.10', form: /^[a-z]{3}\/\d{2}\/\d{4}$/ },
  { version: '7.16.2', form: /^\d{4}-\d{2}-\d{2}$/ },
])('RouterOS $version', ({ version, form }) => {
  it('prints /system/clock in its own date form, in its zone', async () => {
    await withSim({ version, zone: 'America/New_York', at: Date.UTC(2026, 0, 2, 15, 4, 5) }, async (conn) => {
      const [clock] = await conn.command('/system/clock/print');
      expect(clock?.date).toMatch(form);
      expect(clock).toMatchObject({ time: '10:04:05', 'time-zone-name': 'America/New_York', 'gmt-offset': '-05:00' });
      // 6.49 has no !empty (7.18+): an empty print is just done.
      expect(await conn.command('/system/scheduler/print', ['?name=nothing'])).toEqual([]);
    });
  });

  it.each(MOMENTS)('the revert fires when meant across $what', async ({ zone, at }) => {
    await withSim({ version, zone, at }, async (conn) => {
      const minutes = 7;
      const installed = await installRevert(conn, [], minutes);
      if (!installed.ok) throw new Error(installed.error.message);
      const [job] = await conn.command('/system/scheduler/print', [`?name=${REVERT_NAME}`]);
      const revertAt = `${installed.value.revertAt.date} ${installed.value.revertAt.time}`;
      expect(installed.value.revertAt.date).toMatch(form);
      expect(job?.['start-date']).toMatch(form);
      expect(job?.['next-run']).toBe(revertAt);
      // When the router will really run it: never before the N minutes, and at most the DST hour late.
      const due = instantOf(revertAt, zone) - at;
      expect(due).toBeGreaterThanOrEqual(minutes * 60_000 - 2_000);
      expect(due).toBeLessThanOrEqual(minutes * 60_000 + 60 * 60_000 + 2_000);
      expect((await confirmRevert(conn)).confirmed).toBe(true);
    });
  });
});
