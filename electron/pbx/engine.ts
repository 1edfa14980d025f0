/**
 * The PBX engine: the one way a plan reaches the PBX, on an open session, with
 * the read-back that settles a COMMIT whose answer was lost with the link. The
 * site run (site/open-sides.ts) and the engine's tests both go through
 * `applyPbxOn`; `applyPbx` and `restorePbx` only open the session around it.
 */
import type { PbxTarget } from '../../contract/schemas';
import { applyPbxPlan, transactionLanded, type PbxApplyOptions, type PbxApplyRecord } from './apply/apply';
import type { PbxPlan } from './plan/plan';
import { readPbxState } from './read/reader';
import { planPbxRestore } from './restore/restore';
import { openSsh, type OpenOptions, type SshSession } from './session/ssh';
import type { PbxState } from './model/state';

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

/**
 * When the link died after the COMMIT was sent, one fresh connection reads the
 * rows back to tell whether the transaction landed; unclear stays unknown.
 */
async function settleCommit(
  target: PbxTarget,
  plan: PbxPlan,
  record: PbxApplyRecord,
  open: OpenOptions,
): Promise<PbxApplyRecord> {
  if (record.database !== 'unknown') return record;
  const landed = await readPbx(target, open).then(
    (state) => transactionLanded(state, plan.changes),
    () => 'unclear' as const,
  );
  if (landed === 'unclear') return record;
  const [database, ...rest] = record.steps;
  return {
    ...record,
    database: landed === 'yes' ? 'committed' : 'not-committed',
    steps: database ? [{ ...database, status: landed === 'yes' ? 'done' : 'failed' }, ...rest] : record.steps,
  };
}

/**
 * Applies a reviewed plan on an open session. The plan's UPDATEs check their
 * rows still hold the reviewed values; a COMMIT lost with the link is settled
 * from a fresh read.
 */
export async function applyPbxOn(
  ssh: SshSession,
  target: PbxTarget,
  plan: PbxPlan,
  options: PbxApplyOptions & { open?: OpenOptions } = {},
): Promise<PbxApplyRecord> {
  return settleCommit(target, plan, await applyPbxPlan(ssh, plan, options), options.open ?? {});
}

/** applyPbxOn on a session of its own. */
export async function applyPbx(
  target: PbxTarget,
  plan: PbxPlan,
  options: PbxApplyOptions & { open?: OpenOptions } = {},
): Promise<{ record: PbxApplyRecord }> {
  return { record: await withPbxSession(target, (ssh) => applyPbxOn(ssh, target, plan, options), options.open) };
}

export interface PbxRunResult {
  /** The state just before the run, read on the same connection. */
  before: PbxState;
  plan: PbxPlan;
  record: PbxApplyRecord;
}

/**
 * Puts the PBX back as it was in `snapshot`, as a site rollback does: reads the
 * state now, plans the restore and sends it through applyPbxOn. Running it
 * again plans and changes nothing.
 */
export function restorePbx(
  target: PbxTarget,
  snapshot: PbxState,
  options: PbxApplyOptions & { open?: OpenOptions } = {},
): Promise<PbxRunResult> {
  return withPbxSession(
    target,
    async (ssh) => {
      const before = await readPbxState(ssh);
      const plan = planPbxRestore(snapshot, before);
      const record = await applyPbxOn(ssh, target, plan, options);
      return { before, plan, record };
    },
    options.open,
  );
}
