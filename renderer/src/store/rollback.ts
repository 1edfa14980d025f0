/**
 * Rollback from History: plan the return of both boxes to a run's snapshot,
 * let the technician review it, then apply. The logins are the ones typed in
 * the Router and PBX steps (passwords are never stored).
 */
import type { AppError } from '../../../contract/errors';
import type { ApplyResult, PlannedRun } from '../../../contract/types';
import type { Client } from '../api/client';
import { pbxTargetOf, routerTargetOf } from './credentials';
import { idle, loading, settled, type Load } from './load';
import type { WizardSlice } from './state';

export interface RollbackSlice {
  /** The snapshot being rolled back to, once the technician picked a run. */
  rollbackSnapshot?: string;
  rollbackPlan: Load<PlannedRun>;
  rollbackResult: Load<ApplyResult>;
  /** The technician accepted that the boxes reached are not those the snapshot was taken of. */
  rollbackOtherBox: boolean;
  /** Plans the return to a snapshot, of both boxes or of the sides given (the PBX half after the router's revert). */
  planRollback(snapshotId: string, sides?: ('router' | 'pbx')[]): Promise<void>;
  /** Plans the same rollback again, accepting that it goes onto another router or PBX. */
  planRollbackOnOtherBox(): Promise<void>;
  applyRollback(): Promise<void>;
}

/** A refusal to roll a snapshot onto another box: the sentence naming both, and which box differs. */
export interface OtherBoxRefusal {
  message: string;
  boxes: 'router' | 'PBX' | 'router and PBX';
}

/**
 * The refusal rollback.plan gives when the router or PBX reached is not the
 * one the snapshot was taken of (electron/site/run.ts restorePlan): an
 * invalid_input on the field "acceptOtherBox". Which box differs is read from
 * the sentences it names them with, only for the wording of the button.
 */
export function otherBoxRefusal(load: Load<unknown>): OtherBoxRefusal | undefined {
  if (load.status !== 'error') return undefined;
  const error: AppError = load.error;
  if (error.code !== 'invalid_input') return undefined;
  const router = /The snapshot is of router /.test(error.message);
  const pbx = /The snapshot is of PBX /.test(error.message);
  if (error.field !== 'acceptOtherBox') return undefined;
  const boxes = router && pbx ? 'router and PBX' : pbx ? 'PBX' : 'router';
  // The CLI's way to accept is no help here: the button below the sentence is.
  return { message: error.message.replace(/ ?\(CLI: --other-box\)/, ''), boxes };
}

export const rollbackSlice =
  (client: Client): WizardSlice<RollbackSlice> =>
  (set, get) => {
    const access = () => ({ router: routerTargetOf(get().routerForm), pbx: pbxTargetOf(get().pbxForm) });
    const haveLogins = () => get().routerForm.host.trim() !== '' && get().pbxForm.host.trim() !== '';
    return {
      rollbackPlan: idle,
      rollbackResult: idle,
      rollbackOtherBox: false,

      planRollback: async (snapshotId, sides) => {
        set({ rollbackSnapshot: snapshotId, rollbackPlan: loading, rollbackResult: idle, rollbackOtherBox: false });
        const base = sides ? { snapshotId, sides } : { snapshotId };
        const input = haveLogins() ? { ...base, access: access() } : base;
        set({ rollbackPlan: settled(await client.call('rollback.plan', input)) });
      },

      planRollbackOnOtherBox: async () => {
        const snapshotId = get().rollbackSnapshot;
        if (!snapshotId || !otherBoxRefusal(get().rollbackPlan)) return;
        set({ rollbackPlan: loading, rollbackResult: idle, rollbackOtherBox: true });
        const base = haveLogins() ? { snapshotId, access: access() } : { snapshotId };
        set({ rollbackPlan: settled(await client.call('rollback.plan', { ...base, acceptOtherBox: true })) });
      },

      applyRollback: async () => {
        const planned = get().rollbackPlan;
        if (planned.status !== 'done') return;
        set({ rollbackResult: loading });
        const input = haveLogins() ? { runId: planned.value.runId, access: access() } : { runId: planned.value.runId };
        set({ rollbackResult: settled(await client.call('rollback.apply', input)) });
        await get().loadRuns();
      },
    };
  };
