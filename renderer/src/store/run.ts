/**
 * Review, apply, verify and confirm: the run the technician is walking
 * through. The plan is made from everything typed in the steps before Review,
 * and is good only while those inputs stay as they were: once one changes, the
 * plan is stale and Apply refuses it until it is made again.
 */
import type { InputArg } from '../../../contract/operations';
import type { AppError } from '../../../contract/errors';
import type { ApplyResult, PlannedRun, RevertState, RunSummary, VerifyResult } from '../../../contract/types';
import type { Client } from '../api/client';
import { pbxTargetOf, routerTargetOf, type CredentialsSlice } from './credentials';
import { idle, loading, settled, type Load } from './load';
import type { WizardSlice, WizardState } from './state';
import { allowedRows, type SiteSlice } from './site';
import { openRunOf, type OpenRun } from './open-run';
import { latest } from './latest';
import { changedParts, inputPrints, staleSentence, type InputPrints } from './plan-inputs';

export type ChangeStatus = 'sending' | 'done' | 'failed';

export interface ApplyState {
  status: 'idle' | 'running' | 'done' | 'error';
  changes: Record<string, ChangeStatus>;
  log: string[];
  result?: ApplyResult;
  error?: AppError;
}

export interface RunSlice {
  planned: Load<PlannedRun>;
  /** What the plan (made, or under way) was asked for with: one print per part of the input. */
  plannedFrom?: InputPrints;
  applying: ApplyState;
  verification: Load<VerifyResult>;
  confirmation: Load<RunSummary>;
  /** What the router said of the open run's automatic undo when the time was up. */
  revertState: Load<RevertState>;
  /** Reads the router: is the open run's undo still armed, or has the router undone its half? */
  readRevertState(): Promise<void>;
  /** An open run reopened from History after a reload, a crash or a restart. */
  resumed?: OpenRun;
  /** Reopens the open run History holds at the Verify step, with its countdown; false when there is none. */
  resumeOpenRun(): boolean;
  makePlan(): Promise<void>;
  applyPlan(): Promise<void>;
  cancelApply(): void;
  verifyRun(): Promise<void>;
  confirmRun(): Promise<void>;
}

/** Site inputs from the forms; empty rows and proposals the technician did not tick are left out. */
export function siteInputsOf(s: CredentialsSlice & SiteSlice): InputArg<'site.plan'> {
  const peers = (rows: SiteSlice['trunks']) =>
    allowedRows(rows)
      .filter((p) => p.address.trim() !== '')
      .map((p) => ({ name: p.name.trim() || p.address.trim(), address: p.address.trim() }));
  return {
    router: routerTargetOf(s.routerForm),
    pbx: pbxTargetOf(s.pbxForm),
    trunks: peers(s.trunks),
    phones: peers(s.phones),
    options: {
      webGui: s.options.webGui,
      hairpin: s.options.hairpin,
      mediaMode: s.options.mediaMode,
      revertMinutes: Number(s.options.revertMinutes),
      allowAnySource: s.options.allowAnySource,
      ...(s.options.publicIp.trim() ? { publicIp: s.options.publicIp.trim() } : {}),
    },
    // Left out when blank: the site keeps the name it was given on an earlier visit.
    ...(s.options.customer.trim()
      ? {
          site: {
            name: s.options.customer.trim(),
            ...(s.options.ticket.trim() ? { ticket: s.options.ticket.trim() } : {}),
          },
        }
      : {}),
  };
}

/**
 * Why the plan may not be applied as it is: the sentence naming what changed since it was made,
 * or undefined while it matches the forms (or there is no plan). A string, so a component can
 * select it without rendering again on every change of the store.
 */
export function staleNote(s: WizardState): string | undefined {
  if (s.planned.status !== 'done' || !s.plannedFrom) return undefined;
  const parts = changedParts(s.plannedFrom, inputPrints(siteInputsOf(s)));
  return parts.length > 0 ? staleSentence(parts) : undefined;
}

