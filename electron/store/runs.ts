import { randomUUID } from 'node:crypto';
import { fail } from '../../contract/errors';
import type { BoxState, ImportedFrom, RunBoxes, RunStatus, RunSummary } from '../../contract/types';
import { z } from 'zod';
import type { Db } from './db';
import { isIPv4 } from '../../contract/ipv4';
import { redactSecrets } from './redact';
import { parseJsonColumn, runKind, runStatus, SchemaError } from './schemas';
import { withTrust } from './trust';
import type { RunRecord } from './types';
import {
  controlFromV1Facts,
  controlSchema,
  factsFromV1,
  resultSchema,
  siteFactsSchema,
  sitePlanSchema,
  storedInputsSchema,
  VISIT_FORMAT,
  withoutV1ControlFacts,
  type RollbackControl,
  type RunResult,
  type SitePlan,
  type SiteRun,
  type StoredInputs,
} from './visit';
import type { SiteFacts } from '../../contract/types';

interface RunRow {
  run_id: string;
  site_id: string;
  kind: 'apply' | 'rollback';
  status: RunStatus;
  inputs_json: string;
  plan_json: string;
  change_count: number;
  result_json: string | null;
  snapshot_id: string | null;
  rollback_of: string | null;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
  origin: 'local' | 'imported';
  signer: string | null;
  boxes_json: string | null;
  format: number;
  facts_json: string | null;
  control_json: string | null;
}

const boxStatusSchema = z.strictObject({
  state: z.enum(['applied', 'reverted-by-router', 'rolled-back', 'confirmed']),
  at: z.string().max(64),
  changes: z.number().int().min(0),
  byRun: z.string().max(64).optional(),
});
const boxesSchema = z.strictObject({ router: boxStatusSchema.optional(), pbx: boxStatusSchema.optional() });

/** A damaged note must not hide the run: it then reads as nothing known per box. */
function boxesOf(text: string | null): RunBoxes | undefined {
  if (text === null) return undefined;
  const parsed = boxesSchema.safeParse(safeJson(text));
  if (!parsed.success) return undefined;
  const boxes: RunBoxes = {};
  for (const side of ['router', 'pbx'] as const) {
    const box = parsed.data[side];
    if (box)
      boxes[side] = { state: box.state, at: box.at, changes: box.changes, ...(box.byRun ? { byRun: box.byRun } : {}) };
  }
  return boxes;
}

export const importedFromSchema = z.strictObject({
  signature: z.enum(['this-installation', 'other-installation', 'unsigned']),
  key: z.string().max(128).optional(),
  publicKey: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/)
    .optional(),
});

/** Runs in these states were interrupted if the app is starting: nothing can still be working on them. */
export const UNFINISHED: readonly RunStatus[] = ['applying', 'applied', 'verified'];
const FINAL: readonly RunStatus[] = ['confirmed', 'failed', 'rolled-back', 'interrupted'];

function importedOf(row: { origin: string; signer: string | null }): ImportedFrom | undefined {
  if (row.origin !== 'imported') return undefined;
  return row.signer === null
    ? { signature: 'unsigned' }
    : parseJsonColumn(importedFromSchema, row.signer, 'run signer');
}

/** The run's row, parsed once into the typed visit record; a format-1 row is upgraded on the way. */
function fromRow(db: Db, row: RunRow): SiteRun {
  let run: SiteRun;
  try {
    if (row.format !== 1 && row.format !== VISIT_FORMAT) {
      throw new Error(`record format ${row.format}: written by a newer wizard`);
    }
    const inputs = parseJsonColumn(storedInputsSchema, row.inputs_json, 'run inputs');
    const stored = parseJsonColumn(sitePlanSchema, row.plan_json, 'run plan');
    const kind = runKind.parse(row.kind);
    const v1 = row.format === 1;
    const plan: SitePlan = v1 ? withoutV1ControlFacts(stored) : stored;
    run = {
      format: VISIT_FORMAT,
      runId: row.run_id,
      siteId: row.site_id,
      kind,
      status: runStatus.parse(row.status),
      inputs,
      plan,
      startedAt: row.started_at,
      updatedAt: row.updated_at,
    };
    const facts =
      row.facts_json !== null
        ? parseJsonColumn(siteFactsSchema, row.facts_json, 'run facts')
        : v1 && kind === 'apply'
          ? factsFromV1(stored, inputs)
          : undefined;
    if (facts) run.facts = facts;
    const control =
      row.control_json !== null
        ? parseJsonColumn(controlSchema, row.control_json, 'run control')
        : v1 && kind === 'rollback'
          ? controlFromV1Facts(stored.facts)
          : undefined;
    if (control) run.control = control;
    const imported = importedOf(row);
    if (imported) run.imported = withTrust(db, imported);
    if (row.result_json !== null) run.result = parseJsonColumn(resultSchema, row.result_json, 'run result');
  } catch (caught) {
    return fail(
      'io_failed',
      'This run is damaged in the history and cannot be read. Other runs are not affected.',
      `run ${row.run_id}: ${caught instanceof SchemaError || caught instanceof Error ? caught.message : String(caught)}`,
    );
  }
  if (row.snapshot_id !== null) run.snapshotId = row.snapshot_id;
  if (row.rollback_of !== null) run.rollbackOf = row.rollback_of;
  if (row.finished_at !== null) run.finishedAt = row.finished_at;
  const boxes = boxesOf(row.boxes_json);
  if (boxes) run.boxes = boxes;
  return run;
}

