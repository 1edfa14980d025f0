/**
 * The router's clock as versions print it (jan/02/2024 before 7.10, ISO after) in a non-UTC zone,
 * and the automatic revert timed on it: the wizard's revert time is the simulator scheduler's
 * next run, at the instant intended, across midnight, the year end and both DST changes, on a
 * RouterOS 6.49 profile and a 7.16 one; and the simulator's scheduler runs it then, not before.
 * The simulator's clock is set just before each moment, and moved on to just before and just
 * after the revert time (its clock reads `clockSkewMs` from the options at every tick).
 * A 120-phone plan's revert, too long for one script, fires in parts on 6.49 and puts the router
 * back; confirm removes every part; a router that cuts a script (a lab fault) stops the apply.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerTarget } from '../../contract/schemas';
import { confirmRevert, installRevert } from '../../electron/routeros/confirm';
import { connectRouter, type RouterConnection } from '../../electron/routeros/connection';
import { applyRouterPlan, confirmRouterApply } from '../../electron/routeros/engine';
import { readRouterState } from '../../electron/routeros/reader';
import { REVERT_NAME } from '../../electron/routeros/revert';
import { comparableState, planFor } from './router-engine-helpers';
import type { RouterChange } from '../../electron/routeros/change';
import { startRouterSim, type RouterSim, type RouterSimOptions } from '../lab/routeros';

const HOST = '127.0.0.49';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fspbx-clock-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Sets the simulator's clock to `at` (ms since the epoch) from now on. */
type SetClock = (at: number) => void;

async function withSim<T>(
  o: { version: string; zone: string; at: number },
  fn: (conn: RouterConnection, sim: RouterSim, setClock: SetClock) => Promise<T>,
): Promise<T> {
  const options: RouterSimOptions = {
    bind: HOST,
    apiPort: 0,
    apiSslPort: 0,
    stateDir: join(dir, 'state'),
    version: o.version,
    timeZone: o.zone,
    clockSkewMs: o.at - Date.now(),
    users: [
      { name: 'admin', password: 'pw', group: 'full' },
      // The default group read (no write policy): may look, may not remove the timer.
      { name: 'viewer', password: 'pw', group: 'read' },
    ],
  };
  const sim = await startRouterSim(options);
  const setClock: SetClock = (at) => {
    options.clockSkewMs = at - Date.now();
  };
  try {
    const conn = await connectRouter(
      routerTarget.parse({ host: HOST, port: sim.apiPort, tls: false, username: 'admin', password: 'pw' }),
    );
    try {
      return await fn(conn, sim, setClock);
    } finally {
      await conn.close();
    }
  } finally {
    await sim.close();
  }
}

/**
 * Every instant a printed local "date time" names in `zone`, for either date form, earliest
 * first: one, or two for a time in the hour repeated when DST ends.
 */
function instantsOf(text: string, zone: string): number[] {
  const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  const m = /^(?:(\d{4})-(\d{2})-(\d{2})|([a-z]{3})\/(\d{2})\/(\d{4})) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`not a router time: ${text}`);
  const [y, mo, d] = m[1] ? [+m[1], +m[2]! - 1, +m[3]!] : [+m[6]!, months.indexOf(m[4]!), +m[5]!];
  const wall = Date.UTC(y, mo, d, +m[7]!, +m[8]!, +m[9]!);
  const found: number[] = [];
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
      found.push(at);
  }
  if (found.length === 0) throw new Error(`${text} does not exist in ${zone}`);
  return found.sort((a, b) => a - b);
}

/** The first instant a printed local time names: a scheduler that takes either may fire then. */
function instantOf(text: string, zone: string): number {
  return instantsOf(text, zone)[0]!;
}

describe('instantsOf, the helper the checks below rely on', () => {
  it('finds both instants of a time in the repeated hour, earliest first, and one elsewhere', () => {
    // 2026-11-01 01:30 in New York: 05:30Z (EDT), then 06:30Z (EST).
    expect(instantsOf('2026-11-01 01:30:00', 'America/New_York')).toEqual([
      Date.UTC(2026, 10, 1, 5, 30),
      Date.UTC(2026, 10, 1, 6, 30),
    ]);
    expect(instantOf('nov/01/2026 01:30:00', 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 5, 30));
    expect(instantsOf('2026-11-01 02:30:00', 'America/New_York')).toEqual([Date.UTC(2026, 10, 1, 7, 30)]);
    expect(() => instantsOf('2026-03-08 02:30:00', 'America/New_York')).toThrow(/does not exist/);
  });
});

