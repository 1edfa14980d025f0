/**
 * Properties over many generated inputs (seeded, so a failure reproduces):
 * on a defconf and a custom router, applying a plan makes the next plan empty,
 * leaves every item the wizard does not own as it was, and a restore brings
 * back exactly the snapshot.
 */
import { describe, expect, it } from 'vitest';
import type { Peer } from '../../../contract/schemas';
import { isOwned } from '../../../electron/routeros/change';
import type { RouterPlanInputs } from '../../../electron/routeros/inputs';
import { routerScope } from '../../../electron/routeros/managed';
import { planRouterRestore, RESTORED_MENUS } from '../../../electron/routeros/restore';
import { renderRsc } from '../../../electron/routeros/script';
import { writableFields, type RouterState } from '../../../electron/routeros/state';
import { randomHostile } from '../pbx/hostile';
import { customRouter } from './fixtures/custom';
import { defconfRouter } from './fixtures/defconf';
import { apply, plan } from './helpers';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const content = (state: RouterState) =>
  Object.fromEntries(RESTORED_MENUS.map((menu) => [menu, state[menu].map(writableFields)]));

/** Same items regardless of order: the wizard's own rules never overlap, so their order does not matter. */
const itemSet = (state: RouterState) =>
  Object.fromEntries(
    RESTORED_MENUS.map((menu) => [
      menu,
      state[menu].map((i) => JSON.stringify(Object.entries(writableFields(i)).sort())).sort(),
    ]),
  );

const foreign = (state: RouterState) =>
  Object.fromEntries(
    RESTORED_MENUS.map((menu) => [menu, state[menu].filter((i) => !isOwned(i) && menu !== 'servicePorts')]),
  );

function peers(next: () => number, names: string[], base: string): Peer[] {
  const count = Math.floor(next() * 4);
  return Array.from({ length: count }, (_, i) => {
    const host = 1 + Math.floor(next() * 250);
    const prefix = next() < 0.3 ? `/${24 + Math.floor(next() * 9)}` : '';
    // eslint-disable-next-line no-control-regex
    const name = (names.pop() ?? `peer ${i}`).replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 64) || 'x';
    return { name, address: `${base}.${host}${prefix}` };
  });
}

describe('router planner properties', () => {
  const names = randomHostile(400, 3);
  const next = prng(42);
  const cases: { router: () => RouterState; inputs: RouterPlanInputs }[] = [];
  for (let i = 0; i < 60; i += 1) {
    const custom = i % 2 === 1;
    const rtpStart = 10000 + Math.floor(next() * 20) * 1000;
    cases.push({
      router: custom ? customRouter : defconfRouter,
      inputs: {
        pbxAddress: custom ? '10.20.0.10' : '192.168.88.10',
        trunks: peers(next, names, '198.51.100'),
        phones: peers(next, names, '192.0.2'),
        pbxRtp: { start: rtpStart, end: rtpStart + 2000 },
        hairpin: next() < 0.3,
        webGui: next() < 0.3,
      },
    });
  }

  it('plans nothing after its own plan, keeps foreign items, restores exactly, renders safely', () => {
    for (const { router, inputs } of cases) {
      const snapshot = router();
      const first = plan(snapshot, inputs);
      const applied = apply(snapshot, first.changes);
      expect(plan(applied, inputs).changes).toEqual([]);
      expect(foreign(applied)).toEqual(foreign(snapshot));
      const restored = apply(applied, planRouterRestore(snapshot, applied, routerScope(inputs)).changes);
      expect(content(restored)).toEqual(content(snapshot));
      expect(planRouterRestore(snapshot, restored, routerScope(inputs)).changes).toEqual([]);
      const rsc = renderRsc(first.changes, { title: 'p' });
      expect(rsc.ok).toBe(true);
      if (rsc.ok) expect(rsc.value).toMatch(/^[\x20-\x7e\n]*$/);
    }
  });

  it('moves from one set of inputs to another and back without leftovers', () => {
    for (let i = 0; i + 1 < cases.length; i += 2) {
      const a = cases[i]!;
      const b = { ...cases[i + 2 < cases.length ? i + 2 : 0]!.inputs, pbxAddress: a.inputs.pbxAddress };
      const snapshot = a.router();
      const withA = apply(snapshot, plan(snapshot, a.inputs).changes);
      const withB = apply(withA, plan(withA, b).changes);
      expect(plan(withB, b).changes).toEqual([]);
      const backToA = apply(withB, plan(withB, a.inputs).changes);
      expect(itemSet(backToA)).toEqual(itemSet(withA));
      expect(foreign(backToA)).toEqual(foreign(withA));
    }
  });
});
