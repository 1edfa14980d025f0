/**
 * Commit-confirmed as confirm.ts asks and sends it, against the RouterOS simulator over a real API
 * socket on loopback (no namespaces, so it runs with the unit tests and under mutation testing):
 * the revert job installed and read back, a second one refused, the leftovers and a cut script
 * refused before any change, the confirm by a login that may write and by one that may only read.
 * The revert firing on the router's clock is walked in test/integration/routeros-clock.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerTarget } from '../../../contract/schemas';
import type { RouterChange } from '../../../electron/routeros/change';
import {
  clockAt,
  confirmRevert,
  installRevert,
  pendingRevert,
  readRouterClock,
} from '../../../electron/routeros/confirm';
import { connectRouter, type RouterConnection } from '../../../electron/routeros/connection';
import { REVERT_NAME } from '../../../electron/routeros/revert';
import { startRouterSim, type RouterSim } from '../../lab/routeros';

// An address no other test uses: the unit and integration files run side by side.
const HOST = '127.0.0.73';
// 2026-06-01 08:00:00 on the router, in its zone UTC.
const AT = Date.UTC(2026, 5, 1, 8, 0, 0);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fspbx-confirm-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** What the revert puts back: one address-list entry. */
const ROLLBACK: RouterChange[] = [
  {
    id: 'rb-1',
    target: 'router',
    path: '/ip/firewall/address-list',
    action: 'add',
    before: null,
    after: { list: 'fspbx-confirm-test', address: '192.0.2.7', comment: 'fspbx-nat: confirm test' },
    reason: 'What the revert puts back.',
  },
];

async function login(sim: RouterSim, username: string): Promise<RouterConnection> {
  return connectRouter(routerTarget.parse({ host: HOST, port: sim.apiPort, tls: false, username, password: 'pw' }));
}

async function withSim<T>(fn: (conn: RouterConnection, sim: RouterSim) => Promise<T>): Promise<T> {
  const sim = await startRouterSim({
    bind: HOST,
    apiPort: 0,
    apiSslPort: 0,
    stateDir: join(dir, `state-${Math.random().toString(36).slice(2)}`),
    version: '7.16.2',
    timeZone: 'UTC',
    clockSkewMs: AT - Date.now(),
    users: [
      { name: 'admin', password: 'pw', group: 'full' },
      { name: 'viewer', password: 'pw', group: 'read' },
    ],
  });
  try {
    const conn = await login(sim, 'admin');
    try {
      return await fn(conn, sim);
    } finally {
      await conn.close();
    }
  } finally {
    await sim.close();
  }
}

const named = (sim: RouterSim, menu: string) =>
  sim.state
    .items(menu)
    .filter((i) => (i.fields.name ?? '').startsWith(REVERT_NAME))
    .map((i) => ({ name: i.fields.name, policy: i.fields.policy }));

describe('the router clock', () => {
  it('is read from /system/clock and moved on by the time elapsed here, never back', async () => {
    await withSim(async (conn) => {
      const reading = await readRouterClock(conn);
      expect(reading.clock).toMatchObject({ date: '2026-06-01', zone: 'UTC' });
      expect(reading.clock.time).toMatch(/^08:00:0\d$/);
      const later = clockAt({ clock: { date: '2026-06-01', time: '08:00:00', zone: 'UTC' }, readAt: 1_000 }, 91_000);
      expect(later).toMatchObject({ date: '2026-06-01', time: '08:01:30' });
      const never = clockAt({ clock: { date: '2026-06-01', time: '08:00:00', zone: 'UTC' }, readAt: 91_000 }, 1_000);
      expect(never).toMatchObject({ time: '08:00:00' });
    });
  });
});