export const runSlice =
  (client: Client): WizardSlice<RunSlice> =>
  (set, get) => {
    let applyAbort: AbortController | undefined;
    const planRead = latest();
    const verifyRead = latest();
    const revertRead = latest();
    const runId = () => {
      const planned = get().planned;
      return planned.status === 'done' ? planned.value.runId : (get().resumed?.runId ?? '');
    };
    const access = () => ({ router: routerTargetOf(get().routerForm), pbx: pbxTargetOf(get().pbxForm) });
    // After a reload the forms are empty; the app's host still holds the run's logins, so none are sent.
    const typed = () =>
      get().routerForm.host.trim() !== '' && get().pbxForm.host.trim() !== '' ? access() : undefined;
    const ref = () => {
      const given = typed();
      return given ? { runId: runId(), access: given } : { runId: runId() };
    };
    return {
      planned: idle,
      applying: { status: 'idle', changes: {}, log: [] },
      verification: idle,
      confirmation: idle,
      revertState: idle,

      readRevertState: async () => {
        const isNewest = revertRead.take();
        set({ revertState: loading });
        const result = await client.call('site.revertState', ref());
        if (!isNewest()) return;
        set({ revertState: settled(result) });
        await get().loadRuns();
      },

      resumeOpenRun: () => {
        const runs = get().runs;
        const open = runs.status === 'done' ? openRunOf(runs.value) : undefined;
        if (!open) return false;
        verifyRead.supersede();
        revertRead.supersede();
        set({
          resumed: open,
          step: 'verify',
          view: 'wizard',
          applying: {
            status: 'done',
            changes: {},
            log: [],
            result: {
              runId: open.runId,
              status: 'applied',
              applied: [],
              revertAt: open.revertAt,
              ...(open.snapshotId ? { snapshotId: open.snapshotId } : {}),
            },
          },
          verification: idle,
          confirmation: idle,
          revertState: idle,
        });
        return true;
      },

      makePlan: async () => {
        const isNewest = planRead.take();
        const input = siteInputsOf(get());
        verifyRead.supersede();
        revertRead.supersede();
        set({
          resumed: undefined,
          revertState: idle,
          planned: loading,
          plannedFrom: inputPrints(input),
          applying: { status: 'idle', changes: {}, log: [] },
          verification: idle,
          confirmation: idle,
        });
        const result = await client.call('site.plan', input);
        if (!isNewest()) return;
        set({ planned: settled(result) });
      },

      applyPlan: async () => {
        if (get().planned.status !== 'done' || get().applying.status === 'running') return;
        // The one place a plan is sent: a plan whose inputs changed since it was made is refused here,
        // whatever button or path asked (Review says the same and offers to make it again).
        const stale = staleNote(get());
        if (stale) {
          if (get().applying.status !== 'done') {
            set({
              applying: {
                status: 'error',
                changes: {},
                log: [],
                error: { code: 'invalid_input', field: 'plan', message: stale },
              },
            });
          }
          return;
        }
        const controller = new AbortController();
        applyAbort = controller;
        set({ applying: { status: 'running', changes: {}, log: [] } });
        const result = await client.call(
          'site.apply',
          { runId: runId(), access: access() },
          {
            signal: controller.signal,
            onProgress: (event) => {
              const a = get().applying;
              if (event.kind === 'change') {
                set({ applying: { ...a, changes: { ...a.changes, [event.changeId]: event.status } } });
              } else {
                set({ applying: { ...a, log: [...a.log, event.message] } });
              }
            },
          },
        );
        applyAbort = undefined;
        const a = get().applying;
        set({
          applying: result.ok
            ? { ...a, status: 'done', result: result.value }
            : { ...a, status: 'error', error: result.error },
        });
      },

      cancelApply: () => applyAbort?.abort(),

      verifyRun: async () => {
        const isNewest = verifyRead.take();
        set({ verification: loading });
        const result = await client.call('site.verify', ref());
        if (!isNewest()) return;
        set({ verification: settled(result) });
      },

      confirmRun: async () => {
        set({ confirmation: loading });
        set({ confirmation: settled(await client.call('site.confirm', ref())) });
        // History then says what each box holds now (kept, or undone by the router's timer).
        await get().loadRuns();
      },
    };
  };
