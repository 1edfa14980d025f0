/** A login that failed, in the technician's words: refused credentials, an unreadable key, or the connection's cause. */
import { Failure } from '../../../contract/errors';
import { connectionError, pbxLoginRefused, pbxSshService } from '../../../contract/net-errors';
import type { PbxTarget } from '../../../contract/schemas';

export function loginError(target: PbxTarget, caught: Error & { code?: string; level?: string }): Failure {
  const detail = `${caught.code ?? caught.level ?? 'error'}: ${caught.message}`;
  if (caught.level === 'client-authentication') {
    return new Failure({
      code: 'auth_failed',
      // Root with a password meets Debian's PermitRootLogin prohibit-password: the sentence names it.
      message: pbxLoginRefused(target.username, target.auth.kind),
      detail,
    });
  }
  if (/encrypted private key|passphrase/i.test(caught.message)) {
    return new Failure({
      code: 'auth_failed',
      message: 'The private key needs its passphrase, or the passphrase is wrong.',
      detail,
    });
  }
  if (/Cannot parse privateKey|Unsupported key format/i.test(caught.message)) {
    return new Failure({
      code: 'invalid_input',
      message: 'That private key file cannot be read. Use an OpenSSH or PEM key.',
      detail,
    });
  }
  // DNS, no route, refused, reset after connect: one mapping for every connection (contract/net-errors.ts).
  return new Failure(connectionError(pbxSshService(target.host, target.port), caught));
}
