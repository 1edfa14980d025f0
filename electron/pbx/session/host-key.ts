/**
 * The host key check, made before any credential is sent: an unknown key stops with its
 * fingerprint for the technician to accept, a changed key stops with a warning.
 */
import { createHash } from 'node:crypto';
import { Failure } from '../../../contract/errors';
import type { PbxTarget } from '../../../contract/schemas';

export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export interface HostKeyCheck {
  /** ssh2's hostVerifier: true only for the accepted key. */
  verify(key: Buffer): boolean;
  /** The fingerprint the server showed, once it has shown one. */
  seen(): string | undefined;
  /** Why the key was refused: what the connection's error is reported as. */
  refusal(): Failure | undefined;
}

export function hostKeyCheck(target: PbxTarget): HostKeyCheck {
  let seen: string | undefined;
  let refusal: Failure | undefined;
  return {
    verify(key) {
      seen = fingerprintOf(key);
      if (target.hostKey === undefined) {
        refusal = new Failure({
          code: 'host_key_unknown',
          message: `First connection to ${target.host}: compare the host key fingerprint with the PBX and accept it to continue. No password was sent.`,
          fingerprint: seen,
        });
        return false;
      }
      if (target.hostKey !== seen) {
        refusal = new Failure({
          code: 'host_key_changed',
          message: `The SSH host key of ${target.host} has CHANGED since it was accepted. The server may have been reinstalled, or someone may be intercepting the connection. Nothing was sent.`,
          detail: `accepted ${target.hostKey}, offered ${seen}`,
          fingerprint: seen,
        });
        return false;
      }
      return true;
    },
    seen: () => seen,
    refusal: () => refusal,
  };
}
