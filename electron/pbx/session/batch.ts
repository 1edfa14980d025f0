/**
 * Many questions to the PBX in one SSH exec: a constant POSIX sh script runs
 * each part with its output captured, and prints one framed line per part,
 * `@@fspbx-nat <nonce> <name> <exit code> <stdout base64> <stderr base64>`.
 * Anything else on the channel (a login shell's greeting, a slow profile
 * script's noise) is ignored, and one round trip is paid however slow the
 * login is. Script text is constant; the only argument is the nonce.
 */
import { randomBytes } from 'node:crypto';
import type { CommandResult, SshSession } from './ssh';

/** Shell helpers every batch script starts with. `fs` bounds fs_cli, which can hang when FreeSWITCH does. */
export const BATCH_PRELUDE = `n="$1"
t=$(mktemp) || exit 97
e=$(mktemp) || exit 97
trap 'rm -f "$t" "$e"' EXIT
emit() { printf '@@fspbx-nat %s %s %s ' "$n" "$1" "$2"; base64 -w0 <"$t"; printf ' '; base64 -w0 <"$e"; printf '\\n'; }
run() { name=$1; shift; "$@" >"$t" 2>"$e" </dev/null; emit "$name" $?; }
fs() { if command -v timeout >/dev/null 2>&1; then timeout 20 fs_cli -x "$1"; else fs_cli -x "$1"; fi; }
`;

/** fs_cli commands are plain words (no quotes, no shell metacharacters): checked before they enter a script. */
export const SAFE_FS_CLI = /^[A-Za-z0-9_ .:@+=/-]{1,200}$/;

export type BatchAnswers = Map<string, CommandResult>;

export function parseBatch(output: string, nonce: string): BatchAnswers {
  const answers: BatchAnswers = new Map();
  const decode = (text: string) => Buffer.from(text, 'base64').toString('utf8');
  for (const line of output.split('\n')) {
    const m = /^@@fspbx-nat (\S+) (\S+) (\d+) ([A-Za-z0-9+/=]*) ([A-Za-z0-9+/=]*)\s*$/.exec(line);
    if (!m || m[1] !== nonce) continue;
    answers.set(m[2]!, { code: Number(m[3]), stdout: decode(m[4]!), stderr: decode(m[5]!) });
  }
  return answers;
}

export interface BatchResult {
  answers: BatchAnswers;
  /** The whole exec, for errors when an expected part is missing. */
  raw: CommandResult;
}

/** Runs `body` (after the prelude) as root in one exec and returns its framed parts. */
export async function runBatch(ssh: SshSession, body: string, timeoutMs: number): Promise<BatchResult> {
  const nonce = randomBytes(8).toString('hex');
  const raw = await ssh.run(['sh', '-c', `${BATCH_PRELUDE}${body}`, 'sh', nonce], { asRoot: true, timeoutMs });
  return { answers: parseBatch(raw.stdout, nonce), raw };
}

/**
 * The script lines asking fs_cli each command, framed as `fs<index>`.
 * `hideSecrets` blanks password-like param values on the PBX itself, so a
 * generated sofia.conf never crosses the wire with them.
 */
export function fsCliLines(commands: readonly string[], options: { hideSecrets?: boolean } = {}): string {
  const hide = `sed -E 's/(name="[^"]*(pass|secret|token)[^"]*"[[:space:]]+value=")[^"]*/\\1[hidden]/I'`;
  return commands
    .map((command, i) => {
      if (!SAFE_FS_CLI.test(command)) throw new Error(`unsafe fs_cli command: ${JSON.stringify(command)}`);
      const ask = options.hideSecrets ? `fs '${command}' | ${hide}` : `fs '${command}'`;
      return `q${i}() { ${ask}; }\nrun fs${i} q${i}\n`;
    })
    .join('');
}

/**
 * What fs_cli prints for an API command that answered with nothing: `user_data` of an unset
 * variable prints nothing (mod_commands.c:1357-1360), and fs_cli shows the empty reply this way
 * (observed on FreeSWITCH 1.10.12: test/lab/pbx/fixtures/real-freeswitch/06-commands-and-refusals.json).
 */
const EMPTY_REPLY = /^-ERR no reply\s*$/;

/**
 * fs_cli's answer, or undefined when it did not answer (FreeSWITCH down, exit code, an error line
 * first). An empty reply is an answer: the empty string, not "did not answer".
 */
export function fsCliText(result: CommandResult | undefined): string | undefined {
  if (!result || result.code !== 0) return undefined;
  if (EMPTY_REPLY.test(result.stdout)) return '';
  if (/^\s*(-ERR|\[ERROR\])/.test(result.stdout)) return undefined;
  return result.stdout;
}

/** Asks FreeSWITCH every command in one exec; command → answer (undefined when it did not answer). */
export async function askFsCli(
  ssh: SshSession,
  commands: readonly string[],
  options: { hideSecrets?: boolean; timeoutMs?: number } = {},
): Promise<Map<string, string | undefined>> {
  const unique = [...new Set(commands)].filter((c) => SAFE_FS_CLI.test(c));
  const out = new Map<string, string | undefined>();
  if (unique.length === 0) return out;
  const { answers } = await runBatch(
    ssh,
    fsCliLines(unique, options),
    options.timeoutMs ?? 20_000 + 5_000 * unique.length,
  );
  unique.forEach((command, i) => out.set(command, fsCliText(answers.get(`fs${i}`))));
  return out;
}
