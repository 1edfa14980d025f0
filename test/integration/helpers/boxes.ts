/**
 * The boxes as the product reaches them (electron/site/boxes), for tests and benches that give
 * the certificate or host key themselves: nothing is remembered between calls (GIVEN_ONLY). The
 * PBX's read, apply and restore on a box of their own; restore is composed as a site rollback
 * composes it (site/run.ts): read now, plan the restore from the snapshot, send it.
 */
import type { PbxTarget } from '../../../contract/schemas';
import type { PbxApplyOptions, PbxApplyRecord } from '../../../electron/pbx/apply/apply';
import type { PbxState } from '../../../electron/pbx/model/state';
import type { PbxPlan } from '../../../electron/pbx/plan/plan';
import { planPbxRestore } from '../../../electron/pbx/restore/restore';
import type { SshSession } from '../../../electron/pbx/session/ssh';
import { withPbxBox, type Pins } from '../../../electron/site/boxes';

/** No certificate or host key remembered: each target carries its own. */
export const GIVEN_ONLY: Pins = { knownFingerprint: () => undefined, acceptFingerprint: () => undefined };

export function withPbxSession<T>(target: PbxTarget, work: (ssh: SshSession) => Promise<T>): Promise<T> {
  return withPbxBox(GIVEN_ONLY, target, (box) => work(box.session));
}

export function readPbx(target: PbxTarget): Promise<PbxState> {
  return withPbxBox(GIVEN_ONLY, target, (box) => box.read());
}

export async function applyPbx(
  target: PbxTarget,
  plan: PbxPlan,
  options: PbxApplyOptions = {},
): Promise<{ record: PbxApplyRecord }> {
  return { record: await withPbxBox(GIVEN_ONLY, target, (box) => box.apply(plan, options)) };
}

export function restorePbx(
  target: PbxTarget,
  snapshot: PbxState,
  options: PbxApplyOptions = {},
): Promise<{ before: PbxState; plan: PbxPlan; record: PbxApplyRecord }> {
  return withPbxBox(GIVEN_ONLY, target, async (box) => {
    const before = await box.read();
    const plan = planPbxRestore(snapshot, before);
    return { before, plan, record: await box.apply(plan, options) };
  });
}
