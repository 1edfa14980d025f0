/**
 * Runs a PBX plan (or a restore plan) on the host: every database change in
 * one transaction, then the post-transaction steps in the plan's order
 * (vars.xml, caches, fs_cli), stopping at the first failure. The record says
 * exactly which steps ran, which failed and which never started.
 */
import { Failure, toAppError, type AppError } from '../../../contract/errors';
import { keyColumn, type PbxChange } from '../model/change';
import { runTransaction, type TransactionOutcome } from '../session/db';
import { fsCliVerdict } from '../parse/fs-cli-output';
import { scrubSecrets } from '../parse/scrub';
import { changeSql } from '../script/sql';
import type { SshSession } from '../session/ssh';
import type { PbxState, Row } from '../model/state';
import type { PbxStep } from '../plan/steps';

export type PbxStepStatus = 'done' | 'failed' | 'not-run' | 'unknown';

export interface PbxStepRecord {
  index: number;
  kind: 'database' | PbxStep['kind'];
  /** What the step does, for the journal: the table count, the file or the fs_cli command. */
  what: string;
  status: PbxStepStatus;
  attempts?: number;
  output?: string;
  error?: AppError;
  ms?: number;
}

export type DatabaseOutcome = 'no-changes' | TransactionOutcome['status'];

export interface PbxApplyRecord {
  database: DatabaseOutcome;
  /** Step 0 is the database transaction; then the plan's steps in order. */
  steps: PbxStepRecord[];
  complete: boolean;
  error?: AppError;
  ms: number;
}

export interface PbxApplyProgress {
  index: number;
  total: number;
  kind: PbxStepRecord['kind'];
  what: string;
  status: 'running' | 'retrying' | 'done' | 'failed';
  attempt?: number;
}

export interface PbxApplyOptions {
  onProgress?: (progress: PbxApplyProgress) => void;
  /** Waits between restart attempts; injectable so tests can count them. */
  sleep?: (ms: number) => Promise<void>;
  /** Held just before the COMMIT (tests drop the link here). */
  beforeCommit?: () => Promise<void> | void;
  transactionTimeoutMs?: number;
}

/** Writes a file as root and keeps an existing file's owner and mode; the script is constant, data are arguments. */
const WRITE_FILE_SCRIPT =
  'set -e; cat > "$2"; if [ -e "$1" ]; then chown --reference="$1" -- "$2"; chmod --reference="$1" -- "$2"; ' +
  'else chown -- "$3" "$2"; chmod 0644 -- "$2"; fi; mv -f -- "$2" "$1"';

function describeStep(step: PbxStep): string {
  switch (step.kind) {
    case 'write-file':
      return `write ${step.path}`;
    case 'delete-cache-file':
      return `delete ${step.path}`;
    case 'fs-cli':
      return `fs_cli -x "${step.command}"`;
  }
}

export function transactionSql(changes: readonly PbxChange[]): string {
  const statements: string[] = [];
  for (const change of changes) {
    const sql = changeSql(change);
    if (!sql.ok) throw new Failure(sql.error);
    statements.push(sql.value);
  }
  return statements.join('\n');
}

