/** The verdict of a whole verify: the worst of its checks. */
import type { CheckStatus, VerifyCheck } from '../../../contract/types';

export function overall(checks: VerifyCheck[]): CheckStatus {
  return checks.some((c) => c.status === 'fail') ? 'fail' : checks.some((c) => c.status === 'warn') ? 'warn' : 'pass';
}
