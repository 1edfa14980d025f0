import type { Target } from '../../contract/types';
import type { SiteRun } from './visit';
import type { PbxState } from '../pbx/model/state';
import type { RouterState } from '../routeros/state';
import type { BoxIdentity, SnapshotOrigin } from './schemas';

export type { BoxIdentity, SnapshotOrigin } from './schemas';
export type { RollbackControl, RunResult, SitePlan, SiteRun, StoredInputs } from './visit';

export interface SiteRecord {
  siteId: string;
  name: string;
  routerHost: string;
  routerIdentity?: string;
  /** API-SSL certificate fingerprint accepted by the technician (pinned). */
  routerTlsFingerprint?: string;
  pbxHost: string;
  /** SSH host key fingerprint accepted by the technician (pinned). */
  pbxHostKey?: string;
  /** The customer or site as the technician named it, and a ticket or reference (asked once per site). */
  customer?: string;
  ticket?: string;
  createdAt: string;
  updatedAt: string;
}

/** A stored run as the store hands it out: the typed visit record (store/visit.ts). */
export type RunRecord = SiteRun;

export interface SnapshotContent {
  /** Exact before-state of every item the plan touches, as the engines read it. */
  router?: RouterState;
  pbx?: PbxState;
  /** The router's `/export` text: a human-readable reference, never restored from. */
  routerExport?: string;
  /** The PBX rows as text (reference copy). */
  pbxReference?: string;
}

export interface SnapshotRecord extends SnapshotContent {
  snapshotId: string;
  runId: string;
  siteId: string;
  takenAt: string;
  sha256: string;
  /** 'imported': from a bundle, already narrowed to what a restore may bring back. */
  origin: SnapshotOrigin;
  /** The router and PBX this snapshot was taken of; a rollback onto another box needs the technician's word. */
  box?: BoxIdentity;
}

export type JournalStatus = 'sending' | 'done' | 'failed';

export interface JournalEntry {
  runId: string;
  seq: number;
  changeId: string;
  target: Target;
  status: JournalStatus;
  detail?: string;
  at: string;
}

/** The OS keychain (Electron safeStorage); where there is none, nothing is remembered. */
export interface SecretBox {
  available(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(cipher: Buffer): string;
}

export const NO_SECRET_BOX: SecretBox = {
  available: () => false,
  encrypt: () => {
    throw new Error('no secret storage');
  },
  decrypt: () => {
    throw new Error('no secret storage');
  },
};
