/**
 * The open visit: a run whose router half the router will undo by itself unless it is kept. The
 * app knows it from this session (just applied) or, after a reload or a crash, from History (an
 * applied run with its revert time). Pure: the bar and the resume read it; nothing here calls out.
 */
import type { RunSummary } from '../../../contract/types';

export interface OpenRun {
  runId: string;
  /** When the router runs its revert (as the apply read it off the router's clock). */
  revertAt: string;
  snapshotId?: string;
  /** How many changes each box got. */
  routerChanges: number;
  pbxChanges: number;
}

export type RevertPhase =
  { kind: 'none' } | { kind: 'armed'; run: OpenRun; secondsLeft: number } | { kind: 'expired'; run: OpenRun };

/** An applied, unconfirmed run of this laptop with its revert time: the newest such one. */
export function openRunOf(runs: readonly RunSummary[]): OpenRun | undefined {
  const run = runs.find(
    (r) =>
      !r.imported &&
      r.kind === 'apply' &&
      (r.status === 'applied' || r.status === 'verified') &&
      r.revertAt !== undefined &&
      r.boxes?.router?.state !== 'reverted-by-router',
  );
  if (!run?.revertAt) return undefined;
  return {
    runId: run.runId,
    revertAt: run.revertAt,
    ...(run.snapshotId ? { snapshotId: run.snapshotId } : {}),
    routerChanges: run.boxes?.router?.changes ?? 0,
    pbxChanges: run.boxes?.pbx?.changes ?? 0,
  };
}

/** Where the open run stands at `now` (ms): counting down, or past its revert time. */
export function revertPhase(run: OpenRun | undefined, now: number): RevertPhase {
  if (!run) return { kind: 'none' };
  const at = Date.parse(run.revertAt);
  if (Number.isNaN(at)) return { kind: 'none' };
  const secondsLeft = Math.ceil((at - now) / 1000);
  return secondsLeft > 0 ? { kind: 'armed', run, secondsLeft } : { kind: 'expired', run };
}

/** 4:05 — minutes and seconds left. */
export function timeLeft(seconds: number): string {
  const s = Math.max(0, seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The local wall time of the revert, as the technician's watch shows it: 14:32. */
export function clockTime(iso: string): string {
  const at = new Date(iso);
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}

const changes = (n: number) => `${n} change${n === 1 ? '' : 's'}`;

/** The bar's sentence while the revert is armed. */
export function armedSentence(run: OpenRun, secondsLeft: number): string {
  const pbx = run.pbxChanges > 0 ? ` The PBX keeps its ${changes(run.pbxChanges)} either way.` : '';
  return `The router undoes its ${changes(run.routerChanges)} in ${timeLeft(secondsLeft)} unless you keep them.${pbx}`;
}

/** What happened at expiry, with the PBX half named: the router undid its part, the PBX did not. */
export function expiredSentence(run: OpenRun): string {
  const pbx =
    run.pbxChanges > 0
      ? ` The PBX still has its ${changes(run.pbxChanges)}: undo the PBX half, or plan and apply again.`
      : ' Plan and apply again to make the changes.';
  return `The router undid its ${changes(run.routerChanges)} at ${clockTime(run.revertAt)}.${pbx}`;
}
