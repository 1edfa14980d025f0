/**
 * Keep or undo the open run's changes. Undo is a rollback from History: plan
 * the return of the boxes to a run's snapshot, let the technician review it,
 * then apply. The logins are the ones typed in the Router and PBX steps
 * (passwords are never stored). Keep asks first when the checks do not show
 * that calls work.
 */
import type { AppError } from '../../../contract/errors';
import type { ApplyResult, PlannedRun, Target } from '../../../contract/types';
import type { Client } from '../api/client';
import { pbxTargetOf, routerTargetOf } from './credentials';
import { keepDoubt, type KeepAskedAt } from './keep';
import { idle, loading, settled, type Load } from './load';
import type { WizardSlice } from './state';

export interface RollbackSlice {
  /** The snapshot being rolled back to, once the technician picked a run. */
  rollbackSnapshot?: string;
  /** The boxes asked for: both unless one half was (the PBX after the router's own undo). */
  rollbackAsked: Target[];
  rollbackPlan: Load<PlannedRun>;
  rollbackResult: Load<ApplyResult>;
  /** The technician accepted that the boxes reached are not those the snapshot was taken of. */
  rollbackOtherBox: boolean;
  /** Plans the return to a snapshot, of both boxes or of the sides given (the PBX half after the router's revert). */
  planRollback(snapshotId: string, sides?: ('router' | 'pbx')[]): Promise<void>;
  /** Plans the same rollback again, accepting that it goes onto another router or PBX. */
  planRollbackOnOtherBox(): Promise<void>;
  applyRollback(): Promise<void>;
  /** Where Keep asked its question (keepDoubt) and waits for the answer. */
  keepAsked?: KeepAskedAt;
  /**
   * Keeps the open run's changes (site.confirm). When the checks failed, could not run or have
   * not run, it asks first (keepAsked) and confirms only when called again with `anyway`.
   */
  keepChanges(at: KeepAskedAt, anyway?: boolean): Promise<void>;
  /** "Not yet": the question is put away, nothing is kept. */
  notYet(): void;
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

/**
 * The boxes a planned rollback covers, as the run's control says (electron/site/run.ts
 * restorePlan): both, or one half (the PBX after the router's own undo).
 */
export function rollbackSides(planned: Pick<PlannedRun, 'rollback'> | undefined): Target[] {
  const sides = planned?.rollback?.sides ?? [];
  const known = (['router', 'pbx'] as const).filter((side) => sides.includes(side));
  return known.length > 0 ? known : ['router', 'pbx'];
}

/** One login a rollback uses: whose, whether it is typed in this window, and what it is for. */
export interface RollbackLogin {
  side: Target;
  typed: boolean;
  sentence: string;
}

/**
 * The logins a rollback of `sides` uses (electron/site/run.ts restorePlan): the router's only
 * when the router is rolled back; the PBX's always, since a router rollback reads the PBX (read
 * only) to know which router entries are the wizard's for it. `hosts` are the ones typed in
 * steps 2 and 3. One not typed may still be held by this app from the run's own visit.
 */
export function rollbackLogins(sides: readonly Target[], hosts: { router: string; pbx: string }): RollbackLogin[] {
  const router = hosts.router.trim();
  const pbx = hosts.pbx.trim();
  const notTyped = (box: string, step: number) =>
    `${box}: no login typed in step ${step}. The one the run was made with is used if this app still holds it; otherwise type it there.`;
  const logins: RollbackLogin[] = [];
  if (sides.includes('router')) {
    logins.push({
      side: 'router',
      typed: router !== '',
      sentence: router ? `Router: the login of step 2 (${router}), to read it and put it back.` : notTyped('Router', 2),
    });
  }
  logins.push({
    side: 'pbx',
    typed: pbx !== '',
    sentence: !pbx
      ? notTyped('PBX', 3)
      : sides.includes('pbx')
        ? `PBX: the login of step 3 (${pbx}), to read it and put it back.`
        : `PBX: the login of step 3 (${pbx}), read only: it says which router entries are the wizard's for this PBX.`,
  });
  if (!sides.includes('router')) {
    logins.push({ side: 'router', typed: true, sentence: 'Router: not needed, it is neither read nor changed.' });
  }
  return logins;
}

/** "the router and the PBX", "the PBX": the boxes in words. */
export function boxesWords(sides: readonly Target[]): string {
  return sides.map((side) => (side === 'router' ? 'the router' : 'the PBX')).join(' and ');
}

export const rollbackSlice =
  (client: Client): WizardSlice<RollbackSlice> =>
  (set, get) => {
    /**
     * The typed logins of the boxes a rollback of `sides` uses (rollbackLogins), or none when one
     * is not typed: the app then uses those it holds from the run's visit, or says which is missing.
     */
    const accessFor = (sides: readonly Target[]) => {
      const { routerForm, pbxForm } = get();
      const routerTyped = routerForm.host.trim() !== '';
      if (pbxForm.host.trim() === '') return {};
      const pbx = pbxTargetOf(pbxForm);
      if (!sides.includes('router')) return { access: { pbx } };
      return routerTyped ? { access: { router: routerTargetOf(routerForm), pbx } } : {};
    };
    return {
      rollbackAsked: ['router', 'pbx'],
      rollbackPlan: idle,
      rollbackResult: idle,
      rollbackOtherBox: false,

      keepChanges: async (at, anyway = false) => {
        if (keepDoubt(get().verification) && !anyway) {
          set({ keepAsked: at });
          return;
        }
        set({ keepAsked: undefined });
        await get().confirmRun();
      },

      notYet: () => set({ keepAsked: undefined }),

      planRollback: async (snapshotId, sides) => {
        set({
          rollbackSnapshot: snapshotId,
          rollbackAsked: sides ?? ['router', 'pbx'],
          rollbackPlan: loading,
          rollbackResult: idle,
          rollbackOtherBox: false,
        });
        const input = { snapshotId, ...(sides ? { sides } : {}), ...accessFor(sides ?? ['router', 'pbx']) };
        set({ rollbackPlan: settled(await client.call('rollback.plan', input)) });
      },

      planRollbackOnOtherBox: async () => {
        const { rollbackSnapshot: snapshotId, rollbackAsked: sides } = get();
        if (!snapshotId || !otherBoxRefusal(get().rollbackPlan)) return;
        set({ rollbackPlan: loading, rollbackResult: idle, rollbackOtherBox: true });
        // The same boxes as the refused plan: accepting another PBX must not widen a PBX-half rollback.
        const half = sides.length === 1 ? { sides } : {};
        const input = { snapshotId, ...half, ...accessFor(sides), acceptOtherBox: true };
        set({ rollbackPlan: settled(await client.call('rollback.plan', input)) });
      },

      applyRollback: async () => {
        const planned = get().rollbackPlan;
        if (planned.status !== 'done') return;
        set({ rollbackResult: loading });
        const input = { runId: planned.value.runId, ...accessFor(rollbackSides(planned.value)) };
        set({ rollbackResult: settled(await client.call('rollback.apply', input)) });
        await get().loadRuns();
      },
    };
  };
