/**
 * One site run, from plan to confirm, as ARCHITECTURE.md draws it: read both boxes,
 * plan, snapshot (on disk before the first change), apply router then PBX
 * with the revert timer armed, confirm. Every change is journalled before it
 * is sent; any failure stops the run with an exact record and leaves rollback
 * open. Rollback is a plan computed from a snapshot and the state read now.
 */
import { randomUUID } from 'node:crypto';
import { fail, Failure, toAppError, type AppError } from '../../contract/errors';
import type { PbxTarget, RouterTarget, SiteInputs } from '../../contract/schemas';
import type { ApplyProgress, ApplyResult, PlannedRun, RunSummary } from '../../contract/types';
import { planPbx, type PbxPlan } from '../pbx/plan/plan';
import { insertedRowIds } from '../pbx/model/change';
import { planPbxRestore } from '../pbx/restore/restore';
import { withSecretsFrom } from '../pbx/model/secret-vars';
import type { PbxState } from '../pbx/model/state';
import { pbxInputsFrom, routerInputsFrom } from './inputs';
import { planRouter, type RouterPlan } from '../routeros/plan';
import { routerScope } from '../routeros/managed';
import { renderRsc } from '../routeros/script';
import { planRouterRestore } from '../routeros/restore';
import type { RouterState } from '../routeros/state';
import {
  boxDifferences,
  boxNotes,
  boxOf,
  runLockKey,
  siteLockKey,
  type RollbackControl,
  type SiteRun,
  type Store,
} from '../store';
import type { SiteFacts } from '../../contract/types';
import { siteFacts } from './facts';
import { combinePlans, type SitePlan } from './combine';
import { differenceFromReview } from './rederive';
import { secureSipForwards } from './secure-forwards';
import type { ApplyHooks, ConfirmOutcome, PbxSide, RouterSide } from './sides';

export interface SiteDeps {
  store: Store;
  openRouter(target: RouterTarget): Promise<RouterSide>;
  openPbx(target: PbxTarget): Promise<PbxSide>;
}

/** Router and PBX logins of a run: kept in this process only, never stored. */
export type Access = Pick<SiteInputs, 'router' | 'pbx'>;
/** A rollback of the PBX alone neither reads nor changes the router: its login may be left out. */
export type RollbackAccess = Pick<Access, 'pbx'> & Partial<Pick<Access, 'router'>>;

function firstError(errors: AppError[]): never {
  const first = errors[0] ?? { code: 'invalid_input' as const, message: 'The plan could not be made.' };
  throw new Failure(first);
}

async function openBoth(deps: SiteDeps, access: Access): Promise<{ router: RouterSide; pbx: PbxSide }> {
  const [router, pbx] = await Promise.allSettled([deps.openRouter(access.router), deps.openPbx(access.pbx)]);
  if (router.status === 'fulfilled' && pbx.status === 'fulfilled') return { router: router.value, pbx: pbx.value };
  if (router.status === 'fulfilled') await router.value.close();
  if (pbx.status === 'fulfilled') await pbx.value.close();
  throw router.status === 'rejected' ? router.reason : pbx.status === 'rejected' ? pbx.reason : undefined;
}

async function closeBoth(sides: { router?: RouterSide; pbx: PbxSide }): Promise<void> {
  await Promise.allSettled([sides.router?.close(), sides.pbx.close()]);
}

/** The boxes a rollback reads: the PBX always (a router rollback's scope is read from it), the router only when rolled back. */
async function openForRollback(
  deps: SiteDeps,
  access: RollbackAccess,
  sides: readonly ('router' | 'pbx')[],
): Promise<{ router?: RouterSide; pbx: PbxSide }> {
  if (!sides.includes('router')) return { pbx: await deps.openPbx(access.pbx) };
  const router =
    access.router ??
    fail('invalid_input', 'This rollback puts the router back: give the router login too (CLI: --site site.json).');
  return openBoth(deps, { router, pbx: access.pbx });
}

/** Enough fresh row ids for any PBX plan: at most one insert per profile setting and var the planner owns. */
export const ROW_IDS_PER_PLAN = 32;

