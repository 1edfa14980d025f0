/**
 * What a site run needs from each box, as two small interfaces. They are
 * opened one way (boxes/: remembered certificate and host key, lost-link
 * read-backs) and handed in through SiteDeps; the run logic (run.ts, verify.ts)
 * knows only these.
 */
import type { PbxPlan } from '../pbx/plan/plan';
import type { PbxState } from '../pbx/model/state';
import type { RouterPlan } from '../routeros/plan';
import type { ConntrackTarget } from '../routeros/conntrack';
import type { RosItem, RouterState } from '../routeros/state';

/**
 * Around every change or step the engines send: `before` is called for all of
 * them before anything goes out (the journal then says what may have been
 * sent), `after` once per answer.
 */
export interface ApplyHooks {
  before(ids: string[]): void;
  after(id: string, ok: boolean, detail?: string): void;
}

export interface RouterSide {
  read(): Promise<RouterState>;
  /** `/export`: the human-readable reference copy of the snapshot. */
  exportText(): Promise<string>;
  /**
   * Applies a plan made from `before`. With minutes, the router's own revert
   * job is installed first; resolves with when it will run (laptop clock).
   */
  apply(
    before: RouterState,
    plan: RouterPlan,
    revertMinutes: number | false,
    hooks: ApplyHooks,
  ): Promise<{ revertAt?: string }>;
  /**
   * Keeps the change: removes the revert job. 'kept' once the timer is gone; 'undone' when the
   * router had already reverted (no timer was waiting); 'still-set' when the timer is there and the
   * router refused or never answered its removal (the revert will still run).
   */
  confirm(): Promise<ConfirmOutcome>;
  /** Connection-tracking entries under `targets` whose replies do not come from the PBX (conntrack.ts). */
  staleConnections?(targets: ConntrackTarget[], pbxAddress: string): Promise<RosItem[]>;
  close(): Promise<void>;
}

export type ConfirmOutcome = 'kept' | 'undone' | 'still-set';

export interface PbxSide {
  /** The SSH host key this PBX was reached with: what binds a snapshot to the box (store/box.ts). */
  hostKey: string;
  read(): Promise<PbxState>;
  apply(plan: PbxPlan, hooks: ApplyHooks): Promise<void>;
  /** Read-only fs_cli questions, asked in one exec with password values blanked: command → answer (undefined: none). */
  askFsCli(commands: readonly string[]): Promise<Map<string, string | undefined>>;
  /** FS PBX's names of its gateways by gateway uuid (FreeSWITCH knows them by uuid only). */
  gatewayNames(): Promise<Map<string, string>>;
  close(): Promise<void>;
}
