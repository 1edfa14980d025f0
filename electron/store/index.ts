/**
 * The wizard's history: sites, runs, snapshots, the journal and remembered
 * credentials, in one SQLite file. One object, bound to a clock, so callers
 * never pass timestamps and tests can fix time.
 */
import { join } from 'node:path';
import type { ImportedFrom, RunStatus, Target } from '../../contract/types';
import { openDb, STORE_FILE, type Db, type SqliteDriver } from './db';
import { guardStore } from './guard';
import { rememberSecret, recallSecret, forgetSecrets } from './credentials';
import { journalResult, journalSend, readJournal } from './journal';
import {
  createRun,
  findUnfinished,
  getRun,
  listRuns,
  runStatusOf,
  setRunBoxes,
  setRunStatus,
  type NewRun,
} from './runs';
import { withLocks } from './locks';
import { getSite, listSites, pinFingerprints, upsertSite, type SiteKey } from './sites';
import { importRun, type BundledSnapshot } from './imports';
import type { BundledRun } from './visit';
import { acceptFingerprint, knownFingerprint, type KnownHostKind } from './known-hosts';
import { getSnapshot, listSnapshots, saveSnapshot } from './snapshots';
import { snapshotForRollback } from './restorable';
import { listTrusted, trustSigner, untrustSigner } from './trust';
import {
  NO_SECRET_BOX,
  type JournalEntry,
  type RunResult,
  type SecretBox,
  type SiteRecord,
  type SnapshotContent,
} from './types';

export type * from './types';
export { redactSecrets, REDACTED } from './redact';
export { ownerOnlyFolder, STORE_FILE } from './db';
export { runLockKey, siteLockKey } from './locks';
export { boxDifferences, boxNotes, boxOf } from './box';
export { isRawPublicKey, keyFingerprint } from './trust';
export type { BundledSnapshot } from './imports';
export type { KnownHostKind } from './known-hosts';

export interface StoreOptions {
  secretBox?: SecretBox;
  now?: () => Date;
  /** Which SQLite binding opens the file; by default node:sqlite in Electron, better-sqlite3 elsewhere. */
  driver?: SqliteDriver;
}

export function openStore(dataDir: string, options: StoreOptions = {}) {
  const db: Db = openDb(dataDir, options.driver);
  const box = options.secretBox ?? NO_SECRET_BOX;
  const clock = options.now ?? (() => new Date());
  const now = () => clock().toISOString();

  const store = {
    db,
    upsertSite: (key: SiteKey) => upsertSite(db, key, now()),
    getSite: (siteId: string) => getSite(db, siteId),
    listSites: () => listSites(db),
    pinFingerprints: (siteId: string, pins: { routerTlsFingerprint?: string; pbxHostKey?: string }) =>
      pinFingerprints(db, siteId, pins, now()),

    createRun: (run: NewRun) => createRun(db, run, now()),
    getRun: (runId: string) => getRun(db, runId),
    runStatus: (runId: string) => runStatusOf(db, runId),
    setRunStatus: (
      runId: string,
      status: RunStatus,
      extra?: { result?: RunResult; snapshotId?: string; expect?: RunStatus | readonly RunStatus[] },
    ) => setRunStatus(db, runId, status, now(), extra),
    setRunBoxes: (runId: string, boxes: Parameters<typeof setRunBoxes>[2]) => setRunBoxes(db, runId, boxes, now()),
    /** Runs `work` holding these locks (run:…, site:…) against every other process on this history. */
    withLocks: <T>(keys: readonly string[], purpose: string, work: () => Promise<T>) =>
      withLocks(db, keys, purpose, clock(), work),
    listRuns: (options?: { siteId?: string; limit?: number }) => listRuns(db, options),
    findUnfinished: () => findUnfinished(db),

    saveSnapshot: (runId: string, siteId: string, content: SnapshotContent, pbxHostKey?: string) =>
      saveSnapshot(db, runId, siteId, content, now(), pbxHostKey),
    getSnapshot: (snapshotId: string) => getSnapshot(db, snapshotId),
    listSnapshots: (siteId: string) => listSnapshots(db, siteId),
    /** A snapshot a rollback may be planned from (it names its boxes; an imported one is trusted), else a refusal. */
    snapshotForRollback: (snapshotId: string) => snapshotForRollback(db, snapshotId),

    listTrusted: () => listTrusted(db),
    trustSigner: (given: { key: string; name: string }) => trustSigner(db, given, now()),
    untrustSigner: (key: string) => untrustSigner(db, key),

    journalSend: (runId: string, changeId: string, target: Target) => journalSend(db, runId, changeId, target, now()),
    journalResult: (runId: string, seq: number, status: 'done' | 'failed', detail?: string) =>
      journalResult(db, runId, seq, status, now(), detail),
    readJournal: (runId: string) => readJournal(db, runId),

    rememberSecret: (entry: { siteId: string; target: Target; username: string; secret: string }) =>
      rememberSecret(db, box, entry, now()),
    recallSecret: (siteId: string, target: Target) => recallSecret(db, box, siteId, target),
    forgetSecrets: (siteId: string) => forgetSecrets(db, siteId),

    importRun: (
      data: { site: SiteRecord; run: BundledRun; journal: JournalEntry[]; snapshot?: BundledSnapshot },
      signature: ImportedFrom,
    ) => importRun(db, data, signature, now()),

    knownFingerprint: (kind: KnownHostKind, host: string, port: number) => knownFingerprint(db, kind, host, port),
    acceptFingerprint: (kind: KnownHostKind, host: string, port: number, fingerprint: string) =>
      acceptFingerprint(db, kind, host, port, fingerprint, now()),

    /** The folder the history lives in (the bundle signing key is kept beside it). */
    dataDir,
    close: () => db.close(),
  };
  // Every method guarded in one place: a disk or SQLite fault mid-operation is one sentence (guard.ts).
  return guardStore(store, { dataDir, file: join(dataDir, STORE_FILE) });
}

export type Store = ReturnType<typeof openStore>;
