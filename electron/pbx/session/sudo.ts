/**
 * Running as root or another user for a non-root login: the sudo prefix, whether the sudo
 * password is fed on stdin, and sudo's refusals in the technician's words.
 */
import { Failure } from '../../../contract/errors';
import type { RunOptions } from './types';

export type SudoMode = 'nopasswd' | 'password';

/**
 * The sudo prefix for a command, and whether the sudo password goes first on
 * stdin. With a password, -k makes sudo always read it, so the password line
 * can never fall through to the command's own stdin.
 */
export function privilege(
  username: string,
  mode: SudoMode,
  options: RunOptions,
): { prefix: string[]; feedPassword: boolean } {
  const asUser = options.asUser ?? (options.asRoot ? 'root' : undefined);
  if (asUser === undefined || (asUser === 'root' && username === 'root')) return { prefix: [], feedPassword: false };
  if (username === 'root' || mode === 'nopasswd')
    return { prefix: ['sudo', '-n', '-H', '-u', asUser, '--'], feedPassword: false };
  return { prefix: ['sudo', '-S', '-k', '-p', '', '-H', '-u', asUser, '--'], feedPassword: true };
}

/** Whether a command with these options goes through sudo at all. */
export function needsSudo(username: string, options: RunOptions): boolean {
  return username !== 'root' && (options.asRoot === true || options.asUser !== undefined);
}

const SUDO_REFUSALS: Array<[RegExp, string]> = [
  [/a password is required/, 'needs a sudo password: enter it with the SSH login'],
  [/incorrect password|Sorry, try again/, 'was given a wrong sudo password'],
  [
    /is not in the sudoers file|not allowed to execute|may not run sudo/,
    'has no sudo rights on the PBX: use root or a sudo user',
  ],
];

export function sudoRefusal(username: string, stderr: string): Failure | undefined {
  for (const [pattern, what] of SUDO_REFUSALS) {
    if (pattern.test(stderr)) {
      return new Failure({
        code: 'permission_denied',
        message: `User "${username}" ${what}.`,
        detail: stderr.trim().slice(0, 500),
      });
    }
  }
  return undefined;
}