/** Fresh ids for the rows a new plan may insert; drawn once per plan, never while re-planning. */
export function mintRowIds(): string[] {
  return Array.from({ length: ROW_IDS_PER_PLAN }, () => randomUUID());
}

/**
 * Pure: both plans from what was read, and the site facts they were made from (computed
 * once, here: site/facts.ts). The ids of rows the PBX plan may insert come from the caller,
 * so the same states, inputs and ids always give the same plan.
 */
export function planFromStates(
  inputs: SiteInputs,
  routerState: RouterState,
  pbxState: PbxState,
  rowIds: readonly string[],
): { plan: SitePlan; facts: SiteFacts } {
  const facts = siteFacts(inputs, routerState, pbxState);
  const routerInputs = {
    ...routerInputsFrom(inputs, { address: inputs.pbx.host, rtp: facts.rtp }),
    secureSip: secureSipForwards(pbxState),
  };
  const router = planRouter(routerState, routerInputs);
  if (!router.ok) firstError(router.errors);
  const pbx = planPbx(pbxState, { ...pbxInputsFrom(inputs, facts), newIds: rowIds });
  if (!pbx.ok) firstError(pbx.errors);
  return { plan: combinePlans(router.plan, pbx.plan), facts };
}

export async function planSite(deps: SiteDeps, inputs: SiteInputs): Promise<PlannedRun> {
  const sides = await openBoth(deps, inputs);
  try {
    const [routerState, pbxState] = await Promise.all([sides.router.read(), sides.pbx.read()]);
    const { plan, facts } = planFromStates(inputs, routerState, pbxState, mintRowIds());
    const site = deps.store.upsertSite({
      routerHost: inputs.router.host,
      pbxHost: inputs.pbx.host,
      routerIdentity: routerState.identity,
      ...(inputs.site ? { customer: inputs.site.name } : {}),
      ...(inputs.site?.ticket ? { ticket: inputs.site.ticket } : {}),
    });
    const run = deps.store.createRun({ siteId: site.siteId, kind: 'apply', inputs, plan, facts });
    // The review's "Copy as RouterOS script": the commands the bundle's router/apply.rsc holds.
    const script = plan.router?.changes.length
      ? renderRsc(plan.router.changes, { title: `fspbx-nat plan for ${routerState.identity}` })
      : undefined;
    return { runId: run.runId, plan, site: facts, ...(script?.ok ? { routerScript: script.value } : {}) };
  } finally {
    await closeBoth(sides);
  }
}

/** What a run sent and how it went, filled in as answers arrive. */
interface Tally {
  applied: string[];
  done: number;
  total: number;
  failed?: { changeId: string; message: string };
}

function newTally(plan: SitePlan): Tally {
  return { applied: [], done: 0, total: plan.changes.length + (plan.pbx?.steps.length ?? 0) };
}

function journalHooks(
  deps: SiteDeps,
  runId: string,
  target: 'router' | 'pbx',
  tally: Tally,
  progress: (event: ApplyProgress) => void,
): ApplyHooks {
  const open = new Map<string, number>();
  return {
    before(ids) {
      // All on disk before the first goes out: after a crash the journal tells what may have been sent.
      for (const id of ids) open.set(id, deps.store.journalSend(runId, id, target));
    },
    after(id, ok, detail) {
      const seq = open.get(id);
      if (seq !== undefined) deps.store.journalResult(runId, seq, ok ? 'done' : 'failed', detail);
      if (ok) tally.applied.push(id);
      else tally.failed ??= { changeId: id, message: detail ?? 'refused' };
      tally.done += 1;
      progress({ kind: 'change', changeId: id, index: tally.done, total: tally.total, status: ok ? 'done' : 'failed' });
    },
  };
}

