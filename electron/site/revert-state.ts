/**
 * An open run's automatic undo, read off the router now: still armed (with the scheduler's next
 * run as the router prints it), or gone while the run was open, which means the router has undone
 * its half by itself. Then the run is recorded so: the router half undone by its timer, the PBX
 * half still applied, the visit interrupted. Nothing is sent to either box.
 */
import type { RevertState } from '../../contract/types';
import { REVERT_NAME } from '../routeros/revert';
import { runLockKey, siteLockKey, type SiteRun } from '../store';
import type { Access, SiteDeps } from './run';

export async function readRevertState(deps: SiteDeps, before: SiteRun, access: Access): Promise<RevertState> {
  const runId = before.runId;
  const router = await deps.openRouter(access.router);
  let schedulers;
  try {
    schedulers = (await router.read()).schedulers;
  } finally {
    await router.close();
  }
  const job = schedulers.find((s) => s.name === REVERT_NAME);
  const open = before.kind === 'apply' && (before.status === 'applied' || before.status === 'verified');
  let routerUndone = before.boxes?.router?.state === 'reverted-by-router';
  if (!job && open) {
    // Under the run's lock: a confirm in another window cannot be under way while this is written.
    await deps.store.withLocks([runLockKey(runId), siteLockKey(before.siteId)], 'revert check', async () => {
      deps.store.setRunStatus(runId, 'interrupted', {
        expect: ['applied', 'verified'],
        result: { ...before.result, note: 'The router had undone its changes by its own timer.' },
      });
      deps.store.setRunBoxes(runId, { router: { state: 'reverted-by-router' } });
    });
    routerUndone = true;
  }
  const run = deps.store.listRuns({ siteId: before.siteId }).find((r) => r.runId === runId)!;
  return {
    runId,
    armed: job !== undefined,
    ...(job?.['next-run'] ? { nextRun: job['next-run'] } : {}),
    routerUndone,
    run,
  };
}