/** A rollback the revert carries, so its firing has an effect to see. */
const ROLLBACK: RouterChange[] = [
  {
    id: 'r1',
    target: 'router',
    path: '/ip/firewall/address-list',
    action: 'add',
    before: null,
    after: { list: 'fspbx-clock-test', address: '192.0.2.7', comment: 'fspbx-nat: clock test' },
    reason: 'What the revert puts back.',
  },
];

async function until(what: string, done: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (done()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not within ${ms} ms: ${what}`);
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

  it.each(MOMENTS)(
    "the revert's time is the scheduler's next run, and an unambiguous one, across $what",
    async ({ zone, at }) => {
      await withSim({ version, zone, at }, async (conn) => {
        const minutes = 7;
        const installed = await installRevert(conn, [], minutes);
        if (!installed.ok) throw new Error(installed.error.message);
        const [job] = await conn.command('/system/scheduler/print', [`?name=${REVERT_NAME}`]);
        const revertAt = `${installed.value.revertAt.date} ${installed.value.revertAt.time}`;
        expect(installed.value.revertAt.date).toMatch(form);
        expect(job?.['start-date']).toMatch(form);
        expect(job?.['next-run']).toBe(revertAt);
        // A time that comes twice (DST ending) could run in the first coming, early: never written.
        expect(instantsOf(revertAt, zone), revertAt).toHaveLength(1);
        // When the router will really run it: never before the N minutes, and at most the DST hour late.
        const due = instantOf(revertAt, zone) - at;
        expect(due).toBeGreaterThanOrEqual(minutes * 60_000 - 2_000);
        expect(due).toBeLessThanOrEqual(minutes * 60_000 + 60 * 60_000 + 2_000);
        expect((await confirmRevert(conn)).confirmed).toBe(true);
      });
    },
  );

  it('a login that may only read cannot confirm: the timer stays set and the answer says so; one that may write then confirms', async () => {
    await withSim({ version, zone: 'Europe/Berlin', at: MOMENTS[0]!.at }, async (conn, sim) => {
      const installed = await installRevert(conn, ROLLBACK, 7);
      if (!installed.ok) throw new Error(installed.error.message);
      const armed = () => sim.state.items('/system/scheduler').some((i) => i.fields.name === REVERT_NAME);
      const viewer = await connectRouter(
        routerTarget.parse({ host: HOST, port: sim.apiPort, tls: false, username: 'viewer', password: 'pw' }),
      );
      try {
        // RouterOS refuses the removal ("not enough permissions"): the revert will still run.
        expect(await confirmRevert(viewer)).toMatchObject({ confirmed: false, timerLeft: true });
      } finally {
        await viewer.close();
      }
      expect(armed()).toBe(true);
      expect(await confirmRevert(conn)).toMatchObject({ confirmed: true, timerLeft: false });
      expect(armed()).toBe(false);
    });
  });

  it.each(MOMENTS)(
    'the revert fires at its time across $what, not before, and puts the rollback back',
    async ({ zone, at }) => {
      await withSim({ version, zone, at }, async (conn, sim, setClock) => {
        const installed = await installRevert(conn, ROLLBACK, 7);
        if (!installed.ok) throw new Error(installed.error.message);
        const fireAt = instantOf(`${installed.value.revertAt.date} ${installed.value.revertAt.time}`, zone);
        const armed = () => sim.state.items('/system/scheduler').some((i) => i.fields.name === REVERT_NAME);
        const restored = () =>
          sim.state.items('/ip/firewall/address-list').some((i) => i.fields.list === 'fspbx-clock-test');
        // Two seconds before its time: several scheduler ticks (250 ms) pass and nothing runs.
        setClock(fireAt - 2_000);
        await new Promise((r) => setTimeout(r, 1_000));
        expect(armed()).toBe(true);
        expect(restored()).toBe(false);
        // Past its time: the script runs, puts the rollback back and removes the timer and itself.
        setClock(fireAt + 200);
        await until('the revert ran', () => restored() && !armed());
        expect(sim.state.items('/system/script').some((i) => i.fields.name === REVERT_NAME)).toBe(false);
        // Too late to confirm: nothing was waiting, and no timer is left.
        expect(await confirmRevert(conn)).toMatchObject({ confirmed: false, timerLeft: false });
      });
    },
  );
});

describe("a big plan's revert on RouterOS 6.49 (issue 25.7)", () => {
  const at = Date.UTC(2026, 5, 1, 8, 0, 0);
  const INPUTS = {
    pbxAddress: '192.168.88.10',
    trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
    phones: Array.from({ length: 120 }, (_, i) => ({ name: `Phone ${i + 1}`, address: `203.0.113.${i + 1}` })),
    pbxRtp: { start: 16384, end: 32768 },
  };
  const named = (sim: RouterSim, menu: string) =>
    sim.state
      .items(menu)
      .map((i) => i.fields.name ?? '')
      .filter((n) => n.startsWith(REVERT_NAME));

  it('is held in parts, run in order by one timer: it fires and puts the router back as it was', async () => {
    await withSim({ version: '6.49.10', zone: 'UTC', at }, async (conn, sim, setClock) => {
      const before = await readRouterState(conn);
      const plan = planFor(before, INPUTS);
      expect(plan.facts['router.revert']).toMatch(/^[\d,]+ bytes in 3 parts of at most 16,384 bytes/);
      const applied = await applyRouterPlan(conn, before, plan, { revertMinutes: 7 });
      if (!applied.ok) throw new Error(applied.error.message);
      expect(applied.record.complete).toBe(true);
      expect(named(sim, '/system/script')).toEqual([1, 2, 3].map((n) => `${REVERT_NAME}-${n}`).concat(REVERT_NAME));
      expect(named(sim, '/system/scheduler')).toEqual([REVERT_NAME]);
      // As above: the scheduler sees the job before its time (a job first seen past it never fires), then it is due.
      const fireAt = instantOf(`${applied.revertAt!.date} ${applied.revertAt!.time}`, 'UTC');
      setClock(fireAt - 2_000);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(named(sim, '/system/scheduler')).toEqual([REVERT_NAME]);
      setClock(fireAt + 200);
      // 128 steps: on a loaded machine (2 cores, load 16) they took over 10 s once.
      await until(
        'the revert ran',
        () => named(sim, '/system/scheduler').length + named(sim, '/system/script').length === 0,
        60_000,
      );
      expect(comparableState(await readRouterState(conn))).toEqual(comparableState(before));
    });
  });

  it('confirm removes the timer, the runner and every part, and keeps the change', async () => {
    await withSim({ version: '6.49.10', zone: 'UTC', at }, async (conn, sim) => {
      const before = await readRouterState(conn);
      const applied = await applyRouterPlan(conn, before, planFor(before, INPUTS), { revertMinutes: 7 });
      if (!applied.ok) throw new Error(applied.error.message);
      const confirmed = await confirmRouterApply(conn);
      expect(confirmed.confirmed).toBe(true);
      expect(confirmed.record.applied).toEqual(['confirm-1', 'confirm-2', 'confirm-3', 'confirm-4', 'confirm-5']);
      expect(named(sim, '/system/scheduler')).toEqual([]);
      expect(named(sim, '/system/script')).toEqual([]);
      const phones = (await readRouterState(conn)).addressLists.filter((e) => e.list === 'fspbx-phones');
      expect(phones).toHaveLength(120);
    });
  });

  it('a part left from an earlier apply with no timer stops the apply before any change, naming it', async () => {
    await withSim({ version: '6.49.10', zone: 'UTC', at }, async (conn) => {
      await conn.command('/system/script/add', [`=name=${REVERT_NAME}-2`, '=source=:log info "left"']);
      const before = await readRouterState(conn);
      const applied = await applyRouterPlan(conn, before, planFor(before, INPUTS), { revertMinutes: 7 });
      expect(!applied.ok && applied.error.message).toBe(
        `The router still holds the automatic revert's scripts of an earlier apply, with no timer to run them (${REVERT_NAME}-2): remove them in System › Scripts, then apply again.`,
      );
      expect(comparableState(await readRouterState(conn))).toEqual(comparableState(before));
    });
  });

  it('a router that cuts a script (lab fault keepScriptSourceBytes) stops the apply before any change, in one sentence', async () => {
    await withSim({ version: '6.49.10', zone: 'UTC', at }, async (conn, sim) => {
      const before = await readRouterState(conn);
      sim.setFaults({ keepScriptSourceBytes: 4096 });
      const applied = await applyRouterPlan(conn, before, planFor(before, INPUTS), { revertMinutes: 7 });
      sim.setFaults({});
      expect(applied.ok).toBe(false);
      expect(!applied.ok && applied.error.message).toMatch(
        new RegExp(
          `^The router kept 4,096 of the [\\d,]+ bytes written to the automatic revert's script ${REVERT_NAME}-1, so nothing was changed`,
        ),
      );
      // The parts written are taken back; no timer was set; the plan's changes were never sent.
      expect(comparableState(await readRouterState(conn))).toEqual(comparableState(before));
    });
  });
});