/** Router first (with its revert job when minutes are given), then PBX. */
async function sendPlan(
  deps: SiteDeps,
  runId: string,
  sides: { router?: RouterSide; pbx: PbxSide },
  before: RouterState | undefined,
  plan: SitePlan,
  revertMinutes: number | false,
  progress: (event: ApplyProgress) => void,
  tally: Tally,
): Promise<{ revertAt?: string }> {
  const log = (message: string) => progress({ kind: 'log', level: 'info', message });
  let revertAt: string | undefined;
  if (plan.router && plan.router.changes.length > 0) {
    log(`Router: ${plan.router.changes.length} changes.`);
    const router = sides.router ?? fail('invalid_input', 'The router was not opened: its login was not given.');
    const routerBefore = before ?? (await router.read());
    const hooks = journalHooks(deps, runId, 'router', tally, progress);
    revertAt = (await router.apply(routerBefore, plan.router, revertMinutes, hooks)).revertAt;
    if (revertAt) log(`The router undoes these changes at ${revertAt} unless confirmed.`);
  }
  if (plan.pbx && (plan.pbx.changes.length > 0 || plan.pbx.steps.length > 0)) {
    log(`PBX: ${plan.pbx.changes.length} changes, ${plan.pbx.steps.length} steps.`);
    await sides.pbx.apply(plan.pbx, journalHooks(deps, runId, 'pbx', tally, progress));
  }
  return revertAt ? { revertAt } : {};
}

/** The locks an apply, confirm or rollback holds: its run and its site, against every other process. */
function lockKeys(run: Pick<SiteRun, 'runId' | 'siteId'>): string[] {
  return [runLockKey(run.runId), siteLockKey(run.siteId)];
}

/** How many of a plan's changes go to each box: what the History says each holds. */
function boxCounts(plan: SitePlan): { router: number; pbx: number } {
  return {
    router: plan.router?.changes.length ?? 0,
    pbx: (plan.pbx?.changes.length ?? 0) + (plan.pbx?.steps.length ?? 0),
  };
}

/** Where a run stands, read again under its lock: another window may have moved it since it was read. */
function expectStatus(
  deps: SiteDeps,
  run: SiteRun,
  allowed: readonly string[],
  refusal: (now: string) => string,
): void {
  const now = deps.store.runStatus(run.runId);
  if (!allowed.includes(now)) fail('invalid_input', refusal(now));
}

/** Sends a reviewed plan: the run as read once by the caller (store/visit.ts), the logins of this process. */
export function applySite(
  deps: SiteDeps,
  run: SiteRun,
  access: Access,
  progress: (event: ApplyProgress) => void,
): Promise<ApplyResult> {
  return deps.store.withLocks(lockKeys(run), 'apply', () => applySiteHeld(deps, run, access, progress));
}

async function applySiteHeld(
  deps: SiteDeps,
  run: SiteRun,
  access: Access,
  progress: (event: ApplyProgress) => void,
): Promise<ApplyResult> {
  const runId = run.runId;
  if (run.imported) {
    return fail(
      'invalid_input',
      'This run was imported from a bundle: it is history to read, and nothing in it is ever applied. Plan again on this laptop.',
    );
  }
  expectStatus(deps, run, ['planned'], (now) => `This run is ${now}; plan again to make new changes.`);
  const revertMinutes = run.facts?.revertMinutes ?? run.inputs.options.revertMinutes;
  const stored = run.plan;
  const sides = await openBoth(deps, access);
  const tally = newTally(stored);
  let sending = false;
  try {
    const [routerState, pbxState] = await Promise.all([sides.router.read(), sides.pbx.read()]);
    const inputs = { ...run.inputs, ...access };
    // Re-planned with the ids stored in the plan: an insert reviewed is an insert sent, same row id.
    const rowIds = [...insertedRowIds(stored.pbx?.changes ?? []), ...mintRowIds()];
    // What goes out is this fresh plan, and only if it is the reviewed one in every part that is sent (rederive.ts).
    const { plan: fresh } = planFromStates(inputs, routerState, pbxState, rowIds);
    const moved = differenceFromReview(fresh, stored);
    if (moved !== undefined) {
      return fail(
        'invalid_input',
        'The router or the PBX changed since this plan was made, or the stored plan was altered: nothing was sent. Plan again and review it.',
        `Re-derived plan differs from the reviewed one in ${moved}.`,
      );
    }
    const snapshot = deps.store.saveSnapshot(
      runId,
      run.siteId,
      {
        router: routerState,
        pbx: pbxState,
        routerExport: await sides.router.exportText(),
        pbxReference: JSON.stringify(
          { settings: pbxState.settings, vars: pbxState.vars, extensions: pbxState.extensions },
          null,
          1,
        ),
      },
      // The host key this PBX was just reached with binds the snapshot to it (store/box.ts).
      sides.pbx.hostKey,
    );
    progress({ kind: 'log', level: 'info', message: `Snapshot ${snapshot.snapshotId} saved.` });
    deps.store.setRunStatus(runId, 'applying', { expect: 'planned' });
    sending = true;
    const { revertAt } = await sendPlan(deps, runId, sides, routerState, fresh, revertMinutes, progress, tally);
    const result: ApplyResult = {
      runId,
      status: 'applied',
      snapshotId: snapshot.snapshotId,
      applied: tally.applied,
      ...(revertAt ? { revertAt } : {}),
    };
    deps.store.setRunStatus(runId, 'applied', { result, expect: 'applying' });
    const counts = boxCounts(stored);
    deps.store.setRunBoxes(runId, {
      ...(counts.router > 0 ? { router: { state: 'applied' as const } } : {}),
      ...(counts.pbx > 0 ? { pbx: { state: 'applied' as const } } : {}),
    });
    return result;
  } catch (caught) {
    const error = toAppError(caught);
    const result: ApplyResult = {
      runId,
      status: 'failed',
      applied: tally.applied,
      failed: { changeId: tally.failed?.changeId ?? '', message: error.message },
    };
    // Nothing was sent yet (or another process holds the run): the plan is still good to retry, and the error says why it stopped.
    if (!sending) throw caught;
    // Something may have been sent: the run is failed, and the exact record goes back as a value with rollback open.
    deps.store.setRunStatus(runId, 'failed', { result, expect: 'applying' });
    return result;
  } finally {
    await closeBoth(sides);
  }
}

