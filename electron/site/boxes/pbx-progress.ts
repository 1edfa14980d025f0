/**
 * A PBX apply told to the journal's hooks as it goes: the changes once their transaction is
 * committed, each PBX step as FreeSWITCH answers it (a profile restart takes seconds), so Apply
 * marks them while the rest still runs. What the progress did not tell (a COMMIT settled from a
 * read after a lost link, a step that failed or whose answer was lost) is told from the record at
 * the end. Each id is told once.
 */
import { pbxStepId } from '../../../contract/plan-counts';
import type { PbxApplyProgress, PbxApplyRecord } from '../../pbx/apply/apply';
import type { ApplyHooks } from '../sides';

export interface PbxProgress {
  /** Every id the apply may send, for the journal before anything goes out. */
  ids: string[];
  onProgress(progress: PbxApplyProgress): void;
  finish(record: PbxApplyRecord): void;
}

/** `plan`: a PbxPlan, of which only the changes' ids and the number of steps count here. */
export function pbxProgress(
  plan: { changes: readonly { id: string }[]; steps: readonly unknown[] },
  hooks: ApplyHooks,
): PbxProgress {
  const told = new Set<number>();
  const tellChanges = (committed: boolean, detail: string) => {
    for (const change of plan.changes) hooks.after(change.id, committed, committed ? undefined : detail);
  };
  return {
    ids: [...plan.changes.map((c) => c.id), ...plan.steps.map((_, i) => pbxStepId(i + 1))],
    onProgress(progress) {
      // Only a success is told live: a failure's words and its "unknown" come with the record.
      if (progress.status !== 'done' || told.has(progress.index)) return;
      told.add(progress.index);
      if (progress.index === 0) tellChanges(true, '');
      else hooks.after(pbxStepId(progress.index), true);
    },
    finish(record) {
      const [database, ...steps] = record.steps;
      if (!told.has(0)) tellChanges(database?.status === 'done', record.database);
      for (const step of steps) {
        if (step.status === 'not-run' || told.has(step.index)) continue;
        hooks.after(pbxStepId(step.index), step.status === 'done', step.error?.message);
      }
    },
  };
}
