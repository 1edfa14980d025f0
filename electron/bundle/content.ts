import type { VerifyResult } from '../../contract/types';
import type { JournalEntry, RunRecord, SiteRecord, SnapshotRecord } from '../store';
import type { DiagramInput } from './diagram';

/** Scripts a technician can read or paste, produced by the router and PBX engines. */
export const SCRIPT_FILES = [
  'router/apply.rsc',
  'router/rollback.rsc',
  'pbx/apply.sql',
  'pbx/rollback.sql',
  'pbx/apply-steps.sh',
  'pbx/rollback-steps.sh',
] as const;

export type ScriptFile = (typeof SCRIPT_FILES)[number];

/** Everything one run's bundle holds, before it becomes files. */
export interface BundleContent {
  app: { name: string; version: string };
  site: SiteRecord;
  run: RunRecord;
  journal: JournalEntry[];
  snapshot?: SnapshotRecord;
  verification?: VerifyResult;
  scripts: Partial<Record<ScriptFile, string>>;
  diagram?: DiagramInput;
  /** The fingerprint of the key that signs this bundle (this installation's). */
  signedBy?: string;
}

export const BUNDLE_FORMAT = 'fspbx-nat-bundle/1';

export interface ManifestEntry {
  path: string;
  sha256: string;
  bytes: number;
}

export interface Manifest {
  format: typeof BUNDLE_FORMAT;
  app: { name: string; version: string };
  createdAt: string;
  runId: string;
  siteId: string;
  files: ManifestEntry[];
}
