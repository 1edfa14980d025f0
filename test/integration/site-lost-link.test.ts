/**
 * The path every site apply takes (electron/site/boxes), when the link
 * to the router drops halfway: what was in flight is settled from a fresh read
 * on a new connection and journalled as applied or not applied, never guessed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerTarget } from '../../contract/schemas';
import { planRouter } from '../../electron/routeros/plan';
import { routerScope } from '../../electron/routeros/managed';
import { planRouterRestore } from '../../electron/routeros/restore';
import { openRouterSide } from '../../electron/site/boxes';
import type { RouterSim } from '../lab/routeros';
import { GIVEN_ONLY } from './helpers/boxes';
import { cuttableLink, type CuttableLink, LOOPBACK_INPUTS, loopbackRouter, tookEffect } from './router-engine-helpers';

const HOST = '127.0.0.47';
let router: Awaited<ReturnType<typeof loopbackRouter>> | undefined;
let sim: RouterSim;
let link: CuttableLink;

const INPUTS = LOOPBACK_INPUTS;

beforeAll(async () => {
  router = await loopbackRouter(HOST);
  sim = router.sim;
  link = await cuttableLink({ host: HOST, port: sim.apiPort });
});

afterAll(async () => {
  await link?.close();
  await router?.close();
});

const target = () =>
  routerTarget.parse({ host: '127.0.0.1', port: link.port, tls: false, username: 'admin', password: 'secret' });

/** Applies the plan for INPUTS with the link cut after `cut(changes)` reply sentences, then restores. */
async function applyWithCut(cut: (changes: number) => number) {
  const side = await openRouterSide(GIVEN_ONLY, target());
  const before = await side.read();
  const planned = planRouter(before, INPUTS);
  if (!planned.ok) throw new Error(planned.errors.map((e) => e.message).join('; '));
  const plan = planned.plan;
  const journal = new Map<string, { ok: boolean; detail?: string }>();
  const sent: string[] = [];
  link.cutAfter(cut(plan.changes.length), { heal: true });
  const outcome = await side
    .apply(before, plan, false, {
      before: (ids) => sent.push(...ids),
      after: (id, ok, detail) => {
        expect(journal.has(id), `${id} reported twice`).toBe(false);
        journal.set(id, { ok, ...(detail === undefined ? {} : { detail }) });
      },
    })
    .then(
      () => undefined,
      (e: unknown) => e as Error,
    );
  await side.close().catch(() => undefined);
  const check = await openRouterSide(GIVEN_ONLY, target());
  const now = await check.read();
  // Back to the snapshot for the next case, through the same path a rollback takes.
  const back = await check.apply(now, planRouterRestore(before, now, routerScope(INPUTS)), false, {
    before: () => {},
    after: () => {},
  });
  await check.close();
  return { plan, before, now, journal, sent, outcome, back };
}

describe('a site apply when the router link drops halfway', () => {
  it('journals each change in flight as the router really holds it, read back on a new connection', async () => {
    const { plan, before, now, journal, sent, outcome } = await applyWithCut((n) => Math.floor(n / 2));
    expect(sent).toEqual(plan.changes.map((c) => c.id));
    // Some answers were lost in the cut: those were read back, not guessed.
    const settled = [...journal.values()].filter((j) => j.detail?.includes('read back on a new connection'));
    expect(settled.length).toBeGreaterThan(0);
    for (const [id, entry] of journal) {
      const change = plan.changes.find((c) => c.id === id)!;
      expect(entry.ok, `${id} ${entry.detail ?? ''}`).toBe(tookEffect(change, undefined, now, before));
    }
    // The run is a success only when every change is on the router.
    const everyChangeOn = plan.changes.every((c) => journal.get(c.id)?.ok === true);
    expect(outcome === undefined).toBe(everyChangeOn);
  });

  it('fails the run, naming the router, when the cut leaves later changes unsent', async () => {
    const { plan, journal, outcome } = await applyWithCut(() => 1);
    expect(outcome?.message).toMatch(/router/i);
    expect(plan.changes.some((c) => !journal.get(c.id)?.ok)).toBe(true);
  });
});