describe('installing the revert job', () => {
  it('writes the script, reads it back, then the timer, with the two policies; the router lists it as waiting', async () => {
    await withSim(async (conn, sim) => {
      expect(await pendingRevert(conn)).toBeUndefined();
      const installed = await installRevert(conn, ROLLBACK, 7);
      if (!installed.ok) throw new Error(installed.error.message);
      expect(installed.value.revertAt).toMatchObject({ date: '2026-06-01' });
      expect(installed.value.revertAt.time).toMatch(/^08:07:0\d$/);
      expect(installed.value.record).toMatchObject({ complete: true });
      expect(installed.value.record.applied).toHaveLength(2);
      expect(named(sim, '/system/script')).toEqual([{ name: REVERT_NAME, policy: 'read,write' }]);
      expect(named(sim, '/system/scheduler')).toEqual([{ name: REVERT_NAME, policy: 'read,write' }]);
      const pending = await pendingRevert(conn);
      expect(pending?.nextRun).toMatch(/^2026-06-01 08:07:0\d$/);
    });
  });

  it("takes another job of the router's scheduler for none of its own", async () => {
    await withSim(async (conn, sim) => {
      await conn.command('/system/scheduler/add', ['=name=nightly-backup', '=interval=1d', '=on-event=:log info "b"']);
      expect(await pendingRevert(conn)).toBeUndefined();
      expect((await installRevert(conn, ROLLBACK, 7)).ok).toBe(true);
      expect(named(sim, '/system/scheduler')).toHaveLength(1);
    });
  });

  it('is refused while one is waiting, or when told one is, and sends nothing', async () => {
    await withSim(async (conn, sim) => {
      const told = await installRevert(conn, ROLLBACK, 7, { pending: true });
      expect(told.ok || told.error.message).toMatch(/^An earlier change on this router is still waiting/);
      expect(named(sim, '/system/script')).toEqual([]);
      const first = await installRevert(conn, ROLLBACK, 7);
      expect(first.ok).toBe(true);
      const second = await installRevert(conn, ROLLBACK, 7);
      expect(second.ok || second.error.message).toMatch(/^An earlier change on this router is still waiting/);
      expect(named(sim, '/system/script')).toHaveLength(1);
    });
  });

  it('takes the clock, the waiting job and the scripts from a state just read when given them', async () => {
    await withSim(async (conn, sim) => {
      // A clock an hour ahead of the router's own: the revert time follows the reading given.
      const clock = { clock: { date: '2026-06-01', time: '09:00:00', zone: 'UTC' }, readAt: performance.now() };
      const installed = await installRevert(conn, ROLLBACK, 7, { clock, pending: false, scripts: [] });
      if (!installed.ok) throw new Error(installed.error.message);
      expect(installed.value.revertAt.time).toMatch(/^09:07:0\d$/);
      expect(named(sim, '/system/scheduler')).toHaveLength(1);
    });
  });

  it("is refused before any change when an earlier revert's script is left with no timer, naming it", async () => {
    await withSim(async (conn, sim) => {
      await conn.command('/system/script/add', [`=name=${REVERT_NAME}`, '=source=:log info "left"']);
      const refused = await installRevert(conn, ROLLBACK, 7);
      expect(refused.ok || refused.error.message).toBe(
        `The router still holds the automatic revert's scripts of an earlier apply, with no timer to run them (${REVERT_NAME}): remove them in System › Scripts, then apply again.`,
      );
      expect(named(sim, '/system/scheduler')).toEqual([]);
      expect(named(sim, '/system/script')).toHaveLength(1);
    });
  });

  it('takes the script back and sets no timer when the router kept less than was written', async () => {
    await withSim(async (conn, sim) => {
      sim.setFaults({ keepScriptSourceBytes: 10 });
      const cut = await installRevert(conn, ROLLBACK, 7);
      sim.setFaults({});
      expect(cut.ok || cut.error.message).toMatch(/^The router kept 10 of the [\d,]+ bytes written/);
      expect(named(sim, '/system/script')).toEqual([]);
      expect(named(sim, '/system/scheduler')).toEqual([]);
    });
  });

  it("says the router's own reason when it refuses the job (a login that may only read), and leaves nothing", async () => {
    await withSim(async (conn, sim) => {
      const viewer = await login(sim, 'viewer');
      try {
        const refused = await installRevert(viewer, ROLLBACK, 7);
        expect(refused.ok || refused.error.message).toBe(
          'The automatic revert could not be installed, so nothing was changed: This router account may not do this: its group needs the "read" and "write" policies (System › Users › Groups). Log in with a full-rights user.',
        );
      } finally {
        await viewer.close();
      }
      expect(named(sim, '/system/script')).toEqual([]);
      expect(named(sim, '/system/scheduler')).toEqual([]);
    });
  });
});

