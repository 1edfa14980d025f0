/**
 * The PBX engine: the one way a plan reaches the PBX, on an open session. A
 * COMMIT whose answer was lost with the link is settled from a fresh read,
 * which the caller supplies (site/boxes: a new session, pinned to the same
 * host key); what that read says about the transaction is decided here.
 */
import { applyPbxPlan, transactionLanded, type PbxApplyOptions, type PbxApplyRecord } from './apply/apply';
import type { PbxState } from './model/state';
import type { PbxPlan } from './plan/plan';
import type { SshSession } from './session/ssh';

/** The PBX's rows read again on a new connection, after the link that carried the COMMIT was lost. */
export type PbxReadBack = () => Promise<PbxState>;

/** Turns a COMMIT lost with the link into committed / not committed from a fresh read; unclear stays unknown. */
async function settleCommit(plan: PbxPlan, record: PbxApplyRecord, readBack: PbxReadBack): Promise<PbxApplyRecord> {
  if (record.database !== 'unknown') return record;
  const landed = await readBack().then(
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
 * from `readBack`.
 */
export async function applyPbxOn(
  ssh: SshSession,
  plan: PbxPlan,
  readBack: PbxReadBack,
  options: PbxApplyOptions = {},
): Promise<PbxApplyRecord> {
  return settleCommit(plan, await applyPbxPlan(ssh, plan, options), readBack);
}
