/**
 * The FS PBX database over SSH: psql as the postgres user (peer auth, as the
 * reference says works on a stock host), SQL always on standard input, never
 * on a command line. Reads come back as one JSON document so every value
 * round-trips exactly. A transaction gets its COMMIT only after every
 * statement succeeded and the link is still up: a link lost before that
 * leaves psql at end of input with the transaction open, and PostgreSQL rolls
 * it back.
 */
import { Failure, type AppError } from '../../../contract/errors';
import { ROW_CHANGED_MARKER } from '../script/sql';
import type { CommandResult, SshSession } from './ssh';

export const DATABASE = 'fusionpbx';
const PSQL = ['psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', DATABASE] as const;

/** Printed by psql on stderr (unbuffered) between the statements and the COMMIT. */
const READY = 'fspbx-nat:statements-done';
const COMMITTED = 'fspbx-nat:committed';

function psqlError(result: CommandResult): AppError | undefined {
  const text = `${result.stderr}\n${result.stdout}`.trim();
  if (result.code === 0) return undefined;
  if (
    result.code === 127 ||
    // Debian's pg_wrapper, when the client package is gone.
    /psql: (command )?not found|No such file or directory.*psql|install at least one postgresql-client|psql was not found in|PostgreSQL version \S+ is not installed/i.test(
      text,
    )
  ) {
    return {
      code: 'io_failed',
      message: 'psql (the PostgreSQL client) is not installed on the PBX, so its database cannot be read.',
      detail: text.slice(0, 500),
    };
  }
  if (/unknown user:? postgres|user postgres does not exist/i.test(text)) {
    return {
      code: 'io_failed',
      message: 'The PBX has no postgres user: PostgreSQL does not seem to run on this host.',
      detail: text.slice(0, 500),
    };
  }
  if (
    /could not connect|connection to server .* failed|No such file or directory\s+Is the server running|does not exist|Connection refused|the database system is (starting|shutting) up/i.test(
      text,
    )
  ) {
    return {
      code: 'io_failed',
      message: `The FS PBX database (${DATABASE}) cannot be reached on the PBX. Check that PostgreSQL is running.`,
      detail: text.slice(0, 500),
    };
  }
  return undefined;
}

/** psql's answer to one SELECT returning a single json value, parsed; a clear Failure otherwise. */
export function jsonFromPsql(result: CommandResult): unknown {
  const refused = psqlError(result);
  if (refused) throw new Failure(refused);
  if (result.code !== 0) {
    throw new Failure({
      code: 'io_failed',
      message: 'The FS PBX database refused a read-only query; its schema may differ from FS PBX’s.',
      detail: result.stderr.trim().slice(0, 1000),
    });
  }
  try {
    return JSON.parse(result.stdout) as unknown;
  } catch {
    throw new Failure({
      code: 'io_failed',
      message: 'The FS PBX database answered with something that is not JSON.',
      detail: result.stdout.slice(0, 200),
    });
  }
}

/** psql as the postgres user inside a root script (runuser, else sudo), reading SQL from standard input. */
export const PSQL_AS_POSTGRES_SH =
  `if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- ${PSQL.join(' ')}; ` +
  `else sudo -n -u postgres -- ${PSQL.join(' ')}; fi`;

/** What is known about a transaction afterwards. */
export type TransactionOutcome =
  | { status: 'committed'; output: string }
  /** PostgreSQL refused a statement (or a row had changed since the plan); nothing was kept. */
  | { status: 'rolled-back'; error: AppError }
  /** The link was lost before the COMMIT was sent: psql hit end of input and PostgreSQL rolled back. */
  | { status: 'not-committed'; error: AppError }
  /** The COMMIT was sent but its answer never came: read the database to know. */
  | { status: 'unknown'; error: AppError };

export interface TransactionOptions {
  timeoutMs?: number;
  /** Called once every statement succeeded, just before the COMMIT is sent (tests hold the link here). */
  beforeCommit?: () => Promise<void> | void;
}

/**
 * Runs `statements` (no BEGIN/COMMIT of their own) in one transaction. The
 * COMMIT is written only after psql reported the statements done.
 */
export async function runTransaction(
  ssh: SshSession,
  statements: string,
  options: TransactionOptions = {},
): Promise<TransactionOutcome> {
  const psql = await ssh.start(PSQL, { asUser: 'postgres', timeoutMs: options.timeoutMs ?? 120_000 });
  let stderr = '';
  let sawReady!: () => void;
  const ready = new Promise<void>((resolve) => (sawReady = resolve));
  psql.onOutput((stream, text) => {
    if (stream !== 'stderr') return;
    stderr += text;
    if (stderr.includes(READY)) sawReady();
  });
  psql.write(`SET standard_conforming_strings = on;\nBEGIN;\n${statements}\n\\warn ${READY}\n`);
  let commitSent = false;
  const finished = psql.done.then(
    (result) => ({ result }),
    (error: Failure) => ({ error }),
  );
  const first = await Promise.race([ready.then(() => 'ready' as const), finished]);
  if (first === 'ready') {
    try {
      await options.beforeCommit?.();
    } catch (caught) {
      psql.end();
      await finished;
      throw caught;
    }
    commitSent = psql.write(`COMMIT;\n\\warn ${COMMITTED}\n`);
  }
  psql.end();
  const end = await finished;
  if ('error' in end) {
    const error = end.error.error;
    return commitSent ? { status: 'unknown', error } : { status: 'not-committed', error };
  }
  const { result } = end;
  if (result.code === 0 && result.stderr.includes(COMMITTED)) return { status: 'committed', output: result.stdout };
  const detail = result.stderr.replace(`${READY}\n`, '').trim().slice(0, 2000);
  const refused = psqlError(result) ?? {
    code: 'io_failed' as const,
    message: detail.includes(ROW_CHANGED_MARKER)
      ? 'A row on the PBX changed after the plan was made, so nothing was changed. Read the PBX again and review the new plan.'
      : 'The database refused the change; nothing was changed (one transaction).',
    detail,
  };
  // psql exits non-zero on the first failing statement (ON_ERROR_STOP), before any COMMIT was read.
  if (!commitSent || !result.stderr.includes(COMMITTED)) return { status: 'rolled-back', error: refused };
  return { status: 'unknown', error: refused };
}
