/**
 * What a site run needs from each box, as two small interfaces. The router
 * and PBX engines implement them over the RouterOS API and SSH; the run logic
 * (run.ts) knows only these.
 */
import type { PbxPlan } from '../pbx/plan';
import type { PbxState } from '../pbx/state';
import type { RouterPlan } from '../routeros/plan';
import type { RouterState } from '../routeros/state';

/** Called around every change or step the engines send, so the journal is written first. */
export interface ApplyHooks {
  before(id: string): void;
  after(id: string, ok: boolean, detail?: string): void;
}

export interface RouterSide {
  identity(): string;
  read(): Promise<RouterState>;
  /** `/export`: the human-readable reference copy of the snapshot. */
  exportText(): Promise<string>;
  /** Installs the automatic revert to `snapshot`; returns when the router will run it. */
  armRevert(snapshot: RouterState, plan: RouterPlan, minutes: number): Promise<{ revertAt: string }>;
  disarmRevert(): Promise<void>;
  apply(plan: RouterPlan, hooks: ApplyHooks): Promise<void>;
  close(): Promise<void>;
}

export interface PbxSide {
  read(): Promise<PbxState>;
  apply(plan: PbxPlan, hooks: ApplyHooks): Promise<void>;
  close(): Promise<void>;
}
