/**
 * One SSH connection per operation, reused for all its commands. The host key
 * is checked before any credential is sent: an unknown key stops with its
 * fingerprint for the technician to accept, a changed key stops with a
 * warning. Commands are argv arrays, quoted in one place (quote.ts); sudo
 * passwords travel on stdin, never on a command line.
 */
import { createHash } from 'node:crypto';
import { Client, type ConnectConfig } from 'ssh2';
import { Failure, type AppError } from '../../../contract/errors';
import { connectionError, pbxLoginRefused, pbxSshService } from '../../../contract/net-errors';
import type { PbxTarget } from '../../../contract/schemas';
import { shellWords } from '../script/quote';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the command's standard input (after the sudo password, when one is fed). */
  input?: string;
  timeoutMs?: number;
  /** Run as root: via sudo for a non-root login. */
  asRoot?: boolean;
  /** Run as another user (e.g. postgres, www-data): `sudo -u`. */
  asUser?: string;
}

/**
 * A command whose standard input stays open: the caller writes more once it
 * has seen the output so far (psql gets its COMMIT only after every statement
 * succeeded, so a link lost before that can never commit).
 */
export interface RemoteProcess {
  /** False when the command had already ended (or the link was lost): nothing was sent. */
  write(text: string): boolean;
  /** Closes standard input. */
  end(): void;
  /** Called with each chunk of stdout / stderr as it arrives. */
  onOutput(listener: (stream: 'stdout' | 'stderr', text: string) => void): void;
  /** Settles like `run`: the exit code and everything printed, or a Failure (timeout, lost link). */
  done: Promise<CommandResult>;
}

export interface SshSession {
  /** OpenSSH-style fingerprint of the server's host key, `SHA256:…`. */
  hostKey: string;
  /** How long the login took (TCP, key exchange, auth): the site's own pace, which command time limits follow. */
  loginMs: number;
  username: string;
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Like run, but standard input is left open for the caller (options.input is written first). */
  start(argv: readonly string[], options?: RunOptions): Promise<RemoteProcess>;
  /** Commands run on this connection so far (each is one SSH exec: a channel and a round trip). */
  readonly execCount: number;
  close(): void;
}

export interface OpenOptions {
  connectTimeoutMs?: number;
  /** A fixed limit per command; by default it follows the login's pace (commandTimeoutFor). */
  commandTimeoutMs?: number;
  /** ssh-agent socket for agent auth; defaults to SSH_AUTH_SOCK. */
  agentSocket?: string;
}

const MAX_OUTPUT = 32 * 1024 * 1024;

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

export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function failure(error: AppError): Failure {
  return new Failure(error);
}

function connectError(target: PbxTarget, caught: Error & { code?: string; level?: string }): Failure {
  const detail = `${caught.code ?? caught.level ?? 'error'}: ${caught.message}`;
  if (caught.level === 'client-authentication') {
    return failure({
      code: 'auth_failed',
      // Root with a password meets Debian's PermitRootLogin prohibit-password: the sentence names it.
      message: pbxLoginRefused(target.username, target.auth.kind),
      detail,
    });
  }
  if (/encrypted private key|passphrase/i.test(caught.message)) {
    return failure({
      code: 'auth_failed',
      message: 'The private key needs its passphrase, or the passphrase is wrong.',
      detail,
    });
  }
  if (/Cannot parse privateKey|Unsupported key format/i.test(caught.message)) {
    return failure({
      code: 'invalid_input',
      message: 'That private key file cannot be read. Use an OpenSSH or PEM key.',
      detail,
    });
  }
  // DNS, no route, refused, reset after connect: one mapping for every connection (contract/net-errors.ts).
  return failure(connectionError(pbxSshService(target.host, target.port), caught));
}

function authConfig(target: PbxTarget, options: OpenOptions): Partial<ConnectConfig> {
  switch (target.auth.kind) {
    case 'password':
      return { password: target.auth.password, tryKeyboard: false };
    case 'key':
      return target.auth.passphrase === undefined
        ? { privateKey: target.auth.privateKey }
        : { privateKey: target.auth.privateKey, passphrase: target.auth.passphrase };
    case 'agent': {
      const agent = options.agentSocket ?? process.env.SSH_AUTH_SOCK;
      if (!agent) {
        throw failure({
          code: 'invalid_input',
          message: 'No SSH agent is running on this laptop; use a password or a key file.',
        });
      }
      return { agent };
    }
  }
}

