/**
 * Review, apply, verify and confirm: the run the technician is walking
 * through. The plan is made from everything typed in the steps before Review.
 */
import type { InputArg } from '../../../contract/operations';
import type { AppError } from '../../../contract/errors';
import type { ApplyResult, PlannedRun, RevertState, RunSummary, VerifyResult } from '../../../contract/types';
import type { Client } from '../api/client';
import { pbxTargetOf, routerTargetOf, type CredentialsSlice } from './credentials';
import { idle, loading, settled, type Load } from './load';
import type { WizardSlice } from './state';
import { allowedRows, type SiteSlice } from './site';
import { openRunOf, type OpenRun } from './open-run';

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

export const runSlice =
  (client: Client): WizardSlice<RunSlice> =>
  (set, get) => {
    let applyAbort: AbortController | undefined;
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
        set({ revertState: loading });
        set({ revertState: settled(await client.call('site.revertState', ref())) });
        await get().loadRuns();
      },

      resumeOpenRun: () => {
        const runs = get().runs;
        const open = runs.status === 'done' ? openRunOf(runs.value) : undefined;
        if (!open) return false;
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
        set({
          resumed: undefined,
          revertState: idle,
          planned: loading,
          applying: { status: 'idle', changes: {}, log: [] },
          verification: idle,
          confirmation: idle,
        });
        set({ planned: settled(await client.call('site.plan', siteInputsOf(get()))) });
      },

      applyPlan: async () => {
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
        set({ verification: loading });
        set({ verification: settled(await client.call('site.verify', ref())) });
      },

      confirmRun: async () => {
        set({ confirmation: loading });
        set({ confirmation: settled(await client.call('site.confirm', ref())) });
        // History then says what each box holds now (kept, or undone by the router's timer).
        await get().loadRuns();
      },
    };
  };
