/**
 * The router engine against the simulator on loopback, where its faults can
 * be switched from the test: a link that dies halfway through an apply, and
 * the exported .rsc run by the router's own script runner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerTarget } from '../../contract/schemas';
import type { ApplyRecord } from '../../electron/routeros/apply';
import { connectRouter, type RouterConnection } from '../../electron/routeros/connection';
import { applyRouterPlan, settleRouterRecord } from '../../electron/routeros/engine';
import { routerScope } from '../../electron/routeros/managed';
import { routerScripts } from '../../electron/routeros/export';
import type { RouterPlanInputs } from '../../electron/routeros/inputs';
import { planRouter, type RouterPlan } from '../../electron/routeros/plan';
import { readRouterState } from '../../electron/routeros/reader';
import { menuKeyOf, ORDERED_MENUS, type MenuKey, type RouterState } from '../../electron/routeros/state';
import type { RouterSim } from '../lab/routeros';
import { comparableState, LOOPBACK_INPUTS, loopbackRouter, restoreRouter, tookEffect } from './router-engine-helpers';

const HOST = '127.0.0.46';
let router: Awaited<ReturnType<typeof loopbackRouter>> | undefined;
let sim: RouterSim;

const INPUTS = LOOPBACK_INPUTS;
/** What a rollback may write here: the wizard's entries for this PBX (routeros/managed.ts). */
const SCOPE = routerScope(INPUTS);

beforeAll(async () => {
  router = await loopbackRouter(HOST);
  sim = router.sim;
});

afterAll(async () => {
  await router?.close();
});

const connect = (): Promise<RouterConnection> =>
  connectRouter(
    routerTarget.parse({ host: HOST, port: sim.apiPort, tls: false, username: 'admin', password: 'secret' }),
    { commandTimeoutMs: 3000 },
  );