export function confirmSite(deps: SiteDeps, run: SiteRun, access: Access): Promise<RunSummary> {
  return deps.store.withLocks(lockKeys(run), 'confirm', () => confirmSiteHeld(deps, run, access));
}

async function confirmSiteHeld(deps: SiteDeps, run: SiteRun, access: Access): Promise<RunSummary> {
  const runId = run.runId;
  expectStatus(
    deps,
    run,
    ['applied', 'verified'],
    (now) => `Only an applied run can be confirmed; this one is ${now}.`,
  );
  const router = await deps.openRouter(access.router);
  let outcome: ConfirmOutcome;
  try {
    outcome = await router.confirm();
  } finally {
    await router.close();
  }
  if (outcome === 'still-set') {
    // Nothing changed: the run stays applied and the router will still undo it at its time.
    const when = run.result?.revertAt ? ` at ${run.result.revertAt} (router time)` : '';
    return fail(
      'io_failed',
      `The router did not take the confirmation: its automatic undo is still set and will run${when}. Check that this login may write on the router (group full or write), then confirm again before then.`,
    );
  }
  const counts = boxCounts(run.plan);
  if (outcome === 'undone') {
    // Only the router's half is undone: the run did not finish, and each box says what it holds.
    deps.store.setRunStatus(runId, 'interrupted', {
      expect: ['applied', 'verified'],
      result: { ...run.result, note: 'The router had already undone its changes by its own timer.' },
    });
    deps.store.setRunBoxes(runId, { router: { state: 'reverted-by-router' } });
    const pbxHalf =
      counts.pbx > 0
        ? ` The PBX still has its ${counts.pbx} changes: undo the PBX half (History › Undo the PBX half; CLI: rollback --snapshot ${run.snapshotId ?? '<id>'} --only pbx), or plan and apply again.`
        : ' Plan and apply again to make the changes.';
    return fail('timeout', `Too late: the router had already undone its ${counts.router} changes by itself.${pbxHalf}`);
  }
  deps.store.setRunStatus(runId, 'confirmed', { expect: ['applied', 'verified'] });
  deps.store.setRunBoxes(runId, {
    ...(counts.router > 0 ? { router: { state: 'confirmed' as const } } : {}),
    ...(counts.pbx > 0 ? { pbx: { state: 'confirmed' as const } } : {}),
  });
  return deps.store.listRuns({ siteId: run.siteId }).find((r) => r.runId === runId)!;
}

