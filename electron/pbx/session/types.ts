/** What a PBX SSH session offers its callers: commands as argv arrays, their results, their options. */

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
