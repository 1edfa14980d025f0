/** The app's own facts, this laptop's networks, and the scan for the router and the PBX. */
import type { AppError } from '../../../contract/errors';
import type { AppInfo, LanFacts, MndpNeighbour, SshCandidate } from '../../../contract/types';
import type { Client } from '../api/client';
import { latest } from './latest';
import { idle, loading, settled, type Load } from './load';
import type { WizardSlice } from './state';

export interface ScanState {
  status: 'idle' | 'running' | 'done' | 'error';
  routers: MndpNeighbour[];
  sshHosts: SshCandidate[];
  sweep?: { scanned: number; total: number };
  /** Another program holds UDP 5678: routers that answer by broadcast may be missing from `routers`. */
  mndpPortBusy?: boolean;
  /** The router list was cut at its limit. */
  mndpCut?: { limit: number; leftOut: number };
  error?: AppError;
}

export interface DiscoverySlice {
  info: Load<AppInfo>;
  lan: Load<LanFacts>;
  scan: ScanState;
  loadInfo(): Promise<void>;
  detectLan(): Promise<void>;
  startScan(): Promise<void>;
  cancelScan(): void;
}

export const discoverySlice =
  (client: Client): WizardSlice<DiscoverySlice> =>
  (set, get) => {
    // One scan at a time per store; a new Scan replaces the one under way.
    let scanAbort: AbortController | undefined;
    const scanRead = latest();
    const infoRead = latest();
    // The laptop's networks come from lan.detect and from each scan: the newest answer of either wins.
    const lanRead = latest();
    return {
      info: idle,
      lan: idle,
      scan: { status: 'idle', routers: [], sshHosts: [] },

      loadInfo: async () => {
        const isNewest = infoRead.take();
        set({ info: loading });
        const result = await client.call('app.info', {});
        if (isNewest()) set({ info: settled(result) });
      },

      detectLan: async () => {
        const isNewest = lanRead.take();
        set({ lan: loading });
        const result = await client.call('lan.detect', {});
        if (isNewest()) set({ lan: settled(result) });
      },

      startScan: async () => {
        scanAbort?.abort();
        const isNewest = scanRead.take();
        const controller = new AbortController();
        scanAbort = controller;
        set({ scan: { status: 'running', routers: [], sshHosts: [] } });
        const result = await client.call(
          'discover',
          {},
          {
            signal: controller.signal,
            onProgress: (event) => {
              if (!isNewest()) return;
              const scan = get().scan;
              if (event.kind === 'router') {
                const routers = scan.routers.filter((r) => r.mac !== event.router.mac);
                set({ scan: { ...scan, routers: [...routers, event.router] } });
              } else if (event.kind === 'ssh-host') {
                set({ scan: { ...scan, sshHosts: [...scan.sshHosts, event.host] } });
              } else if (event.kind === 'sweep') {
                set({ scan: { ...scan, sweep: { scanned: event.scanned, total: event.total } } });
              } else {
                lanRead.supersede();
                set({ lan: { status: 'done', value: event.lan } });
              }
            },
          },
        );
        if (!isNewest()) return;
        scanAbort = undefined;
        if (result.ok) {
          lanRead.supersede();
          set({
            scan: {
              status: 'done',
              routers: result.value.routers,
              sshHosts: result.value.sshHosts,
              // Kept: an empty scan says how many addresses the SSH sweep tried.
              ...(get().scan.sweep ? { sweep: get().scan.sweep } : {}),
              ...(result.value.mndpPortBusy ? { mndpPortBusy: true } : {}),
              ...(result.value.mndpCut ? { mndpCut: result.value.mndpCut } : {}),
            },
            lan: { status: 'done', value: result.value.lan },
          });
        } else {
          set({ scan: { ...get().scan, status: 'error', error: result.error } });
        }
      },

      cancelScan: () => scanAbort?.abort(),
    };
  };