/**
 * A rollback plan from a snapshot and the boxes as they are now. Refused when
 * the boxes reached are not those the snapshot was taken of, unless the
 * technician accepted that (acceptOtherBox).
 */
async function restorePlan(
  deps: SiteDeps,
  snapshotId: string,
  sides: readonly ('router' | 'pbx')[],
  access: RollbackAccess,
  acceptOtherBox: boolean,
  open: { router?: RouterSide; pbx: PbxSide },
): Promise<{ plan: SitePlan; control: RollbackControl }> {
  // Refused here, one sentence: an imported snapshot whose signer is not trusted, or one that names no boxes.
  const snapshot = deps.store.snapshotForRollback(snapshotId);
  const [routerNow, pbxNow] = await Promise.all([open.router?.read(), open.pbx.read()]);
  const boxNow = boxOf(routerNow, pbxNow, open.pbx.hostKey);
  const differences = boxDifferences(snapshot.box, boxNow);
  if (differences.length > 0 && !acceptOtherBox) {
    // The field lets every front end offer the acceptance beside the sentence (UI checkbox, CLI --other-box).
    throw new Failure({
      code: 'invalid_input',
      field: 'acceptOtherBox',
      message: `${differences.join(' ')} Rolling this snapshot back here would put another site's settings on it. Check the addresses; if the box was replaced, accept the other box (CLI: --other-box).`,
    });
  }
  const missing = sides.find((side) => snapshot[side] === undefined);
  if (missing)
    return fail('invalid_input', `This snapshot holds nothing of the ${missing === 'router' ? 'router' : 'PBX'}.`);
  // What the wizard may write back: its entries for this PBX, from the PBX as read now, never from the snapshot.
  const scope = routerScope({ pbxAddress: access.pbx.host, pbxRtp: pbxNow.rtp, secureSip: secureSipForwards(pbxNow) });
  const router: RouterPlan | undefined =
    sides.includes('router') && snapshot.router && routerNow
      ? planRouterRestore(snapshot.router, routerNow, scope)
      : undefined;
  const pbx: PbxPlan | undefined =
    sides.includes('pbx') && snapshot.pbx ? planPbxRestore(withSecretsFrom(snapshot.pbx, pbxNow), pbxNow) : undefined;
  const plan = combinePlans(router, pbx);
  for (const note of snapshot.box ? boxNotes(snapshot.box, boxNow) : [])
    plan.warnings.push({ code: 'box-match', message: note });
  if (differences.length > 0) {
    plan.warnings.unshift({ code: 'other-box', message: `Accepted by the technician: ${differences.join(' ')}` });
  }
  return { plan, control: { sides: [...sides], otherBoxAccepted: differences.length > 0 } };
}

export async function planRollback(
  deps: SiteDeps,
  snapshotId: string,
  sides: ('router' | 'pbx')[],
  access: RollbackAccess,
  acceptOtherBox = false,
): Promise<PlannedRun> {
  // Checked before any login: an untrusted or unbound snapshot never reaches a box.
  const snapshot = deps.store.snapshotForRollback(snapshotId);
  const source = deps.store.getRun(snapshot.runId);
  const open = await openForRollback(deps, access, sides);
  try {
    const { plan, control } = await restorePlan(deps, snapshotId, sides, access, acceptOtherBox, open);
    const run = deps.store.createRun({
      siteId: source.siteId,
      kind: 'rollback',
      inputs: source.inputs,
      plan,
      control,
      rollbackOf: snapshotId,
    });
    return { runId: run.runId, plan, rollback: control };
  } finally {
    await closeBoth(open);
  }
}

/**
 * Sends a reviewed rollback: planned again from its snapshot against the boxes
 * as they are now, and sent only if that is the plan that was reviewed. The
 * stored plan is never what goes out, and an imported run never goes out.
 */
export function applyRollback(
  deps: SiteDeps,
  run: SiteRun,
  access: RollbackAccess,
  progress: (event: ApplyProgress) => void,
): Promise<ApplyResult> {
  return deps.store.withLocks(lockKeys(run), 'rollback', () => applyRollbackHeld(deps, run, access, progress));
}

