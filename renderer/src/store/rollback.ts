/**
 * Rollback from History: plan the return of both boxes to a run's snapshot,
 * let the technician review it, then apply. The logins are the ones typed in
 * the Router and PBX steps (passwords are never stored).
 */
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
  planRollback(snapshotId: string): Promise<void>;
  applyRollback(): Promise<void>;
}

export const rollbackSlice =
  (client: Client): WizardSlice<RollbackSlice> =>
  (set, get) => {
    const access = () => ({ router: routerTargetOf(get().routerForm), pbx: pbxTargetOf(get().pbxForm) });
    const haveLogins = () => get().routerForm.host.trim() !== '' && get().pbxForm.host.trim() !== '';
    return {
      rollbackPlan: idle,
      rollbackResult: idle,

      planRollback: async (snapshotId) => {
        set({ rollbackSnapshot: snapshotId, rollbackPlan: loading, rollbackResult: idle });
        const input = haveLogins() ? { snapshotId, access: access() } : { snapshotId };
        set({ rollbackPlan: settled(await client.call('rollback.plan', input)) });
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
