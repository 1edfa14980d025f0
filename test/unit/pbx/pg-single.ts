/**
 * A throw-away PostgreSQL cluster driven in single-user mode over stdin: no
 * server, no socket, no network. Needs root (initdb runs as `postgres`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';
// FSPBX_NAT_NO_POSTGRES=1 leaves the cluster out: a mutation run (`npm run mutate`) starts one per
// mutant otherwise, and on a loaded machine its start alone hits Stryker's timeout, which counts as a kill.
export const POSTGRES_AVAILABLE =
  existsSync(join(BIN, 'postgres')) &&
  userInfo().uid === 0 &&
  existsSync('/usr/sbin/runuser') &&
  process.env.FSPBX_NAT_NO_POSTGRES !== '1';

export interface SingleUserPostgres {
  /** Runs statements (one per line) and returns what the backend printed. */
  run(sql: string): string;
  /** The hex-encoded single value of each `select … as r` in `sql`, in order. */
  values(sql: string): string[];
  close(): void;
}

export function startPostgres(): SingleUserPostgres {
  const dir = mkdtempSync(join(tmpdir(), 'pbx-pg-'));
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  execFileSync(
    '/usr/sbin/runuser',
    ['-u', 'postgres', '--', join(BIN, 'initdb'), '-D', data, '-E', 'UTF8', '--locale=C.UTF-8', '-A', 'trust'],
    { stdio: 'ignore', timeout: 60_000 },
  );
  const run = (sql: string): string => {
    const result = spawnSync(
      '/usr/sbin/runuser',
      [
        '-u',
        'postgres',
        '--',
        join(BIN, 'postgres'),
        '--single',
        '-D',
        data,
        '-c',
        'log_min_messages=error',
        'postgres',
      ],
      { input: sql.endsWith('\n') ? sql : `${sql}\n`, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
    );
    return `${result.stdout}${result.stderr}`;
  };
  return {
    run,
    values(sql) {
      return [...run(sql).matchAll(/^\t 1: r = "([0-9a-f]*)"/gm)].map((m) =>
        Buffer.from(m[1]!, 'hex').toString('utf8'),
      );
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
