/**
 * A stock router's first contact without anonymous TLS: over the router's SSH (on by default, its
 * host key accepted by the technician), give api-ssl a self-signed certificate of the wizard's
 * and read its SHA-256 fingerprint as the router reports it; the caller then opens API-SSL with
 * ordinary suites and pins exactly that. Every step reads back what it did, so a run cut short
 * (a dropped link, a timeout) is simply run again: the certificate is found, signed or not, and
 * the steps still missing are done. Nothing is pinned until API-SSL answered with the fingerprint.
 */
import { Failure, type AppError } from '../../../contract/errors';
import { API_SSL_CERTIFICATE, SIGN_POLL, SIGN_TIMEOUT_MS, certificateStep } from '../certificate-plan';
import {
  LINES,
  type Read,
  framed,
  isPermissionRefusal,
  quiet,
  readCount,
  readFingerprint,
  readKeyUsage,
  readOne,
  said,
  unframe,
} from './cli';
import { lostFailure, openRouterSsh, type RouterSshSession, type RouterSshTarget } from './session';

export interface BootstrapOptions {
  connectTimeoutMs?: number;
  /** The sentence's end when SSH is off: the other ways this runtime offers. */
  otherWays: string;
  /** Waits between read-backs while the router makes the key; injected by tests. */
  pause?: (ms: number) => Promise<void>;
  /** An opened session, for tests of the steps alone. */
  open?: (target: RouterSshTarget) => Promise<RouterSshSession>;
}

export interface Bootstrapped {
  /** Lower-case hex SHA-256 of the certificate now on api-ssl, as the router reported it. */
  fingerprint: string;
  /** The SSH host key the session was checked against. */
  sshHostKey: string;
  /** The certificate's name on the router. */
  certificate: string;
  /** False when an earlier run (or a technician) had already made it. */
  made: boolean;
}

/** One quick command line; signing, which makes an RSA key, has SIGN_TIMEOUT_MS (certificate-plan.ts). */
const LINE_TIMEOUT_MS = 30_000;
export { SIGN_POLL } from '../certificate-plan';

function refused(step: string, said: string): Failure {
  const error: AppError = isPermissionRefusal(said)
    ? {
        code: 'permission_denied',
        message:
          'This router account may not make certificates: its group needs the "ssh", "read", "write" and "sensitive" policies (System › Users › Groups). Nothing was pinned.',
        detail: `${step}: ${said}`,
      }
    : {
        code: 'io_failed',
        message: `The router refused to ${step} over SSH: ${said}. Nothing was pinned.`,
        detail: `${step}: ${said}`,
      };
  return new Failure(error);
}

function must<T>(read: Read<T>, step: string): T {
  if (!read.ok) throw refused(step, read.said);
  return read.value;
}

export async function bootstrapApiSslCertificate(
  target: RouterSshTarget,
  options: BootstrapOptions,
): Promise<Bootstrapped> {
  const pause = options.pause ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const ssh = await (options.open ?? ((t) => openRouterSsh(t, options)))(target);
  try {
    /** One line, framed: what it printed when it ran to its end; a refusal or a lost link otherwise. */
    const run = async (line: string, step: string, timeoutMs = LINE_TIMEOUT_MS): Promise<string> => {
      const printed = unframe(await ssh.run(framed(line), timeoutMs));
      if (printed.complete) return printed.output;
      if (said(printed.output) === '(nothing)') throw lostFailure(`${step}: the line ended without output`);
      throw refused(step, said(printed.output));
    };
    const look = 'look for its certificate';
    const signedNow = async () => must(readCount(await run(LINES.signed, look)), look) > 0;

    const version = must(readOne(await run(LINES.version, look), /^\d+\.\d+\S*(\s.*)?$/), look);
    // What is there decides the step (certificate-plan.ts): a leftover without key-cert-sign or
    // digital-signature is replaced, never signed again the same broken way.
    const exists = must(readCount(await run(LINES.count, look)), look) > 0;
    const step = certificateStep(
      exists
        ? { keyUsage: must(readKeyUsage(await run(LINES.keyUsage, look)), look), signed: await signedNow() }
        : undefined,
    );
    const made = step === 'add' || step === 'replace';
    const replace = `replace the certificate "${API_SSL_CERTIFICATE}" left by an earlier attempt`;
    if (step === 'replace') must(quiet(await run(LINES.remove, replace)), replace);
    const add = `add the certificate "${API_SSL_CERTIFICATE}"`;
    if (made) must(quiet(await run(LINES.add(target.host), add)), add);

    const sign = `sign the certificate "${API_SSL_CERTIFICATE}"`;
    if (step !== 'use') must(quiet(await run(LINES.sign, sign, SIGN_TIMEOUT_MS)), sign);
    // `sign` may answer before the key exists: read back until the router shows key and fingerprint.
    const read = "read the certificate's fingerprint";
    let fingerprint: string | undefined;
    for (let i = 0; i < SIGN_POLL.tries && fingerprint === undefined; i += 1) {
      if (i > 0) await pause(SIGN_POLL.everyMs);
      if (!(await signedNow())) continue;
      fingerprint = must(readFingerprint(await run(LINES.fingerprint, read)), read);
    }
    if (fingerprint === undefined) {
      throw new Failure({
        code: 'timeout',
        message: `The router did not finish signing the certificate "${API_SSL_CERTIFICATE}" in time; nothing was pinned. Connect again in a minute: the wizard carries on from there.`,
      });
    }

    const assign = 'give api-ssl the certificate';
    must(quiet(await run(LINES.assign(version), assign)), assign);
    const check = "read api-ssl's certificate";
    const assigned = must(readOne(await run(LINES.assigned(version), check), /^\S+$/), check);
    if (assigned !== API_SSL_CERTIFICATE)
      throw refused('give api-ssl the certificate', `api-ssl still has ${assigned}`);
    return { fingerprint, sshHostKey: ssh.hostKey, certificate: API_SSL_CERTIFICATE, made };
  } finally {
    ssh.close();
  }
}
