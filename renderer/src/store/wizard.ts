/**
 * The wizard's state by step. Actions call the contract through the client
 * they were created with; components only read state and call actions.
 * Leaving a step keeps what was typed: nothing here is reset by navigation.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppError } from '../../../contract/errors';
import type { AppInfo, LanFacts, MndpNeighbour, SshCandidate } from '../../../contract/types';
import type { Client } from '../api/client';
import { STEPS, stepIndex, type StepId } from '../steps/steps';
import { credentialsSlice, type CredentialsSlice } from './credentials';
import { idle, loading, settled, type Load } from './load';
import { historySlice, type HistorySlice } from './history';
import { rollbackSlice, type RollbackSlice } from './rollback';
import { runSlice, type RunSlice } from './run';
import { siteSlice, type SiteSlice } from './site';

export type { Load } from './load';

export interface ScanState {
  status: 'idle' | 'running' | 'done' | 'error';
  routers: MndpNeighbour[];
  sshHosts: SshCandidate[];
  sweep?: { scanned: number; total: number };
  error?: AppError;
}

export interface WizardState extends CredentialsSlice, SiteSlice, HistorySlice, RunSlice, RollbackSlice {
  step: StepId;
  info: Load<AppInfo>;
  lan: Load<LanFacts>;
  scan: ScanState;
  goTo(step: StepId): void;
  next(): void;
  back(): void;
  loadInfo(): Promise<void>;
  detectLan(): Promise<void>;
  startScan(): Promise<void>;
  cancelScan(): void;
}

export type WizardStore = StoreApi<WizardState>;

export function createWizardStore(client: Client): WizardStore {
  let scanAbort: AbortController | undefined;

  return createStore<WizardState>()((set, get, api) => ({
    ...credentialsSlice(client)(set, get, api),
    ...siteSlice(set, get, api),
    ...historySlice(client)(set, get, api),
    ...runSlice(client)(set, get, api),
    ...rollbackSlice(client)(set, get, api),
    step: 'network',
    info: idle,
    lan: idle,
    scan: { status: 'idle', routers: [], sshHosts: [] },

    goTo: (step) => set({ step }),
    next: () => {
      const next = STEPS[Math.min(stepIndex(get().step) + 1, STEPS.length - 1)];
      if (next) set({ step: next.id });
    },
    back: () => {
      const prev = STEPS[Math.max(stepIndex(get().step) - 1, 0)];
      if (prev) set({ step: prev.id });
    },

    loadInfo: async () => {
      set({ info: loading });
      set({ info: settled(await client.call('app.info', {})) });
    },

    detectLan: async () => {
      set({ lan: loading });
      set({ lan: settled(await client.call('lan.detect', {})) });
    },

    startScan: async () => {
      scanAbort?.abort();
      const controller = new AbortController();
      scanAbort = controller;
      set({ scan: { status: 'running', routers: [], sshHosts: [] } });
      const result = await client.call(
        'discover',
        {},
        {
          signal: controller.signal,
          onProgress: (event) => {
            const scan = get().scan;
            if (event.kind === 'router') {
              const routers = scan.routers.filter((r) => r.mac !== event.router.mac);
              set({ scan: { ...scan, routers: [...routers, event.router] } });
            } else if (event.kind === 'ssh-host') {
              set({ scan: { ...scan, sshHosts: [...scan.sshHosts, event.host] } });
            } else if (event.kind === 'sweep') {
              set({ scan: { ...scan, sweep: { scanned: event.scanned, total: event.total } } });
            } else {
              set({ lan: { status: 'done', value: event.lan } });
            }
          },
        },
      );
      if (scanAbort !== controller) return;
      scanAbort = undefined;
      if (result.ok) {
        set({
          scan: { status: 'done', routers: result.value.routers, sshHosts: result.value.sshHosts },
          lan: { status: 'done', value: result.value.lan },
        });
      } else {
        set({ scan: { ...get().scan, status: 'error', error: result.error } });
      }
    },

    cancelScan: () => scanAbort?.abort(),
  }));
}