/**
 * A rollback to a snapshot undoes, on the sides it covers, the run the snapshot was taken for and
 * every later apply of the site: each box it covers now reads "rolled back by" this run.
 */
function markUndone(
  deps: SiteDeps,
  rollbackRunId: string,
  snapshotId: string,
  sides: readonly ('router' | 'pbx')[],
): void {
  const original = deps.store.getRun(deps.store.getSnapshot(snapshotId).runId);
  if (original.imported) return;
  const later = deps.store
    .listRuns({ siteId: original.siteId })
    .filter((r) => r.kind === 'apply' && !r.imported && r.startedAt >= original.startedAt);
  for (const summary of later) {
    const undone = sides.filter((side) => {
      const state = summary.boxes?.[side]?.state;
      return state === 'applied' || state === 'confirmed';
    });
    if (undone.length === 0) continue;
    const marks = Object.fromEntries(
      undone.map((side) => [side, { state: 'rolled-back' as const, byRun: rollbackRunId }]),
    );
    const after = deps.store.setRunBoxes(summary.runId, marks);
    const stillChanged = Object.values(after.boxes ?? {}).some((b) => b.state === 'applied' || b.state === 'confirmed');
    if (!stillChanged && after.status !== 'rolled-back') deps.store.setRunStatus(summary.runId, 'rolled-back');
  }
  // A run from before per-box records: marked undone as a whole, as before.
  if (!original.boxes && original.status !== 'rolled-back') deps.store.setRunStatus(original.runId, 'rolled-back');
}

async function applyRollbackHeld(
  deps: SiteDeps,
  run: SiteRun,
  access: RollbackAccess,
  progress: (event: ApplyProgress) => void,
): Promise<ApplyResult> {
  const runId = run.runId;
  if (run.imported) {
    return fail(
      'invalid_input',
      'This rollback was imported from a bundle: it is history to read and is never applied. Plan a rollback from the snapshot on this laptop.',
    );
  }
  const refusal = 'Only a planned rollback can be applied; plan the rollback again.';
  if (run.kind !== 'rollback' || !run.rollbackOf || !run.control) return fail('invalid_input', refusal);
  expectStatus(deps, run, ['planned'], () => refusal);
  const { sides, otherBoxAccepted } = run.control;
  const open = await openForRollback(deps, access, sides);
  let tally: Tally | undefined;
  try {
    const { plan } = await restorePlan(deps, run.rollbackOf, sides, access, otherBoxAccepted, open);
    const moved = differenceFromReview(plan, run.plan);
    if (moved !== undefined) {
      return fail(
        'invalid_input',
        'The router or the PBX changed since this rollback was planned, or the stored plan was altered: nothing was sent. Plan the rollback again and review it.',
        `Re-derived rollback differs from the reviewed one in ${moved}.`,
      );
    }
    tally = newTally(plan);
    deps.store.setRunStatus(runId, 'applying', { expect: 'planned' });
    // A rollback is itself the safe state: no revert job guards it.
    await sendPlan(deps, runId, open, undefined, plan, false, progress, tally);
    const result: ApplyResult = { runId, status: 'confirmed', applied: tally.applied };
    deps.store.setRunStatus(runId, 'confirmed', { result, expect: 'applying' });
    const counts = boxCounts(plan);
    deps.store.setRunBoxes(runId, {
      ...(counts.router > 0 ? { router: { state: 'confirmed' as const } } : {}),
      ...(counts.pbx > 0 ? { pbx: { state: 'confirmed' as const } } : {}),
    });
    // Imported runs are history and never changed.
    markUndone(deps, runId, run.rollbackOf, sides);
    return result;
  } catch (caught) {
    if (tally === undefined || deps.store.runStatus(runId) === 'planned') throw caught;
    deps.store.setRunStatus(runId, 'failed', {
      result: {
        runId,
        status: 'failed',
        applied: tally.applied,
        failed: { changeId: tally.failed?.changeId ?? '', message: toAppError(caught).message },
      },
    });
    throw caught;
  } finally {
    await closeBoth(open);
  }
}