async function withRouter<T>(fn: (conn: RouterConnection) => Promise<T>): Promise<T> {
  const conn = await connect();
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

function planOf(state: RouterState): RouterPlan {
  const result = planRouter(state, INPUTS);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.plan;
}

describe('router engine when the link dies halfway (simulator on loopback)', () => {
  it('records exactly what the router did, settles the unanswered changes from a fresh read, and restore still works', async () => {
    const snapshot = await withRouter(readRouterState);
    const plan = planOf(snapshot);
    const half = Math.floor(plan.changes.length / 2);

    let record: ApplyRecord;
    const conn = await connect();
    try {
      // One reply sentence per change here; the login's own reply was the first.
      sim.setFaults({ closeAfterSentences: 1 + half });
      const result = await applyRouterPlan(conn, snapshot, plan, { revertMinutes: false, commandTimeoutMs: 3000 });
      if (!result.ok) throw new Error(result.error.message);
      record = result.record;
    } finally {
      sim.setFaults({});
      await conn.close();
    }

    expect(record.complete).toBe(false);
    expect(record.applied).toEqual(plan.changes.slice(0, half).map((c) => c.id));
    expect(record.failed?.id).toBe(plan.changes[half]!.id);
    expect(['transport_closed', 'timeout']).toContain(record.failed?.error.code);
    // The command whose answer was lost: the record must not call it applied.
    expect(record.outcomes[half]?.status).toBe('unknown');
    const statuses = new Set(record.outcomes.slice(half).map((o) => o.status));
    expect([...statuses].every((s) => s === 'unknown' || s === 'not-sent')).toBe(true);

    const settled = await withRouter((c) => settleRouterRecord(c, snapshot, plan.changes, record));
    expect(settled.record.outcomes.some((o) => o.status === 'unknown')).toBe(false);
    for (const change of plan.changes) {
      const outcome = settled.record.outcomes.find((o) => o.id === change.id)!;
      expect(outcome.status === 'applied', `${change.id} ${outcome.status}`).toBe(
        tookEffect(change, outcome.itemId, settled.state, snapshot),
      );
    }

    const restored = await withRouter((c) => restoreRouter(c, snapshot, SCOPE));
    expect(restored.record.complete).toBe(true);
    expect(comparableState(await withRouter(readRouterState))).toEqual(comparableState(snapshot));
    expect((await withRouter((c) => restoreRouter(c, snapshot, SCOPE))).plan.changes).toEqual([]);
  });

  it('stops at a change the router refuses: earlier changes stay applied, later ones are not sent', async () => {
    const snapshot = await withRouter(readRouterState);
    const plan = planOf(snapshot);
    const firstList = plan.changes.findIndex((c) => c.path === '/ip/firewall/address-list');
    // An address the router refuses, as a hand-edited plan could carry.
    const broken: RouterPlan = {
      ...plan,
      changes: plan.changes.map((c, i) =>
        i === firstList ? { ...c, after: { ...c.after, address: '198.51.100.300' } } : c,
      ),
    };
    const result = await withRouter((c) => applyRouterPlan(c, snapshot, broken, { revertMinutes: false }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.record.failed?.id).toBe(plan.changes[firstList]!.id);
    expect(result.record.failed?.error.message).toMatch(/address-list\/add: failure/);
    const later = new Set(plan.changes.slice(firstList + 1).map((c) => c.id));
    for (const outcome of result.record.outcomes) {
      expect(outcome.status, outcome.id).toBe(
        outcome.id === plan.changes[firstList]!.id ? 'failed' : later.has(outcome.id) ? 'not-sent' : 'applied',
      );
    }
    // The forwards depend on the lists: none of them was sent.
    expect(later.size).toBeGreaterThan(0);
    expect(plan.changes.filter((c) => c.path === '/ip/firewall/nat').every((c) => later.has(c.id))).toBe(true);
    const now = await withRouter(readRouterState);
    expect(now.nat).toEqual(snapshot.nat);
    expect(now.addressLists.length).toBe(snapshot.addressLists.length);
    await withRouter((c) => restoreRouter(c, snapshot, SCOPE));
    expect(comparableState(await withRouter(readRouterState))).toEqual(comparableState(snapshot));
  });
});

describe('names that are not ASCII (RouterOS stores bytes)', () => {
  it('apply, the automatic revert, restore and a second plan all agree, byte for byte', async () => {
    // A foreign entry whose comment was typed over SSH as UTF-8, and one in a Windows code page
    // (librouteros issue #30; ha-mikrotik-extended #14): the router holds the bytes.
    const utf8 = Buffer.from('Büro Ωmega', 'utf8').toString('latin1');
    const cp1251 = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]).toString('latin1');
    const foreign = await withRouter(async (c) => [
      (
        await c.command('/ip/firewall/address-list/add', ['=list=office', '=address=203.0.113.98', `=comment=${utf8}`])
      )[0]!.ret!,
      (
        await c.command('/ip/firewall/address-list/add', [
          '=list=office',
          '=address=203.0.113.99',
          `=comment=${cp1251}`,
        ])
      )[0]!.ret!,
    ]);
    const inputs: RouterPlanInputs = {
      ...INPUTS,
      trunks: [{ name: 'Müller GmbH', address: '198.51.100.10' }],
      phones: [{ name: 'Иван 王', address: '192.0.2.20' }],
    };
    const snapshot = await withRouter(readRouterState);
    const planned = planRouter(snapshot, inputs);
    if (!planned.ok) throw new Error(planned.errors.map((e) => e.message).join('; '));
    const comments = planned.plan.changes.flatMap((c) => (c.after?.comment ? [c.after.comment] : []));
    expect(comments.every((c) => /^[\x20-\x7e]*$/.test(c))).toBe(true);
    expect(comments).toContain('fspbx-nat: trunk Muller GmbH');
    await withRouter(async (c) => {
      const result = await applyRouterPlan(c, snapshot, planned.plan, { revertMinutes: 5 });
      if (!result.ok || !result.record.complete) throw new Error(JSON.stringify(result));
      const after = await readRouterState(c);
      const again = planRouter(after, inputs);
      expect(again.ok && again.plan.changes).toEqual([]);
      // What the scheduler would do when the timer runs out.
      await c.command('/system/script/run', ['=number=fspbx-nat-revert'], 30_000);
      expect(comparableState(await readRouterState(c))).toEqual(comparableState(snapshot));
      // Apply again (no timer), then restore over the API.
      const second = await applyRouterPlan(c, snapshot, planned.plan, { revertMinutes: false });
      expect(second.ok && second.record.complete).toBe(true);
      expect((await restoreRouter(c, snapshot, SCOPE)).record.complete).toBe(true);
      const restored = await readRouterState(c);
      expect(comparableState(restored)).toEqual(comparableState(snapshot));
      expect(restored.addressLists.find((i) => i['.id'] === foreign[0])?.comment).toBe(utf8);
      expect(restored.addressLists.find((i) => i['.id'] === foreign[1])?.comment).toBe(cp1251);
      expect((await restoreRouter(c, snapshot, SCOPE)).plan.changes).toEqual([]);
      for (const id of foreign) await c.command('/ip/firewall/address-list/remove', [`=.id=${id}`]);
    });
  });
});

