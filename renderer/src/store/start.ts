/**
 * What the app reads once when it opens, before the technician does anything:
 * its own facts, this laptop's networks, and History, whose open run (after a
 * reload, a crash or a restart) is reopened at its step with its countdown.
 * Called once by main.tsx; kept here so it runs and is tested without React.
 */
import { openRunOf, revertPhase } from './open-run';
import type { WizardSlice } from './state';

export interface StartSlice {
  /** Reads what the app opens with; a second call waits on the first instead of reading again. */
  start(): Promise<void>;
}

export const startSlice: WizardSlice<StartSlice> = (_set, get) => {
  let started: Promise<void> | undefined;
  const reopen = () => {
    const s = get();
    // Only on a fresh wizard: a plan or an apply of this session is never replaced by History's run.
    if (s.applying.status !== 'idle' || s.planned.status !== 'idle' || s.runs.status !== 'done') return;
    if (revertPhase(openRunOf(s.runs.value), Date.now()).kind !== 'none') s.resumeOpenRun();
  };
  return {
    start: () =>
      (started ??= (async () => {
        await Promise.all([get().loadInfo(), get().detectLan(), get().loadRuns()]);
        reopen();
      })()),
  };
};