async function runStep(
  ssh: SshSession,
  step: PbxStep,
  onRetry: (attempt: number) => void,
  sleep: (ms: number) => Promise<void>,
): Promise<{ output: string; attempts: number; error?: AppError }> {
  switch (step.kind) {
    case 'write-file': {
      const temp = `${step.path}.fspbx-nat.tmp`;
      const r = await ssh.run(['sh', '-c', WRITE_FILE_SCRIPT, 'sh', step.path, temp, `${step.owner}:${step.group}`], {
        asRoot: true,
        input: step.content,
      });
      return r.code === 0
        ? { output: '', attempts: 1 }
        : {
            output: r.stderr,
            attempts: 1,
            error: {
              code: 'io_failed',
              message: `${step.path} could not be written.`,
              detail: scrubSecrets(r.stderr.trim()),
            },
          };
    }
    case 'delete-cache-file': {
      const r = await ssh.run(['rm', '-f', '--', step.path], { asRoot: true });
      return r.code === 0
        ? { output: '', attempts: 1 }
        : {
            output: r.stderr,
            attempts: 1,
            error: {
              code: 'io_failed',
              message: `The cache file ${step.path} could not be deleted.`,
              detail: r.stderr,
            },
          };
    }
    case 'fs-cli': {
      const attempts = step.retry?.attempts ?? 1;
      let output = '';
      for (let attempt = 1; attempt <= attempts; attempt += 1) {
        const r = await ssh.run(['fs_cli', '-x', step.command], { asRoot: true, timeoutMs: 60_000 });
        output = r.stdout + r.stderr;
        const refused = step.retry !== undefined && output.includes(step.retry.whileOutputIncludes);
        if (!refused) {
          const verdict =
            r.code === 0 ? fsCliVerdict(step.command, output) : { ok: false as const, why: `exit ${r.code}` };
          if (!verdict.ok) {
            return {
              output,
              attempts: attempt,
              error: {
                code: 'io_failed',
                message: `FreeSWITCH did not accept "${step.command}": ${verdict.why}.`,
                detail: scrubSecrets(output.trim()).slice(0, 1000),
              },
            };
          }
          if (step.waitRunning === undefined) return { output, attempts: attempt };
          const error = await waitRunning(ssh, step.waitRunning, sleep);
          return error ? { output, attempts: attempt, error } : { output, attempts: attempt };
        }
        if (attempt < attempts) {
          onRetry(attempt + 1);
          // FreeSWITCH says how long is left ("Please wait 7 seconds"): wait just that, never more than 15 s.
          const hint = /Please wait (\d+) second/.exec(output)?.[1];
          const seconds = hint === undefined ? (step.retry?.delaySeconds ?? 1) : Math.min(Number(hint) + 0.5, 15);
          await sleep(seconds * 1000);
        }
      }
      return {
        output,
        attempts,
        error: {
          code: 'io_failed',
          message: `FreeSWITCH still refuses "${step.command}" after ${attempts} attempts; run it by hand in a minute.`,
          detail: scrubSecrets(output.trim()).slice(0, 1000),
        },
      };
    }
  }
}

/** Polls for a restarted profile, bounded: 40 looks, 0.5 s apart. */
const RESTART_POLLS = 40;

/**
 * A restart only flags the profile and returns; its thread exits and starts
 * again on its own (mod_sofia.c:3779-3783, sofia.c:3589). Done when
 * `sofia xmlstatus profile <name>` shows it again.
 */
async function waitRunning(
  ssh: SshSession,
  profile: string,
  sleep: (ms: number) => Promise<void>,
): Promise<AppError | undefined> {
  for (let poll = 0; poll < RESTART_POLLS; poll += 1) {
    const r = await ssh.run(['fs_cli', '-x', `sofia xmlstatus profile ${profile}`], {
      asRoot: true,
      timeoutMs: 15_000,
    });
    if (r.code === 0 && r.stdout.includes('<profile-info>')) return undefined;
    await sleep(500);
  }
  return {
    code: 'io_failed',
    message: `The ${profile} SIP profile did not come back after its restart. Check "sofia status" and the FreeSWITCH log on the PBX.`,
  };
}