export interface NewRun {
  siteId: string;
  kind: 'apply' | 'rollback';
  inputs: StoredInputs;
  plan: SitePlan;
  /** An apply's site facts, computed once when its plan was made (site/facts.ts). */
  facts?: SiteFacts;
  /** A rollback's sides and acceptance. */
  control?: RollbackControl;
  rollbackOf?: string;
}

export function createRun(db: Db, run: NewRun, now: string): RunRecord {
  const runId = randomUUID();
  db.prepare(
    `INSERT INTO runs (run_id, site_id, kind, status, inputs_json, plan_json, change_count, rollback_of, started_at, updated_at,
       format, facts_json, control_json)
     VALUES (?, ?, ?, 'planned', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    runId,
    run.siteId,
    run.kind,
    JSON.stringify(redactSecrets(run.inputs)),
    JSON.stringify(run.plan),
    run.plan.changes.length,
    run.rollbackOf ?? null,
    now,
    now,
    VISIT_FORMAT,
    run.facts ? JSON.stringify(run.facts) : null,
    run.control ? JSON.stringify(run.control) : null,
  );
  return getRun(db, runId);
}

/**
 * A run read from a bundle is history: nothing may move it on or journal a
 * change under it, whatever path asks. Every caller that would send
 * something passes through here first.
 */
export function refuseImported(db: Db, runId: string): void {
  const row = db.prepare<[string], { origin: string }>('SELECT origin FROM runs WHERE run_id = ?').get(runId);
  if (row?.origin === 'imported') {
    fail(
      'invalid_input',
      'This run was imported from a bundle: it is history to read, and nothing in it is ever applied; plan again on this laptop, or roll back to its snapshot if you trust the installation that signed it.',
      `imported run ${runId}`,
    );
  }
}

export function getRun(db: Db, runId: string): RunRecord {
  const row = db.prepare<[string], RunRow>('SELECT * FROM runs WHERE run_id = ?').get(runId);
  if (!row) return fail('invalid_input', 'That run is not in this history.', `run ${runId}`);
  return fromRow(db, row);
}

/** Where a run stands now, read alone: checked under a run's lock before anything is sent. */
export function runStatusOf(db: Db, runId: string): RunStatus {
  const row = db.prepare<[string], { status: string }>('SELECT status FROM runs WHERE run_id = ?').get(runId);
  if (!row) return fail('invalid_input', 'That run is not in this history.', `run ${runId}`);
  return runStatus.parse(row.status);
}

export function setRunStatus(
  db: Db,
  runId: string,
  status: RunStatus,
  now: string,
  extra: { result?: RunResult; snapshotId?: string; expect?: RunStatus | readonly RunStatus[] } = {},
): RunRecord {
  refuseImported(db, runId);
  // Compare-and-set: with `expect`, the row moves only from one of those statuses, in one statement.
  const expected = extra.expect === undefined ? [] : typeof extra.expect === 'string' ? [extra.expect] : extra.expect;
  const guard = expected.length === 0 ? '' : ` AND status IN (${expected.map(() => '?').join(', ')})`;
  const info = db
    .prepare(
      `UPDATE runs SET status = ?, updated_at = ?,
         result_json = COALESCE(?, result_json), snapshot_id = COALESCE(?, snapshot_id),
         finished_at = CASE WHEN ? THEN ? ELSE finished_at END
       WHERE run_id = ?${guard}`,
    )
    .run(
      status,
      now,
      extra.result === undefined ? null : JSON.stringify(extra.result),
      extra.snapshotId ?? null,
      FINAL.includes(status) ? 1 : 0,
      now,
      runId,
      ...expected,
    );
  if (info.changes === 0) {
    const current = getRun(db, runId).status;
    return fail(
      'invalid_input',
      `This run is ${current} now: something else moved it on meanwhile. Look at History before going on.`,
      `run ${runId}: ${expected.join('|')} -> ${status} refused, it is ${current}`,
    );
  }
  return getRun(db, runId);
}

/**
 * Records what the run's changes now are on each box given (the others keep what they had).
 * `changes` defaults to what was recorded before, else the plan's count for that box.
 */
export function setRunBoxes(
  db: Db,
  runId: string,
  boxes: Partial<Record<'router' | 'pbx', { state: BoxState; byRun?: string; at?: string }>>,
  now: string,
): RunRecord {
  refuseImported(db, runId);
  const run = getRun(db, runId);
  const next: RunBoxes = { ...run.boxes };
  for (const side of ['router', 'pbx'] as const) {
    const given = boxes[side];
    if (!given) continue;
    const changes = run.boxes?.[side]?.changes ?? run.plan.changes.filter((c) => c.target === side).length;
    next[side] = { state: given.state, at: given.at ?? now, changes, ...(given.byRun ? { byRun: given.byRun } : {}) };
  }
  db.prepare('UPDATE runs SET boxes_json = ?, updated_at = ? WHERE run_id = ?').run(JSON.stringify(next), now, runId);
  return getRun(db, runId);
}

interface SummaryRow {
  run_id: string;
  site_id: string;
  kind: 'apply' | 'rollback';
  status: RunStatus;
  started_at: string;
  finished_at: string | null;
  change_count: number;
  snapshot_id: string | null;
  origin: 'local' | 'imported';
  signer: string | null;
  public_ip: unknown;
  rollback_of: string | null;
  boxes_json: string | null;
  revert_at: unknown;
}

function summary(db: Db, row: SummaryRow): RunSummary {
  const s: RunSummary = {
    runId: row.run_id,
    siteId: row.site_id,
    kind: row.kind,
    status: row.status,
    startedAt: row.started_at,
    changeCount: row.change_count,
  };
  if (row.finished_at !== null) s.finishedAt = row.finished_at;
  if (row.snapshot_id !== null) s.snapshotId = row.snapshot_id;
  if (typeof row.public_ip === 'string' && isIPv4(row.public_ip)) s.publicIp = row.public_ip;
  const boxes = boxesOf(row.boxes_json);
  if (boxes) s.boxes = boxes;
  if (typeof row.revert_at === 'string' && !Number.isNaN(Date.parse(row.revert_at))) s.revertAt = row.revert_at;
  if (row.origin === 'imported') {
    // A damaged signer note must not hide the run from the list: it then reads as unsigned.
    const parsed = row.signer === null ? undefined : importedFromSchema.safeParse(safeJson(row.signer));
    s.imported = withTrust(db, parsed?.success ? parsed.data : { signature: 'unsigned' });
  }
  return s;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// The public IP is one fact of the plan, read by SQLite where it lies: listing a long history parses no plan.
// Format 2 keeps it in the run's site facts; format 1 among the plan's shown facts.
const PUBLIC_IP = [
  `CASE WHEN json_valid(facts_json) THEN json_extract(facts_json, '$.publicIp') END`,
  ...['pbx.publicIp', 'router.publicAddress', 'router.wanAddress'].map(
    (fact) => `CASE WHEN json_valid(plan_json) THEN json_extract(plan_json, '$.facts."${fact}"') END`,
  ),
].join(', ');
const SUMMARY_COLUMNS = `run_id, site_id, kind, status, started_at, finished_at, change_count, snapshot_id, origin, signer,
  rollback_of, boxes_json, COALESCE(${PUBLIC_IP}) AS public_ip,
  CASE WHEN json_valid(result_json) THEN json_extract(result_json, '$.revertAt') END AS revert_at`;

/** A rollback's plan holds no public IP: it takes that of the run whose snapshot it returned to. */
function withRollbackIps(db: Db, rows: SummaryRow[]): RunSummary[] {
  const bySnapshot = new Map(rows.flatMap((r) => (r.snapshot_id && r.public_ip ? [[r.snapshot_id, r.public_ip]] : [])));
  return rows.map((r) =>
    summary(db, r.public_ip || !r.rollback_of ? r : { ...r, public_ip: bySnapshot.get(r.rollback_of) ?? null }),
  );
}

/** Newest first; reads no plan or inputs, so long histories stay fast. */
export function listRuns(db: Db, options: { siteId?: string; limit?: number } = {}): RunSummary[] {
  const limit = Math.min(Math.max(options.limit ?? 10_000, 1), 100_000);
  const rows = options.siteId
    ? db
        .prepare<[string, number], SummaryRow>(
          `SELECT ${SUMMARY_COLUMNS} FROM runs WHERE site_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?`,
        )
        .all(options.siteId, limit)
    : db
        .prepare<[number], SummaryRow>(
          `SELECT ${SUMMARY_COLUMNS} FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?`,
        )
        .all(limit);
  return withRollbackIps(db, rows);
}

/** Runs a previous process left half-way: the next start offers to roll them back or finish them. */
export function findUnfinished(db: Db): RunSummary[] {
  const marks = UNFINISHED.map(() => '?').join(', ');
  return db
    .prepare<string[], SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM runs WHERE status IN (${marks}) ORDER BY started_at`)
    .all(...UNFINISHED)
    .map((row) => summary(db, row));
}