type SudoMode = 'nopasswd' | 'password';

/**
 * The sudo prefix for a command, and whether the sudo password goes first on
 * stdin. With a password, -k makes sudo always read it, so the password line
 * can never fall through to the command's own stdin.
 */
function privilege(username: string, mode: SudoMode, options: RunOptions): { prefix: string[]; feedPassword: boolean } {
  const asUser = options.asUser ?? (options.asRoot ? 'root' : undefined);
  if (asUser === undefined || (asUser === 'root' && username === 'root')) return { prefix: [], feedPassword: false };
  if (username === 'root' || mode === 'nopasswd')
    return { prefix: ['sudo', '-n', '-H', '-u', asUser, '--'], feedPassword: false };
  return { prefix: ['sudo', '-S', '-k', '-p', '', '-H', '-u', asUser, '--'], feedPassword: true };
}

const SUDO_REFUSALS: Array<[RegExp, string]> = [
  [/a password is required/, 'needs a sudo password: enter it with the SSH login'],
  [/incorrect password|Sorry, try again/, 'was given a wrong sudo password'],
  [
    /is not in the sudoers file|not allowed to execute|may not run sudo/,
    'has no sudo rights on the PBX: use root or a sudo user',
  ],
];

function sudoRefusal(username: string, stderr: string): Failure | undefined {
  for (const [pattern, what] of SUDO_REFUSALS) {
    if (pattern.test(stderr)) {
      return failure({
        code: 'permission_denied',
        message: `User "${username}" ${what}.`,
        detail: stderr.trim().slice(0, 500),
      });
    }
  }
  return undefined;
}

