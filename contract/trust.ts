/**
 * What an imported run may be used for, in one sentence: the CLI's `history`
 * and `import`, the app's History and every refusal say the same. Pure.
 */
import type { ImportedFrom } from './types';

/** Whether a rollback may be planned from an imported run's snapshot. */
export const mayRollBackTo = (from: ImportedFrom): boolean => from.trusted === true;

/** The shell-safe `trust add` line for a signer (its public key is base64: nothing to quote but the name). */
export function trustCommand(from: ImportedFrom): string {
  return `fspbx-nat trust add ${from.publicKey ?? from.key ?? '<key>'} --name "<who they are>"`;
}

/** One sentence: who signed the bundle, and whether it can be rolled back to (and how to allow that). */
export function importTrustSentence(from: ImportedFrom): string {
  if (from.trusted) {
    const who =
      from.signature === 'this-installation'
        ? 'this installation'
        : `an installation you trust (${from.signerName ? `${from.signerName}, ` : ''}key ${from.key ?? 'not recorded'})`;
    return `This bundle was signed by ${who}: it can be read and its snapshot rolled back to, under the same checks as a snapshot taken here.`;
  }
  if (from.signature === 'unsigned' || !from.key) {
    return 'This bundle is unsigned, so nobody vouches for where it came from: it can be read, not rolled back to.';
  }
  return `This bundle was signed by an installation you have not trusted (key ${from.key}): it can be read, not rolled back to. To trust it: ${trustCommand(from)}, or Trust in History.`;
}