/** A rollback too long for one script (over 16 KiB): the revert goes in parts (revert-chunks.ts). */
const BIG: RouterChange[] = Array.from({ length: 160 }, (_, i) => ({
  id: `rb-${i + 1}`,
  target: 'router',
  path: '/ip/firewall/address-list',
  action: 'add',
  before: null,
  after: {
    list: 'fspbx-confirm-test',
    address: `192.0.2.${(i % 250) + 1}`,
    comment: `fspbx-nat: confirm test entry ${i + 1} with a comment long enough to fill the parts`,
  },
  reason: 'What the revert puts back.',
}));

describe('a link that drops when the timer is sent (lab fault fatalOn)', () => {
  it("fails the install with the router's last word; the scripts written stay, and the next install names them", async () => {
    await withSim(async (conn, sim) => {
      sim.setFaults({ fatalOn: '/system/scheduler/add' });
      const dropped = await installRevert(conn, ROLLBACK, 7);
      sim.setFaults({});
      expect(dropped.ok).toBe(false);
      expect(dropped.ok || dropped.error.message).toMatch(
        /^The automatic revert could not be installed, so nothing was changed: (?!no answer$)./,
      );
      // The take-back could not be sent over the dropped link: the router keeps the script, no timer.
      expect(named(sim, '/system/scheduler')).toEqual([]);
      expect(named(sim, '/system/script')).toHaveLength(1);
      const again = await login(sim, 'admin');
      try {
        const next = await installRevert(again, ROLLBACK, 7);
        expect(next.ok || next.error.message).toContain(`with no timer to run them (${REVERT_NAME})`);
      } finally {
        await again.close();
      }
    });
  });
});

describe('confirming', () => {
  it("leaves the router's other scripts alone", async () => {
    await withSim(async (conn, sim) => {
      await conn.command('/system/script/add', ['=name=backup', '=source=:log info "b"']);
      expect((await installRevert(conn, ROLLBACK, 7)).ok).toBe(true);
      expect((await confirmRevert(conn)).record.applied).toEqual(['confirm-1', 'confirm-2']);
      expect(sim.state.items('/system/script').map((i) => i.fields.name)).toEqual(['backup']);
    });
  });

  it('removes the timer, the runner and every part of a revert held in parts', async () => {
    await withSim(async (conn, sim) => {
      const installed = await installRevert(conn, BIG, 7);
      if (!installed.ok) throw new Error(installed.error.message);
      const scripts = named(sim, '/system/script').map((s) => s.name);
      expect(scripts.length).toBeGreaterThan(2);
      expect(scripts).toContain(`${REVERT_NAME}-1`);
      const kept = await confirmRevert(conn);
      expect(kept).toMatchObject({ confirmed: true, timerLeft: false });
      expect(kept.record.applied).toHaveLength(scripts.length + 1);
      expect(named(sim, '/system/script')).toEqual([]);
      expect(named(sim, '/system/scheduler')).toEqual([]);
    });
  });

  it('removes the timer and the script: confirmed; a second confirm finds nothing waiting', async () => {
    await withSim(async (conn, sim) => {
      const installed = await installRevert(conn, ROLLBACK, 7);
      if (!installed.ok) throw new Error(installed.error.message);
      const kept = await confirmRevert(conn);
      expect(kept).toMatchObject({ confirmed: true, timerLeft: false });
      expect(kept.record.applied).toEqual(['confirm-1', 'confirm-2']);
      expect(named(sim, '/system/scheduler')).toEqual([]);
      expect(named(sim, '/system/script')).toEqual([]);
      expect(await pendingRevert(conn)).toBeUndefined();
      const again = await confirmRevert(conn);
      expect(again).toMatchObject({ confirmed: false, timerLeft: false });
      expect(again.record.applied).toEqual([]);
    });
  });

  it('by a login that may only read: refused, the timer left set and said so', async () => {
    await withSim(async (conn, sim) => {
      const installed = await installRevert(conn, ROLLBACK, 7);
      if (!installed.ok) throw new Error(installed.error.message);
      const viewer = await login(sim, 'viewer');
      try {
        expect(await confirmRevert(viewer)).toMatchObject({ confirmed: false, timerLeft: true });
      } finally {
        await viewer.close();
      }
      expect(named(sim, '/system/scheduler')).toHaveLength(1);
      expect(await pendingRevert(conn)).toBeDefined();
    });
  });
});
