/**
 * One SSH login to the router, for the certificate bootstrap only: the host key is checked before
 * the password is sent (unknown: stop with its fingerprint for the technician; changed: refuse),
 * then each CLI line is one `exec` whose printed text is returned. Every failure is an AppError.
 */
import { createHash } from 'node:crypto';
import { Client } from 'ssh2';
import { Failure, type AppError } from '../../../contract/errors';
import { connectionError, routerSshService } from '../../../contract/net-errors';

export interface RouterSshTarget {
  host: string;
  port: number;
  username: string;
  password: string;
  /** The host key (SHA256:…) the technician accepted, if any. */
  hostKey?: string;
}

export interface RouterSshSession {
  /** OpenSSH-style `SHA256:…` of the router's host key, as accepted. */
  hostKey: string;
  /** Runs one CLI line; resolves with what it printed (stdout and stderr together). */
  run(line: string, timeoutMs: number): Promise<string>;
  close(): void;
}

export interface SshOpenOptions {
  connectTimeoutMs?: number;
  /** The sentence's end when SSH is off: the other ways this runtime offers. */
  otherWays: string;
}

/** OpenSSH's form: base64 SHA-256 of the key blob without padding (ssh-keygen -l). */
export function sshFingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

const MAX_OUTPUT = 64 * 1024;

function failure(error: AppError): Failure {
  return new Failure(error);
}

export function lostFailure(detail: string): Failure {
  return failure({
    code: 'transport_closed',
    message:
      'The SSH connection to the router was lost while it was being given a certificate; nothing was pinned. Connect again: the wizard carries on from where it stopped.',
    detail,
  });
}

function connectError(target: RouterSshTarget, caught: Error & { code?: string; level?: string }, otherWays: string) {
  const where = `${target.host}:${target.port}`;
  const detail = `${caught.code ?? caught.level ?? 'error'}: ${caught.message}`;
  if (caught.level === 'client-authentication') {
    return failure({
      code: 'auth_failed',
      message: `The router refused user "${target.username}" over SSH: either the password is wrong, or the user's group lacks the "ssh" policy (System › Users › Groups). Nothing was changed.`,
      detail,
    });
  }
  if (caught.code === 'ECONNREFUSED') {
    return failure({
      code: 'host_unreachable',
      message: `Nothing answers SSH on ${where}: turn on the router's ssh service (WinBox › IP › Services › ssh, or /ip service enable ssh) and try again, or ${otherWays}`,
      detail,
    });
  }
  if (/Timed out while waiting for handshake/.test(caught.message) || caught.code === 'ETIMEDOUT') {
    return failure({
      code: 'timeout',
      message: `${where} did not answer SSH in time. Check the address, and that the router's ssh service is on.`,
      detail,
    });
  }
  if (caught.code === 'ECONNRESET') return lostFailure(detail);
  // DNS, no route and the rest: the one mapping every connection uses (contract/net-errors.ts).
  return failure(connectionError(routerSshService(target.host, target.port), caught));
}

export function openRouterSsh(target: RouterSshTarget, options: SshOpenOptions): Promise<RouterSshSession> {
  const client = new Client();
  let seen: string | undefined;
  let refused: Failure | undefined;
  let closed = false;
  client.on('close', () => {
    closed = true;
  });
  return new Promise<RouterSshSession>((resolve, reject) => {
    let settled = false;
    const settle = (error?: Failure) => {
      if (settled) return;
      settled = true;
      if (error) {
        client.end();
        reject(error);
        return;
      }
      // Errors after the login (a dropped link) end the session; a command in flight fails on its own.
      client.on('error', () => client.end());
      resolve(session(client, seen!, () => closed));
    };
    client.once('ready', () => settle());
    client.on('error', (caught: Error & { code?: string; level?: string }) =>
      settle(refused ?? connectError(target, caught, options.otherWays)),
    );
    client.on('close', () => settle(refused ?? lostFailure('closed before the login finished')));
    client.connect({
      host: target.host,
      port: target.port,
      username: target.username,
      password: target.password,
      tryKeyboard: false,
      readyTimeout: options.connectTimeoutMs ?? 10_000,
      keepaliveInterval: 5_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        seen = sshFingerprintOf(key);
        if (target.hostKey === undefined) {
          refused = failure({
            code: 'host_key_unknown',
            message: `First SSH connection to the router at ${target.host}: compare its SSH host key fingerprint and accept it; the wizard then gives api-ssl a certificate over SSH. No password was sent.`,
            fingerprint: seen,
          });
          return false;
        }
        if (target.hostKey !== seen) {
          refused = failure({
            code: 'host_key_changed',
            message: `The router's SSH host key has CHANGED since it was accepted: it may have been reset or replaced, or someone may be intercepting the connection. Compare the fingerprint with the router before accepting it. No password was sent.`,
            detail: `accepted ${target.hostKey}, offered ${seen}`,
            fingerprint: seen,
          });
          return false;
        }
        return true;
      },
    });
  });
}

function session(client: Client, hostKey: string, isClosed: () => boolean): RouterSshSession {
  return {
    hostKey,
    close: () => client.end(),
    run: (line, timeoutMs) =>
      new Promise<string>((resolve, reject) => {
        if (isClosed()) {
          reject(lostFailure(`${line}: connection already closed`));
          return;
        }
        const onClose = () => reject(lostFailure(`${line}: connection closed`));
        client.once('close', onClose);
        client.exec(line, (error, stream) => {
          if (error) {
            client.off('close', onClose);
            reject(lostFailure(`${line}: ${error.message}`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          let done = false;
          const timer = setTimeout(() => {
            if (done) return;
            done = true;
            client.off('close', onClose);
            stream.close();
            reject(
              failure({
                code: 'timeout',
                message: `The router did not finish a command over SSH within ${Math.round(timeoutMs / 1000)} s; nothing was pinned. Connect again to carry on.`,
                detail: line,
              }),
            );
          }, timeoutMs);
          const take = (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_OUTPUT) chunks.push(chunk);
          };
          stream.on('data', take);
          stream.stderr.on('data', take);
          stream.on('close', () => {
            clearTimeout(timer);
            client.off('close', onClose);
            if (done) return;
            done = true;
            resolve(Buffer.concat(chunks).toString('utf8'));
          });
        });
      }),
  };
}
