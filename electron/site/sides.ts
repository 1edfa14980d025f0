/**
 * What a site run needs from each box, as two small interfaces. The router
 * and PBX engines implement them (open-sides.ts); the run logic (run.ts) knows
 * only these.
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
  /** Keeps the change: removes the revert job. False when the router had already reverted. */
  confirm(): Promise<boolean>;
  /** Connection-tracking entries under `targets` whose replies do not come from the PBX (conntrack.ts). */
  staleConnections?(targets: ConntrackTarget[], pbxAddress: string): Promise<RosItem[]>;
  close(): Promise<void>;
}

export interface PbxSide {
  read(): Promise<PbxState>;
  apply(plan: PbxPlan, hooks: ApplyHooks): Promise<void>;
  close(): Promise<void>;
}
