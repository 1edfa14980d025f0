import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../contract/errors';
import type { PlannedRun } from '../../../contract/types';
import { otherBoxRefusal } from '../../../renderer/src/store/rollback';
import { createWizardStore } from '../../../renderer/src/store/wizard';
import { FakeClient, failed, ok } from './fake-client';

// The sentences electron/site/run.ts restorePlan refuses with (boxDifferences + its advice).
const ROUTER_DIFFERS =
  'The snapshot is of router "HQ" (hEX, 48:8f:5a:00:00:01); this router is "Branch" (hAP, 48:8f:5a:00:00:99).';
const PBX_DIFFERS = 'The snapshot is of PBX "pbx1" (host key SHA256:aaa); this PBX is "pbx2" (host key SHA256:bbb).';
const ADVICE =
  "Rolling this snapshot back here would put another site's settings on it. Check the addresses; if the box was replaced, accept the other box (CLI: --other-box).";
const refusal = (...differences: string[]): AppError => ({
  code: 'invalid_input',
  field: 'acceptOtherBox',
  message: `${differences.join(' ')} ${ADVICE}`,
});

const accepted: PlannedRun = {
  runId: 'run-2',
  plan: {
    changes: [],
    warnings: [
      { code: 'other-box', message: `Accepted by the technician: ${ROUTER_DIFFERS}` },
      { code: 'x', message: 'Something else.' },
    ],
    facts: {},
  },
  rollback: { sides: ['router', 'pbx'], otherBoxAccepted: true },
};

/** rollback.plan as the backend answers it: refused for another box unless accepted. */
function backend(...differences: string[]) {
  return new FakeClient().on('rollback.plan', (input) =>
    input.acceptOtherBox ? ok(accepted) : failed(refusal(...differences)),
  );
}

describe('rollback onto another box', () => {
  it('tells the refusal apart from other errors, and names the box that differs', () => {
    const error = (e: AppError) => ({ status: 'error' as const, error: e });
    expect(otherBoxRefusal(error(refusal(ROUTER_DIFFERS)))).toEqual({
      message: `${ROUTER_DIFFERS} ${ADVICE.replace(' (CLI: --other-box)', '')}`,
      boxes: 'router',
    });
    expect(otherBoxRefusal(error(refusal(PBX_DIFFERS)))?.boxes).toBe('PBX');
    expect(otherBoxRefusal(error(refusal(ROUTER_DIFFERS, PBX_DIFFERS)))?.boxes).toBe('router and PBX');
    // Told by its field, never by its wording alone.
    expect(otherBoxRefusal(error({ code: 'invalid_input', message: `${ROUTER_DIFFERS} ${ADVICE}` }))).toBeUndefined();
    expect(otherBoxRefusal(error({ code: 'invalid_input', message: 'Another box.', field: 'acceptOtherBox' }))).toEqual(
      { message: 'Another box.', boxes: 'router' },
    );
    expect(otherBoxRefusal(error({ code: 'invalid_input', message: 'This snapshot holds nothing of the PBX.' }))).toBe(
      undefined,
    );
    expect(otherBoxRefusal(error({ code: 'auth_failed', message: ROUTER_DIFFERS }))).toBeUndefined();
    expect(otherBoxRefusal({ status: 'done', value: accepted })).toBeUndefined();
  });

  it('is refused first; accepted, it plans again with acceptOtherBox and keeps the first warning', async () => {
    const client = backend(ROUTER_DIFFERS);
    const store = createWizardStore(client);
    store.getState().setRouterForm({ host: '192.168.88.1', password: 'rpw' });
    store.getState().setPbxForm({ host: '192.168.88.10', password: 'ppw' });
    await store.getState().planRollback('snap-1');
    expect(otherBoxRefusal(store.getState().rollbackPlan)?.message).toContain('this router is "Branch"');
    expect(store.getState().rollbackOtherBox).toBe(false);

    await store.getState().planRollbackOnOtherBox();
    const [first, second] = client.inputsOf('rollback.plan');
    expect(first).not.toHaveProperty('acceptOtherBox');
    expect(second).toMatchObject({
      snapshotId: 'snap-1',
      acceptOtherBox: true,
      access: { router: { host: '192.168.88.1' }, pbx: { host: '192.168.88.10' } },
    });
    expect(store.getState().rollbackOtherBox).toBe(true);
    const plan = store.getState().rollbackPlan;
    expect(plan.status === 'done' && plan.value.plan.warnings[0]).toEqual({
      code: 'other-box',
      message: `Accepted by the technician: ${ROUTER_DIFFERS}`,
    });
  });

  it('accepts nothing unless the last answer was that refusal; a new Roll back forgets the acceptance', async () => {
    const client = new FakeClient().on('rollback.plan', () =>
      failed({ code: 'host_unreachable', message: 'The router did not answer.' }),
    );
    const store = createWizardStore(client);
    await store.getState().planRollbackOnOtherBox();
    await store.getState().planRollback('snap-1');
    await store.getState().planRollbackOnOtherBox();
    expect(client.inputsOf('rollback.plan')).toEqual([{ snapshotId: 'snap-1' }]);

    const other = backend(PBX_DIFFERS);
    const again = createWizardStore(other);
    await again.getState().planRollback('snap-1');
    await again.getState().planRollbackOnOtherBox();
    await again.getState().planRollback('snap-2');
    expect(again.getState().rollbackOtherBox).toBe(false);
    expect(other.inputsOf('rollback.plan').map((i) => i.acceptOtherBox ?? false)).toEqual([false, true, false]);
  });
});
