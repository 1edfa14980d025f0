/**
 * Apply re-plans from what it reads and sends only if that equals the reviewed
 * plan: the ids of inserted rows must therefore be part of the plan, not drawn anew.
 */
import { describe, expect, it } from 'vitest';
import { siteInputs } from '../../../contract/schemas';
import { insertedRowIds } from '../../../electron/pbx/model/change';
import { mintRowIds, planFromStates } from '../../../electron/site/run';
import { stockPbx } from '../pbx/fixtures/stock';
import { defconfRouter } from '../routeros/fixtures/defconf';

const inputs = siteInputs.parse({
  router: { host: '192.168.88.1', username: 'admin', password: '' },
  pbx: { host: '192.168.88.10', username: 'root', auth: { kind: 'password', password: 'x' } },
  trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
  phones: [],
  options: {},
});

/** An FS PBX whose internal profile has no aggressive-nat-detection row: the plan must insert one. */
function pbxMissingRow() {
  const state = stockPbx();
  state.settings = state.settings.filter((s) => s.sip_profile_setting_name !== 'aggressive-nat-detection');
  return state;
}

const shape = (plan: ReturnType<typeof planFromStates>['plan']) =>
  JSON.stringify(plan.changes.map((c) => [c.target, c.path, c.action, c.before, c.after]));

describe('planning again before apply', () => {
  it('inserts a row for a missing setting, with an id from the ids it was given', () => {
    const ids = mintRowIds();
    const plan = planFromStates(inputs, defconfRouter(), pbxMissingRow(), ids).plan;
    const inserted = insertedRowIds(plan.pbx!.changes);
    expect(inserted.length).toBeGreaterThan(0);
    expect(ids).toEqual(expect.arrayContaining(inserted));
  });

  it('gives the same plan from the ids stored in the reviewed plan', () => {
    const reviewed = planFromStates(inputs, defconfRouter(), pbxMissingRow(), mintRowIds()).plan;
    const again = planFromStates(inputs, defconfRouter(), pbxMissingRow(), [
      ...insertedRowIds(reviewed.pbx!.changes),
      ...mintRowIds(),
    ]).plan;
    expect(shape(again)).toBe(shape(reviewed));
  });

  it('would differ with fresh ids (the defect this guards against)', () => {
    const reviewed = planFromStates(inputs, defconfRouter(), pbxMissingRow(), mintRowIds()).plan;
    const fresh = planFromStates(inputs, defconfRouter(), pbxMissingRow(), mintRowIds()).plan;
    expect(shape(fresh)).not.toBe(shape(reviewed));
  });
});
