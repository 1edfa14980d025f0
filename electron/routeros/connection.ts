/**
 * The RouterOS API connection as the engines use it: API-SSL with a pinned
 * certificate first, plain API only when asked (and flagged), a timeout on
 * connect and on every command, and every failure an AppError value.
 * Commands issued together are pipelined by node-routeros's tags.
 */
import type { TlsOptions } from 'node:tls';
import { getSystemErrorName } from 'node:util';
import { RouterOSAPI, type RosException } from 'node-routeros';
import { Failure, type AppError } from '../../contract/errors';
import type { RouterTarget } from '../../contract/schemas';
import { applyClientFixes, PIN_FIELD, PinMismatch, type PinCheck } from './client-fixes';

export type Row = Record<string, string>;

export interface RouterConnection {
  /** Lower-case hex SHA-256 of the API-SSL certificate (undefined on plain API). */
  fingerprint?: string;
  /** True when the password crossed the LAN in clear (plain API on 8728). */
  insecure: boolean;
  /** Runs one API command: path plus `=name=value` / `?query` / `.proplist` words. */
  command(path: string, words?: readonly string[], timeoutMs?: number): Promise<Row[]>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
}

export const API_PORT = 8728;
export const API_SSL_PORT = 8729;

/** Accepts the two spellings a technician may paste: `AB:CD:…` or plain hex. */
export function normaliseFingerprint(value: string): string {
  return value.replace(/[:\s]/g, '').toLowerCase();
}

function failure(error: AppError): Failure {
  return new Failure(error);
}

function connectFailure(target: RouterTarget, port: number, caught: unknown, seen: string | undefined): Failure {
  const where = `${target.host}:${port}`;
  if (caught instanceof PinMismatch) {
    return target.fingerprint === undefined
      ? failure({
          code: 'host_key_unknown',
          message: `First connection to the router's API-SSL: compare the certificate fingerprint with the router (System › Certificates) and accept it to continue. No password was sent.`,
          fingerprint: seen ?? '',
        })
      : failure({
          code: 'host_key_changed',
          message: `The router's API-SSL certificate has CHANGED since it was accepted. Someone may be intercepting the connection, or the certificate was replaced. No password was sent.`,
          detail: `accepted ${target.fingerprint}, offered ${seen ?? 'none'}`,
          fingerprint: seen ?? '',
        });
  }
  const ros = caught as Partial<RosException> & { errno?: string | number; message?: string };
  // node-routeros keeps only the system errno of socket errors (e.g. -111): name it again.
  const code = typeof ros.errno === 'number' ? systemErrorName(ros.errno) : String(ros.errno ?? '');
  const detail = `${code || 'error'}: ${ros.message ?? String(caught)}`;
  if (code === 'CANTLOGIN' || /invalid user name or password|cannot log in/i.test(ros.message ?? '')) {
    return failure({
      code: 'auth_failed',
      message: `The router refused user "${target.username}" with this password. Check them in WinBox (System › Users).`,
      detail,
    });
  }
  if (code === 'ECONNREFUSED') {
    return failure({
      code: 'host_unreachable',
      message: target.tls
        ? `Nothing answers API-SSL on ${where}. Enable it on the router (IP › Services › api-ssl) or choose the plain API.`
        : `Nothing answers the RouterOS API on ${where}. Enable it on the router (IP › Services › api).`,
      detail,
    });
  }
  if (code === 'SOCKTMOUT' || code === 'ETIMEDOUT' || code === 'TIMEOUT') {
    return failure({
      code: 'timeout',
      message: `${where} did not answer in time. Check the address and the cable.`,
      detail,
    });
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENOTFOUND') {
    return failure({ code: 'host_unreachable', message: `${where} cannot be reached from this laptop.`, detail });
  }
  if (code === 'ECONNRESET' && target.tls) {
    return failure({
      code: 'host_unreachable',
      message: `The router closed the API-SSL connection. If api-ssl has no certificate on the router, give it one (System › Certificates) or use the plain API.`,
      detail,
    });
  }
  return failure({ code: 'host_unreachable', message: `The connection to the router at ${where} failed.`, detail });
}