describe('dynamic entries the router makes by itself', () => {
  it('apply and restore leave them alone: address-list timeouts, a UPnP mapping, the fasttrack counter rule', async () => {
    const blocked = await withRouter((c) =>
      c.command('/ip/firewall/address-list/add', ['=list=blocked', '=address=198.51.100.66', '=timeout=1h']),
    );
    const upnp = sim.upnpMapping({ protocol: 'udp', port: 40000, toAddress: '192.168.88.77' });
    const snapshot = await withRouter(readRouterState);
    // `.id`s are unique per menu only.
    const dynamicIds = new Set(
      (['filter', 'nat', 'addressLists'] as const).flatMap((menu) =>
        snapshot[menu].filter((i) => i.dynamic === 'true').map((i) => `${menu} ${i['.id']}`),
      ),
    );
    expect(dynamicIds).toEqual(
      new Set([`filter ${snapshot.filter[0]!['.id']}`, `nat ${upnp}`, `addressLists ${blocked[0]!.ret}`]),
    );
    const applied = await withRouter((c) => applyRouterPlan(c, snapshot, planOf(snapshot), { revertMinutes: false }));
    expect(applied.ok && applied.record.complete).toBe(true);
    // The timeout counts down meanwhile: the entry prints differently than in the snapshot.
    await new Promise((r) => setTimeout(r, 1100));
    const restored = await withRouter((c) => restoreRouter(c, snapshot, SCOPE));
    expect(restored.record.complete).toBe(true);
    expect(restored.plan.changes.filter((c) => dynamicIds.has(`${menuKeyOf(c.path)} ${c.itemId}`))).toEqual([]);
    expect((await withRouter((c) => restoreRouter(c, snapshot, SCOPE))).plan.changes).toEqual([]);
    await withRouter(async (c) => {
      await c.command('/ip/firewall/address-list/remove', [`=.id=${blocked[0]!.ret}`]);
      await c.command('/ip/firewall/nat/remove', [`=.id=${upnp}`]);
    });
  });
});

/**
 * Items as content: re-created items get new `.id`s. Filter and NAT keep
 * router order (it decides what matches first); other menus are compared as
 * sets, since RouterOS appends re-created entries there and order has no effect.
 */
function contentInOrder(state: RouterState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(comparableState(state))) {
    if (!Array.isArray(value)) {
      out[key] = value;
      continue;
    }
    const items = (value as Record<string, string>[]).map((item) => JSON.stringify({ ...item, '.id': undefined }));
    out[key] = ORDERED_MENUS.has(key as MenuKey) ? items : items.sort();
  }
  return out;
}

describe('restore after a second apply that removed wizard entries (simulator on loopback)', () => {
  it('re-creates them with their content in their original places, and a second restore plans nothing', async () => {
    const base = await withRouter(readRouterState);
    try {
      const first = planRouter(base, { ...INPUTS, webGui: true, hairpin: true });
      if (!first.ok) throw new Error('plan refused');
      expect((await withRouter((c) => applyRouterPlan(c, base, first.plan, { revertMinutes: false }))).ok).toBe(true);
      const snapshot = await withRouter(readRouterState);

      // The web GUI forwards sit before the hairpin rule: their re-creation must go back there.
      const second = planRouter(snapshot, {
        ...INPUTS,
        trunks: INPUTS.trunks.slice(0, 1),
        webGui: false,
        hairpin: true,
      });
      if (!second.ok) throw new Error('plan refused');
      expect(second.plan.changes.filter((c) => c.action === 'remove').length).toBeGreaterThan(1);
      const applied = await withRouter((c) => applyRouterPlan(c, snapshot, second.plan, { revertMinutes: false }));
      if (!applied.ok) throw new Error(applied.error.message);
      expect(applied.record.complete).toBe(true);

      const restored = await withRouter((c) => restoreRouter(c, snapshot, SCOPE));
      expect(restored.record.complete).toBe(true);
      expect(restored.plan.changes.some((c) => c.action === 'add' && c.placeBefore !== undefined)).toBe(true);
      expect(contentInOrder(await withRouter(readRouterState))).toEqual(contentInOrder(snapshot));
      expect((await withRouter((c) => restoreRouter(c, snapshot, SCOPE))).plan.changes).toEqual([]);
    } finally {
      await withRouter((c) => restoreRouter(c, base, SCOPE));
    }
    expect(comparableState(await withRouter(readRouterState))).toEqual(comparableState(base));
  });
});

describe('exported .rsc in the router script runner (simulator on loopback)', () => {
  it('the plan script makes the planned state and the rollback script undoes it', async () => {
    await withRouter(async (conn) => {
      const snapshot = await readRouterState(conn);
      const plan = planOf(snapshot);
      const scripts = routerScripts(snapshot, plan, 'lab router');
      if (!scripts.ok) throw new Error(scripts.error.message);
      const run = async (name: string, source: string): Promise<void> => {
        await conn.command('/system/script/add', [`=name=${name}`, `=source=${source}`]);
        try {
          await conn.command('/system/script/run', [`=number=${name}`], 30_000);
        } finally {
          await conn.command('/system/script/remove', [`=numbers=${name}`]);
        }
      };
      await run('fspbx-plan-test', scripts.value.plan);
      const applied = await readRouterState(conn);
      expect(applied.nat.length).toBeGreaterThan(snapshot.nat.length);
      expect(applied.servicePorts.find((s) => s.name === 'sip')?.disabled).toBe('true');
      expect(planOf(applied).changes).toEqual([]);
      await run('fspbx-rollback-test', scripts.value.rollback);
      expect(comparableState(await readRouterState(conn))).toEqual(comparableState(snapshot));
    });
  });
});
