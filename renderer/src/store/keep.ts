/**
 * Whether keeping an open run's changes needs a second word: the checks failed, could not run, or
 * have not answered yet. Pure; the Verify step, the bar above every screen and History's Confirm
 * all ask with this sentence.
 */
import type { VerifyResult } from '../../../contract/types';
import type { Load } from './load';

/** Where the question was asked: it is shown there, and only there. */
export type KeepAskedAt = 'bar' | 'verify';

const UNDO_OFF = 'The automatic undo is then switched off.';

/** Why keeping the changes now needs a second word, or undefined when every check passed. */
export function keepDoubt(verification: Load<VerifyResult>): string | undefined {
  switch (verification.status) {
    case 'idle':
      return `No check has run yet: nothing shows that calls work. Keep the changes without checking? ${UNDO_OFF}`;
    case 'loading':
      return `The checks have not answered yet. Keep the changes without waiting for them? ${UNDO_OFF}`;
    case 'error':
      return `The checks could not run: nothing shows that calls work. Keep the changes anyway? ${UNDO_OFF}`;
    case 'done': {
      const failed = verification.value.checks.filter((c) => c.status === 'fail').length;
      if (failed === 0) return undefined;
      return `${failed} ${failed === 1 ? 'check' : 'checks'} failed: calls may not work as planned. Keep the changes anyway? ${UNDO_OFF}`;
    }
  }
}
