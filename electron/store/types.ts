import type { Plan, RunStatus, Target } from '../../contract/types';

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
  createdAt: string;
  updatedAt: string;
}

export interface RunRecord {
  runId: string;
  siteId: string;
  kind: 'apply' | 'rollback';
  status: RunStatus;
  /** Site inputs with every secret redacted. */
  inputs: unknown;
  plan: Plan;
  result?: unknown;
  snapshotId?: string;
  /** For a rollback run: the snapshot it returns to. */
  rollbackOf?: string;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
}

export interface SnapshotContent {
  /** Exact before-state of every item the plan touches, as the engines read it. */
  router?: unknown;
  pbx?: unknown;
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
