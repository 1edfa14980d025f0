/**
 * The PBX engine's operations, one SSH connection each: read the state, plan
 * on it (with fresh ids for inserted rows so the rollback can name them),
 * apply a plan, restore a snapshot. The lead's handlers call these.
 */
import { randomUUID } from 'node:crypto';
import type { PbxTarget } from '../../contract/schemas';
import { applyPbxPlan, transactionLanded, type PbxApplyOptions, type PbxApplyRecord } from './apply';
import { planPbx, type PbxPlan, type PbxPlanInputs, type PbxPlanResult } from './plan';
import { readPbxState } from './reader';
import { planPbxRestore, type PbxRestoreOptions } from './restore';
import { openSsh, type OpenOptions, type SshSession } from './ssh';
import type { PbxState } from './state';

export async function withPbxSession<T>(
  target: PbxTarget,
  work: (ssh: SshSession) => Promise<T>,
  options: OpenOptions = {},
): Promise<T> {
  const ssh = await openSsh(target, options);
  try {
    return await work(ssh);
  } finally {
    ssh.close();
  }
}

export function readPbx(target: PbxTarget, options: OpenOptions = {}): Promise<PbxState> {
  return withPbxSession(target, readPbxState, options);
}

/** planPbx with fresh uuids for every row it might insert (at most one per internal profile setting and var). */
export function planPbxWithIds(state: PbxState, inputs: PbxPlanInputs): PbxPlanResult {
  const newIds = inputs.newIds ?? Array.from({ length: 2 * state.profiles.length + 2 }, () => randomUUID());
  return planPbx(state, { ...inputs, newIds });
}

export interface PbxRunResult {
  /** The state just before the run, read on the same connection (the rollback's snapshot for an apply). */
  before: PbxState;
  plan: PbxPlan;
  record: PbxApplyRecord;
}

/**
 * Applies a reviewed plan. The plan's UPDATEs check their rows still hold the
 * reviewed values. When the link died after the COMMIT was sent, one fresh
 * connection reads the rows back to tell whether the transaction landed.
 */
export async function applyPbx(
  target: PbxTarget,
  plan: PbxPlan,
  options: PbxApplyOptions & { open?: OpenOptions } = {},
): Promise<{ record: PbxApplyRecord }> {
  const record = await withPbxSession(target, (ssh) => applyPbxPlan(ssh, plan, options), options.open);
  if (record.database !== 'unknown') return { record };
  const landed = await readPbx(target, options.open).then(
    (state) => transactionLanded(state, plan.changes),
    () => 'unclear' as const,
  );
  if (landed === 'unclear') return { record };
  const db = record.steps[0]!;
  db.status = landed === 'yes' ? 'done' : 'failed';
  return { record: { ...record, database: landed === 'yes' ? 'committed' : 'not-committed' } };
}

/**
 * Puts the PBX back as it was in `snapshot`: reads the state now, plans the
 * restore (exact rows, vars.xml, rescan or restart) and applies it. Running it
 * again plans and changes nothing.
 */
export function restorePbx(
  target: PbxTarget,
  snapshot: PbxState,
  options: PbxApplyOptions & { open?: OpenOptions; restore?: PbxRestoreOptions } = {},
): Promise<PbxRunResult> {
  return withPbxSession(
    target,
    async (ssh) => {
      const before = await readPbxState(ssh);
      const plan = planPbxRestore(snapshot, before, options.restore);
      const record = await applyPbxPlan(ssh, plan, options);
      return { before, plan, record };
    },
    options.open,
  );
}
