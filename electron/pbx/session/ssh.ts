/**
 * One SSH connection per operation, reused for all its commands. The host key
 * is checked before any credential is sent (host-key.ts): an unknown key stops
 * with its fingerprint for the technician to accept, a changed key stops with a
 * warning. Commands are argv arrays, quoted in one place (quote.ts); sudo
 * passwords travel on stdin, never on a command line (sudo.ts).
 *
 * The pieces: connect.ts (the login: host key, then auth.ts; failures named by
 * login-errors.ts), exec.ts (one command on an exec channel), and here the
 * session object that ties them together.
 */
import type { Client } from 'ssh2';
import { Failure } from '../../../contract/errors';
import type { PbxTarget } from '../../../contract/schemas';
import { shellWords } from '../script/quote';
import { connect } from './connect';
import { startCommand, type Link } from './exec';
import { needsSudo, privilege, sudoRefusal, type SudoMode } from './sudo';
import type { CommandResult, OpenOptions, RemoteProcess, RunOptions, SshSession } from './types';

export type { CommandResult, OpenOptions, RemoteProcess, RunOptions, SshSession } from './types';
export { fingerprintOf } from './host-key';

/** Limits for one command on the PBX: never under 30 s, more for a PBX that was slow to log in to, at most 3 min. */
export const COMMAND_TIMEOUT = { minMs: 30_000, perLoginMs: 40, maxMs: 180_000 } as const;

/**
 * A login is a few round trips plus the key exchange's work on both ends; a PBX (or laptop) that
 * is slow at that is slow at everything, so its commands get proportionally longer before we
 * call them hung. A slow site is then a slow run, not a timeout.
 */
export function commandTimeoutFor(loginMs: number): number {
  return Math.min(
    COMMAND_TIMEOUT.maxMs,
    Math.max(COMMAND_TIMEOUT.minMs, Math.round(loginMs * COMMAND_TIMEOUT.perLoginMs)),
  );
}

export async function openSsh(target: PbxTarget, options: OpenOptions = {}): Promise<SshSession> {
  const loginStarted = Date.now();
  const { client, hostKey } = await connect(target, options);
  const loginMs = Date.now() - loginStarted;
  return sessionOn(client, target, {
    hostKey,
    loginMs,
    commandTimeoutMs: options.commandTimeoutMs ?? commandTimeoutFor(loginMs),
  });
}

/** The session over a logged-in client: commands, sudo probed once, the count of execs. */
function sessionOn(
  client: Client,
  target: PbxTarget,
  login: { hostKey: string; loginMs: number; commandTimeoutMs: number },
): SshSession {
  // Errors after the handshake (a dropped link) end the session; commands in flight fail on their own.
  client.on('error', () => client.end());
  const username = target.username;
  let closed = false;
  client.on('close', () => {
    closed = true;
  });
  const link: Link = {
    client,
    closed: () => closed,
    username,
    ...(target.sudoPassword === undefined ? {} : { sudoPassword: target.sudoPassword }),
  };

  let sudoMode: Promise<SudoMode> | undefined;
  let execs = 0;

  function exec(
    argv: readonly string[],
    runOptions: RunOptions,
    prefix: string[],
    feedPassword: boolean,
  ): Promise<RemoteProcess> {
    const command = shellWords([...prefix, ...argv]);
    if (!command.ok) return Promise.reject(new Failure(command.error));
    execs += 1;
    return startCommand(link, command.value, argv, {
      timeoutMs: runOptions.timeoutMs ?? login.commandTimeoutMs,
      ...(runOptions.input === undefined ? {} : { input: runOptions.input }),
      viaSudo: prefix.length > 0,
      feedPassword,
    });
  }

  async function ended(started: Promise<RemoteProcess>): Promise<CommandResult> {
    const proc = await started;
    proc.end();
    return proc.done;
  }

  /** Probed once: a NOPASSWD rule must never receive the password on stdin. */
  function probeSudo(): Promise<SudoMode> {
    sudoMode ??= ended(exec(['sudo', '-n', 'true'], {}, [], false)).then((r) =>
      r.code === 0
        ? 'nopasswd'
        : target.sudoPassword !== undefined
          ? 'password'
          : Promise.reject(
              sudoRefusal(username, 'a password is required') ??
                new Failure({ code: 'permission_denied', message: 'sudo refused.' }),
            ),
    );
    return sudoMode;
  }

  const session: SshSession = {
    hostKey: login.hostKey,
    loginMs: login.loginMs,
    username,
    get execCount() {
      return execs;
    },
    close: () => client.end(),
    run: (argv, runOptions = {}) => ended(session.start(argv, runOptions)),
    async start(argv, runOptions = {}) {
      const mode: SudoMode = needsSudo(username, runOptions) ? await probeSudo() : 'nopasswd';
      const { prefix, feedPassword } = privilege(username, mode, runOptions);
      return exec(argv, runOptions, prefix, feedPassword);
    },
  };
  return session;
}
