/**
 * What follows an error's sentence in a terminal: the exact command that accepts a key or
 * certificate to compare (the command as typed, with its flag added), the underlying cause for a
 * connection that failed, and storage faults or unexpected failures as one sentence (the stack
 * goes to the log, never to the screen).
 */
import type { AppError } from '../../contract/errors';
import { storageError, storageFaultOf } from '../store/faults';

/** An argument as a shell reads it back: plain words as they are, anything else single-quoted. */
export function shellArg(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

const SITE_COMMANDS = new Set(['plan', 'apply', 'verify', 'confirm', 'rollback', 'rollback-apply']);

/** The flag that carries an accepted fingerprint for this command and this kind of key. */
export function acceptFlag(error: AppError, argv: readonly string[]): string {
  const site = argv.some((a) => SITE_COMMANDS.has(a));
  const sshKey = error.fingerprint?.startsWith('SHA256:') === true;
  if (sshKey && /router/i.test(error.message)) return site ? '--router-ssh-host-key' : '--ssh-host-key';
  return sshKey ? '--host-key' : '--fingerprint';
}

/** The command as typed with `flag value` set (replacing an earlier value of the same flag). */
export function withFlag(argv: readonly string[], flag: string, value: string): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === flag) i += 1;
    else if (!arg.startsWith(`${flag}=`)) kept.push(arg);
  }
  return ['fspbx-nat', ...kept, flag, value].map(shellArg).join(' ');
}

const CONNECTION_CODES: ReadonlySet<AppError['code']> = new Set([
  'host_unreachable',
  'timeout',
  'transport_closed',
  'auth_failed',
]);

export function errorHints(error: AppError, argv: readonly string[]): string[] {
  const lines: string[] = [];
  if ((error.code === 'host_key_unknown' || error.code === 'host_key_changed') && error.fingerprint) {
    const next = withFlag(argv, acceptFlag(error, argv), error.fingerprint);
    lines.push(
      error.code === 'host_key_unknown'
        ? `accept it:   ${next}`
        : `only once you have compared it with the device itself: ${next}`,
    );
  }
  // The cause underneath (EAI_AGAIN, ECONNRESET…), one line, for whoever looks further.
  if (CONNECTION_CODES.has(error.code) && error.detail) lines.push(`detail: ${error.detail.split('\n')[0]}`);
  return lines;
}

/** Storage faults and unexpected failures as one sentence: the stack is in the log only. */
export function plainError(error: AppError, dataDir: string, logFile: string): AppError {
  if (error.code !== 'internal') return error;
  const fault = storageFaultOf(error.detail ?? '');
  // The stack's first line names what failed; the rest stays in the log.
  const detail = (error.detail ?? '').split('\n')[0] ?? '';
  if (fault) return storageError(fault, dataDir, detail);
  const where = `the log has the details: ${logFile}`;
  const message = /the log has the details\.$/.test(error.message)
    ? error.message.replace(/the log has the details\.$/, where)
    : `${error.message} (${where})`;
  return { ...error, message, detail };
}