export async function applyPbxPlan(
  ssh: SshSession,
  plan: { changes: readonly PbxChange[]; steps: readonly PbxStep[] },
  options: PbxApplyOptions = {},
): Promise<PbxApplyRecord> {
  const started = Date.now();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const total = plan.steps.length + 1;
  const records: PbxStepRecord[] = [
    {
      index: 0,
      kind: 'database',
      what: `${plan.changes.length} database change(s) in one transaction`,
      status: 'not-run',
    },
    ...plan.steps.map((step, i) => ({
      index: i + 1,
      kind: step.kind,
      what: describeStep(step),
      status: 'not-run' as const,
    })),
  ];
  const progress = (record: PbxStepRecord, status: PbxApplyProgress['status'], attempt?: number) =>
    options.onProgress?.({
      index: record.index,
      total,
      kind: record.kind,
      what: record.what,
      status,
      ...(attempt === undefined ? {} : { attempt }),
    });
  const finish = (database: DatabaseOutcome, error?: AppError): PbxApplyRecord => ({
    database,
    steps: records,
    complete: error === undefined,
    ...(error ? { error } : {}),
    ms: Date.now() - started,
  });

  const db = records[0]!;
  let database: DatabaseOutcome = 'no-changes';
  if (plan.changes.length > 0) {
    progress(db, 'running');
    const t0 = Date.now();
    let outcome: TransactionOutcome;
    try {
      const sql = transactionSql(plan.changes);
      const txOptions: Parameters<typeof runTransaction>[2] = {};
      if (options.transactionTimeoutMs !== undefined) txOptions.timeoutMs = options.transactionTimeoutMs;
      if (options.beforeCommit) txOptions.beforeCommit = options.beforeCommit;
      outcome = await runTransaction(ssh, sql, txOptions);
    } catch (caught) {
      const error = toAppError(caught);
      db.status = 'failed';
      db.error = error;
      db.ms = Date.now() - t0;
      progress(db, 'failed');
      return finish('not-committed', error);
    }
    db.ms = Date.now() - t0;
    database = outcome.status;
    if (outcome.status !== 'committed') {
      db.status = outcome.status === 'unknown' ? 'unknown' : 'failed';
      db.error = outcome.error;
      progress(db, 'failed');
      return finish(database, outcome.error);
    }
  }
  db.status = 'done';
  progress(db, 'done');

  for (const [i, step] of plan.steps.entries()) {
    const record = records[i + 1]!;
    progress(record, 'running');
    const t0 = Date.now();
    let outcome: Awaited<ReturnType<typeof runStep>>;
    try {
      outcome = await runStep(ssh, step, (attempt) => progress(record, 'retrying', attempt), sleep);
    } catch (caught) {
      // A lost link: the command may or may not have run on the host.
      const error = toAppError(caught);
      record.status = error.code === 'transport_closed' || error.code === 'timeout' ? 'unknown' : 'failed';
      record.error = error;
      record.ms = Date.now() - t0;
      progress(record, 'failed');
      return finish(database, error);
    }
    record.ms = Date.now() - t0;
    record.attempts = outcome.attempts;
    // Kept for the journal without secrets (fs_cli may print a trunk's password).
    if (outcome.output) record.output = scrubSecrets(outcome.output).slice(0, 2000);
    if (outcome.error) {
      record.status = 'failed';
      record.error = outcome.error;
      progress(record, 'failed');
      return finish(database, outcome.error);
    }
    record.status = 'done';
    progress(record, 'done');
  }
  return finish(database);
}

const TABLE_FIELD = { v_sip_profile_settings: 'settings', v_vars: 'vars', v_extensions: 'extensions' } as const;

/**
 * After a COMMIT whose answer was lost: did the transaction land? Read the
 * state again and compare. 'yes' when every change is in place, 'no' when
 * none is, 'unclear' otherwise (someone else changed the same rows). Inserted
 * rows are found by the uuid the plan gave them. Pure.
 */
export function transactionLanded(state: PbxState, changes: readonly PbxChange[]): 'yes' | 'no' | 'unclear' {
  let applied = 0;
  let untouched = 0;
  for (const change of changes) {
    const column = keyColumn(change.path);
    const rows = state[TABLE_FIELD[change.path]] as Row[];
    const key = change.action === 'add' ? (change.after?.[column] ?? undefined) : change.key;
    if (key === undefined || key === null) return 'unclear';
    const row = rows.find((r) => r[column] === key);
    const matches = (values: Record<string, string | null> | null) =>
      row !== undefined && Object.entries(values ?? {}).every(([k, v]) => row[k] === v);
    if (change.action === 'add') {
      if (row) applied += 1;
      else untouched += 1;
    } else if (change.action === 'remove') {
      if (!row) applied += 1;
      else untouched += 1;
    } else if (matches(change.after)) applied += 1;
    else if (matches(change.before)) untouched += 1;
  }
  if (applied === changes.length) return 'yes';
  if (untouched === changes.length) return 'no';
  return 'unclear';
}