function systemErrorName(errno: number): string {
  try {
    return getSystemErrorName(errno);
  } catch {
    return String(errno);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Failure): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** A RouterOS !trap as a technician reads it: the router's own words, with the command in the detail. */
function trapFailure(path: string, caught: unknown): Failure {
  const message = (caught as Error)?.message || 'the router refused the command';
  if (/not enough permissions/i.test(message)) {
    return failure({
      code: 'permission_denied',
      message: 'This router account cannot write (its group has no "write" policy). Log in with a full-rights user.',
      detail: `${path}: ${message}`,
    });
  }
  return failure({
    code: 'io_failed',
    message: `The router refused ${path}: ${message}`,
    detail: `${path}: ${message}`,
  });
}

export async function connectRouter(target: RouterTarget, options: ConnectOptions = {}): Promise<RouterConnection> {
  applyClientFixes();
  const port = target.port ?? (target.tls ? API_SSL_PORT : API_PORT);
  let seen: string | undefined;
  const pin: PinCheck = {
    seen: (fingerprint) => {
      seen = fingerprint;
    },
  };
  if (target.fingerprint !== undefined) pin.expected = normaliseFingerprint(target.fingerprint);
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const api = new RouterOSAPI({
    host: target.host,
    port,
    user: target.username,
    password: target.password,
    // Socket idle timeout (seconds): a router that stops answering is noticed.
    timeout: Math.max(1, Math.ceil(connectTimeoutMs / 1000)),
    // Self-signed certificates are the norm on routers: trust comes from the pin, not a CA.
    tls: target.tls ? ({ rejectUnauthorized: false, [PIN_FIELD]: pin } as TlsOptions) : undefined,
    keepalive: false,
  });
  // Errors after login arrive as events: they become failures of the commands in flight.
  let lost: Failure | undefined;
  // node-routeros leaves commands in flight pending when the socket dies: they fail at once instead.
  const inFlight = new Set<(failure: Failure) => void>();
  const loseAll = (): void => {
    for (const reject of inFlight) reject(lost!);
    inFlight.clear();
  };
  api.on('error', (caught: unknown) => {
    lost = connectFailure(target, port, caught, seen);
    loseAll();
  });
  api.on('close', () => {
    lost ??= failure({ code: 'transport_closed', message: 'The router closed the API connection.' });
    loseAll();
  });

  try {
    await withTimeout(api.connect(), connectTimeoutMs, () =>
      failure({
        code: 'timeout',
        message: `${target.host}:${port} did not answer in time. Check the address and the cable.`,
      }),
    );
  } catch (caught) {
    api.close().catch(() => undefined);
    throw caught instanceof Failure ? caught : connectFailure(target, port, caught, seen);
  }

  const connection: RouterConnection = {
    insecure: !target.tls,
    async command(path, words = [], timeoutMs = options.commandTimeoutMs ?? 15_000) {
      if (lost) throw lost;
      let drop: (failure: Failure) => void = () => undefined;
      const dropped = new Promise<never>((_, reject) => {
        drop = reject;
      });
      inFlight.add(drop);
      try {
        const answer = Promise.race([api.write(path, [...words]) as Promise<Row[]>, dropped]);
        return (await withTimeout(answer, timeoutMs, () =>
          failure({
            code: 'timeout',
            message: `The router did not answer ${path} within ${Math.round(timeoutMs / 1000)} s.`,
          }),
        )) as Row[];
      } catch (caught) {
        if (caught instanceof Failure) throw caught;
        if (lost) throw lost;
        throw trapFailure(path, caught);
      } finally {
        inFlight.delete(drop);
      }
    },
    close: async () => {
      await api.close().catch(() => undefined);
    },
  };
  if (seen !== undefined) connection.fingerprint = seen;
  return connection;
}