export async function openSsh(target: PbxTarget, options: OpenOptions = {}): Promise<SshSession> {
  const client = new Client();
  const loginStarted = Date.now();
  let seenKey: string | undefined;
  let hostKeyFailure: Failure | undefined;

  await new Promise<void>((resolve, reject) => {
    const settle = (error?: Failure) => {
      client.removeAllListeners('ready');
      if (error) {
        client.end();
        reject(error);
      } else resolve();
    };
    client.once('ready', () => settle());
    client.on('error', (caught: Error & { code?: string; level?: string }) =>
      settle(hostKeyFailure ?? connectError(target, caught)),
    );
    let config: ConnectConfig;
    try {
      config = {
        host: target.host,
        port: target.port,
        username: target.username,
        readyTimeout: options.connectTimeoutMs ?? 10_000,
        keepaliveInterval: 5_000,
        keepaliveCountMax: 3,
        ...authConfig(target, options),
        hostVerifier: (key: Buffer) => {
          seenKey = fingerprintOf(key);
          if (target.hostKey === undefined) {
            hostKeyFailure = failure({
              code: 'host_key_unknown',
              message: `First connection to ${target.host}: compare the host key fingerprint with the PBX and accept it to continue. No password was sent.`,
              fingerprint: seenKey,
            });
            return false;
          }
          if (target.hostKey !== seenKey) {
            hostKeyFailure = failure({
              code: 'host_key_changed',
              message: `The SSH host key of ${target.host} has CHANGED since it was accepted. The server may have been reinstalled, or someone may be intercepting the connection. Nothing was sent.`,
              detail: `accepted ${target.hostKey}, offered ${seenKey}`,
              fingerprint: seenKey,
            });
            return false;
          }
          return true;
        },
      };
    } catch (caught) {
      settle(caught as Failure);
      return;
    }
    client.connect(config);
  });

  const loginMs = Date.now() - loginStarted;
  const commandTimeoutMs = options.commandTimeoutMs ?? commandTimeoutFor(loginMs);
  // Errors after the handshake (a dropped link) end the session; commands in flight fail on their own.
  client.on('error', () => client.end());
  const username = target.username;
  let closed = false;
  client.on('close', () => {
    closed = true;
  });

  let sudoMode: Promise<SudoMode> | undefined;
  const needsSudo = (o: RunOptions) => username !== 'root' && (o.asRoot === true || o.asUser !== undefined);

  let execs = 0;
  const session: SshSession = {
    hostKey: seenKey!,
    loginMs,
    username,
    get execCount() {
      return execs;
    },
    close: () => client.end(),
    async run(argv, runOptions = {}) {
      const started = await session.start(argv, runOptions);
      started.end();
      return started.done;
    },
    async start(argv, runOptions = {}) {
      let mode: SudoMode = 'nopasswd';
      if (needsSudo(runOptions)) {
        // Probe once: a NOPASSWD rule must never receive the password on stdin.
        sudoMode ??= execEnded(['sudo', '-n', 'true'], {}, [], false).then((r) =>
          r.code === 0
            ? 'nopasswd'
            : target.sudoPassword !== undefined
              ? 'password'
              : Promise.reject(
                  sudoRefusal(username, 'a password is required') ??
                    new Failure({ code: 'permission_denied', message: 'sudo refused.' }),
                ),
        );
        mode = await sudoMode;
      }
      const { prefix, feedPassword } = privilege(username, mode, runOptions);
      return exec(argv, runOptions, prefix, feedPassword);
    },
  };
  return session;

  async function execEnded(
    argv: readonly string[],
    runOptions: RunOptions,
    prefix: string[],
    feedPassword: boolean,
  ): Promise<CommandResult> {
    const started = await exec(argv, runOptions, prefix, feedPassword);
    started.end();
    return started.done;
  }

  function exec(
    argv: readonly string[],
    runOptions: RunOptions,
    prefix: string[],
    feedPassword: boolean,
  ): Promise<RemoteProcess> {
    const command = shellWords([...prefix, ...argv]);
    if (!command.ok) return Promise.reject(new Failure(command.error));
    execs += 1;
    const timeoutMs = runOptions.timeoutMs ?? commandTimeoutMs;
    return new Promise<RemoteProcess>((started, notStarted) => {
      if (closed) {
        notStarted(failure({ code: 'transport_closed', message: 'The SSH connection to the PBX was lost.' }));
        return;
      }
      client.exec(command.value, (execError, stream) => {
        if (execError) {
          notStarted(
            failure({
              code: 'transport_closed',
              message: 'The PBX would not run a command over SSH.',
              detail: execError.message,
            }),
          );
          return;
        }
        let resolve!: (result: CommandResult) => void;
        let reject!: (error: Failure) => void;
        const done = new Promise<CommandResult>((yes, no) => {
          resolve = yes;
          reject = no;
        });
        // A caller that only awaits later must not see an unhandled rejection in between.
        done.catch(() => undefined);
        const listeners: ((stream: 'stdout' | 'stderr', text: string) => void)[] = [];
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let size = 0;
        let finished = false;
        const timer = setTimeout(() => {
          if (finished) return;
          finished = true;
          stream.close();
          reject(
            failure({
              code: 'timeout',
              message: `A command on the PBX did not finish within ${Math.round(timeoutMs / 1000)} s.`,
              detail: argv.join(' ').slice(0, 200),
            }),
          );
        }, timeoutMs);
        const collect = (into: Buffer[], name: 'stdout' | 'stderr') => (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_OUTPUT) {
            stream.close();
            return;
          }
          into.push(chunk);
          for (const listener of listeners) listener(name, chunk.toString('utf8'));
        };
        stream.on('data', collect(out, 'stdout'));
        stream.stderr.on('data', collect(errOut, 'stderr'));
        stream.on('close', (code?: number | null, signal?: string) => {
          clearTimeout(timer);
          if (finished) return;
          finished = true;
          if ((code ?? null) === null && !signal && size <= MAX_OUTPUT) {
            // No exit status: the link went down under the command.
            reject(
              failure({
                code: 'transport_closed',
                message: 'The SSH connection to the PBX was lost while a command ran.',
                detail: argv.join(' ').slice(0, 200),
              }),
            );
            return;
          }
          const result = {
            code: code ?? (signal ? 128 : -1),
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(errOut).toString('utf8'),
          };
          const refused = prefix.length > 0 && result.code !== 0 ? sudoRefusal(username, result.stderr) : undefined;
          if (refused) reject(refused);
          else if (size > MAX_OUTPUT)
            reject(
              failure({
                code: 'io_failed',
                message: 'A command on the PBX printed far more than expected; it was stopped.',
              }),
            );
          else resolve(result);
        });
        if (feedPassword) stream.write(`${target.sudoPassword}\n`);
        if (runOptions.input !== undefined) stream.write(runOptions.input);
        started({
          write: (text) => {
            if (finished || closed) return false;
            stream.write(text);
            return true;
          },
          end: () => {
            if (!finished) stream.end();
          },
          onOutput: (listener) => listeners.push(listener),
          done,
        });
      });
    });
  }
}
