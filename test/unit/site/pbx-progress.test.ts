/**
 * A PBX apply is told to the journal's hooks as FreeSWITCH answers, not all at once at the end:
 * Apply then marks each PBX step while the next one still runs. Plain data: the progress events
 * applyPbxPlan gives (pbx/apply/apply.ts) and the record it returns.
 */
import { describe, expect, it } from 'vitest';
import type { PbxApplyProgress, PbxApplyRecord, PbxStepRecord } from '../../../electron/pbx/apply/apply';
import { pbxProgress } from '../../../electron/site/boxes/pbx-progress';

const plan = { changes: [{ id: 'p-1' }, { id: 'p-2' }], steps: ['vars.xml', 'reloadxml', 'rescan'] };

function recorder() {
  const told: string[] = [];
  return {
    told,
    hooks: {
      before: (ids: string[]) => void told.push(`before ${ids.join(',')}`),
      after: (id: string, ok: boolean, detail?: string) =>
        void told.push(`${id} ${ok ? 'ok' : 'failed'}${detail ? ` (${detail})` : ''}`),
    },
  };
}

const event = (index: number, status: PbxApplyProgress['status']): PbxApplyProgress => ({
  index,
  total: 4,
  kind: index === 0 ? 'database' : 'fs-cli',
  what: `step ${index}`,
  status,
});

const step = (index: number, status: PbxStepRecord['status'], message?: string): PbxStepRecord => ({
  index,
  kind: index === 0 ? 'database' : 'fs-cli',
  what: `step ${index}`,
  status,
  ...(message ? { error: { code: 'io_failed', message } } : {}),
});

describe('a PBX apply told as it goes', () => {
  it('tells the changes at the COMMIT and each step as it answers, before the apply returns; the record adds only the failure', () => {
    const { told, hooks } = recorder();
    const progress = pbxProgress(plan, hooks);
    expect(progress.ids).toEqual(['p-1', 'p-2', 'pbx-step-1', 'pbx-step-2', 'pbx-step-3']);
    progress.onProgress(event(0, 'running'));
    expect(told).toEqual([]);
    progress.onProgress(event(0, 'done'));
    progress.onProgress(event(1, 'running'));
    progress.onProgress(event(1, 'done'));
    // Still running step 2: the changes and step 1 are already told.
    expect(told).toEqual(['p-1 ok', 'p-2 ok', 'pbx-step-1 ok']);
    progress.onProgress(event(2, 'retrying'));
    progress.onProgress(event(2, 'failed'));
    const record: PbxApplyRecord = {
      database: 'committed',
      steps: [step(0, 'done'), step(1, 'done'), step(2, 'failed', 'FreeSWITCH still refuses'), step(3, 'not-run')],
      complete: false,
      ms: 1,
    };
    progress.finish(record);
    expect(told).toEqual(['p-1 ok', 'p-2 ok', 'pbx-step-1 ok', 'pbx-step-2 failed (FreeSWITCH still refuses)']);
  });

  it('tells the changes from the record when the COMMIT was settled by a read after a lost link', () => {
    const { told, hooks } = recorder();
    const progress = pbxProgress(plan, hooks);
    progress.onProgress(event(0, 'running'));
    progress.onProgress(event(0, 'failed'));
    progress.finish({
      database: 'not-committed',
      steps: [step(0, 'failed'), step(1, 'not-run')],
      complete: false,
      ms: 1,
    });
    expect(told).toEqual(['p-1 failed (not-committed)', 'p-2 failed (not-committed)']);
  });
});
