/**
 * The RouterOS API connection as the engines use it: API-SSL with a pinned
 * certificate first, plain API only when asked (and flagged), a timeout on
 * connect and on every command, and every failure an AppError value.
 * Commands issued together travel tagged on one connection (api.md "Tags");
 * nothing here assumes in which order the router runs them.
 */
import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { Failure, type AppError } from '../../contract/errors';
import { connectionError, routerApiService } from '../../contract/net-errors';
import type { RouterTarget } from '../../contract/schemas';
import { ApiClient, LinkLost, Trap } from './api/client';
import { assignApiSslCertificate, makeApiSslCertificate } from './certificate';
import { fingerprintHash } from './certificate-plan';
import { UnsendableWord } from './api/wire';
import { bootstrapApiSslCertificate, type Bootstrapped } from './ssh-bootstrap/bootstrap';
import { detectTlsCapability, type TlsCapability } from './tls-capability';

export type Row = Record<string, string>;

export interface RouterConnection {
  /** Lower-case hex SHA-256 of the API-SSL certificate (undefined on plain API). */
  fingerprint?: string;
  /** True when the password crossed the LAN in clear (plain API on 8728). */
  insecure: boolean;
  /** API-SSL without a certificate, accepted by the technician: encrypted, the router's identity not verifiable. */
  unverified?: boolean;
  /** api-ssl was given its certificate over SSH on this connect: what to pin (SSH host key, certificate). */
  bootstrapped?: Bootstrapped;
  /** How long connect and /login took: the router's (and the link's) pace, which command limits follow. */
  loginMs: number;
  /** Runs one API command: path plus `=name=value` / `?query` / `.proplist` words. */
  command(path: string, words?: readonly string[], timeoutMs?: number): Promise<Row[]>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  connectTimeoutMs?: number;
  /** A fixed limit per command; by default it follows the login's pace (commandTimeoutFor). */
  commandTimeoutMs?: number;
  /** What this runtime's TLS can do; detected by default, injected by tests (BORINGSSL_LIKE). */
  tls?: TlsCapability;
  /** Waits between read-backs of a certificate being signed (over SSH or the API); injected by tests. */
  pause?: (ms: number) => Promise<void>;
}

const SSH_PORT = 22;

/** The ways on from a stock api-ssl that this runtime can take, in the technician's words (ends a sentence). */
export function otherWaysFrom(tls: TlsCapability): string {
  return tls.anonymousDh
    ? 'connect without verifying, let the wizard make the certificate over that connection, or use the plain API (the password crosses the LAN in clear).'
    : 'use the plain API (the password crosses the LAN in clear).';
}

/** Limits for one API command: never under 15 s, more for a router that was slow to log in to, at most 2 min. */
export const COMMAND_TIMEOUT = { minMs: 15_000, perLoginMs: 40, maxMs: 120_000 } as const;

/**
 * Connect and /login are two or three round trips plus TLS's work on both ends: a router or
 * link slow at that is slow at every print, so its commands wait proportionally longer before
 * we call them lost. A slow router is then a slow run, not a timeout.
 */
export function commandTimeoutFor(loginMs: number): number {
  return Math.min(
    COMMAND_TIMEOUT.maxMs,
    Math.max(COMMAND_TIMEOUT.minMs, Math.round(loginMs * COMMAND_TIMEOUT.perLoginMs)),
  );
}

const API_PORT = 8728;
const API_SSL_PORT = 8729;

/** The port a router target is reached on: the one given, else RouterOS's default for API-SSL or the plain API. */
export function routerApiPort(target: Pick<RouterTarget, 'port' | 'tls'>): number {
  return target.port ?? (target.tls ? API_SSL_PORT : API_PORT);
}

/** The router's SSH port, for a certificate given over SSH: the one given, else 22. */
export function routerSshPort(target: Pick<RouterTarget, 'sshPort'>): number {
  return target.sshPort ?? SSH_PORT;
}

/** Accepts the two spellings a technician may paste: `AB:CD:…` or plain hex. */
export function normaliseFingerprint(value: string): string {
  return value.replace(/[:\s]/g, '').toLowerCase();
}

function failure(error: AppError): Failure {
  return new Failure(error);
}

/** The certificate did not match the pin (or there is none yet): nothing was sent. */
class PinMismatch extends Error {
  constructor(readonly seen: string | undefined) {
    super('certificate pin mismatch');
  }
}

/**
 * What a technician's consent to an unverified API-SSL allows: the usual suites (a router with a
 * certificate still gets pinned) plus anonymous DH, which a stock router (certificate=none) offers
 * alone (api.md "API over TLS"). OpenSSL 3 refuses aNULL suites above security level 0
 * (community.routeros plugins/module_utils/api.py:71-73 uses "ADH:@SECLEVEL=0" for the same reason).
 */
const WITH_ANONYMOUS_DH = 'HIGH:ADH:!eNULL:!MD5:!RC4:@SECLEVEL=0';

/** OpenSSL's words for "we share no cipher suite": what a stock api-ssl answers a default client. */
const NO_SHARED_SUITE = /HANDSHAKE_FAILURE|NO_SHARED_CIPHER|NO_CIPHERS|alert handshake failure/i;

/** SHA-256 (or, to compare with a RouterOS 6 pin, SHA-1) over the certificate's DER bytes, lower-case hex. */
export function certificateFingerprint(socket: TLSSocket, hash: 'sha256' | 'sha1' = 'sha256'): string | undefined {
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.raw) return undefined;
  return createHash(hash).update(cert.raw).digest('hex');
}

/**
 * Whether the certificate shown is the pinned one. A pin is SHA-256; only a fingerprint a RouterOS 6
 * router printed itself may be SHA-1 (40 hex), and is then compared with the certificate's SHA-1.
 */
function matchesPin(socket: TLSSocket, expected: string | undefined): boolean {
  if (expected === undefined) return false;
  const hash = fingerprintHash(expected);
  return hash !== undefined && certificateFingerprint(socket, hash) === expected;
}

function connectFailure(
  target: RouterTarget,
  port: number,
  caught: unknown,
  seen: string | undefined,
  tls: TlsCapability,
): Failure {
  if (caught instanceof Failure) return caught;
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
  const error = caught as Partial<NodeJS.ErrnoException>;
  const code = error instanceof Trap ? 'trap' : (error.code ?? '');
  const detail = `${code || 'error'}: ${error.message ?? String(caught)}`;
  if (caught instanceof Trap && /invalid user name or password|cannot log in/i.test(caught.message)) {
    return failure({
      code: 'auth_failed',
      // RouterOS answers a missing "api" policy exactly as a wrong password (aluisiora/routeros-client
      // issue #2; tomaae/homeassistant-mikrotik_router #281: "login failure ... via api").
      message: `The router refused user "${target.username}": either the password is wrong, or the user's group lacks the "api" policy (WinBox › System › Users › Groups). RouterOS gives the same answer for both.`,
      detail,
    });
  }
  if (
    target.tls &&
    target.noCertificate === undefined &&
    (NO_SHARED_SUITE.test(code) || NO_SHARED_SUITE.test(error.message ?? ''))
  ) {
    return failure({
      code: 'no_certificate',
      message: tls.anonymousDh
        ? "The router's API-SSL has no certificate, so it offers only anonymous encryption. Choose one: let the wizard " +
          "give api-ssl a certificate over the router's SSH and pin it (recommended), connect anyway (encrypted, but the " +
          "router's identity cannot be verified), let the wizard give api-ssl a certificate over that connection and " +
          'pin it, or use the plain API (the password crosses the LAN in clear). No password was sent.'
        : "The router's API-SSL has no certificate, so it offers only anonymous encryption, which this app's TLS does " +
          "not have. Choose one: let the wizard give api-ssl a certificate over the router's SSH and pin it " +
          '(recommended), or use the plain API (the password crosses the LAN in clear). No password was sent.',
      detail,
    });
  }
  // DNS, no route, refused, reset after connect, TLS: one mapping for every connection (contract/net-errors.ts).
  return failure(connectionError(routerApiService(target.host, port, target.tls), { code, message: error.message }));
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
function trapFailure(path: string, trap: Trap): Failure {
  const message = trap.message || 'the router refused the command';
  if (/not enough permissions/i.test(message)) {
    return failure({
      code: 'permission_denied',
      message:
        'This router account may not do this: its group needs the "read" and "write" policies (System › Users › Groups). Log in with a full-rights user.',
      detail: `${path}: ${message}`,
    });
  }
  return failure({
    code: 'io_failed',
    message: `The router refused ${path}: ${message}`,
    detail: `${path}: ${message}`,
  });
}

function lostFailure(lost: LinkLost): Failure {
  return failure({ code: 'transport_closed', message: 'The connection to the router was lost.', detail: lost.message });
}

function unsendable(path: string): Failure {
  return failure({
    code: 'invalid_input',
    message: `A value for ${path} holds characters the router cannot store as given; use plain letters.`,
    detail: path,
  });
}

export async function connectRouter(target: RouterTarget, options: ConnectOptions = {}): Promise<RouterConnection> {
  const tls = options.tls ?? detectTlsCapability();
  if (target.tls && target.noCertificate === 'ssh-certificate') {
    const { noCertificate: _asked, ...pinnedTarget } = target;
    // A certificate pinned on an earlier visit is used as it is: no SSH needed. Only a router that has
    // lost it (reset: anonymous-only again) is given one again, and its SSH host key then changed too.
    if (target.fingerprint !== undefined) {
      try {
        return await openRouter(pinnedTarget, options, tls);
      } catch (caught) {
        if (!(caught instanceof Failure && caught.error.code === 'no_certificate')) throw caught;
      }
    }
    return connectOverSshCertificate(target, options, tls);
  }
  if (target.tls && target.noCertificate !== undefined && !tls.anonymousDh) {
    // Refused before any packet: the ADH ways cannot work here, and must not fall back to anything weaker.
    throw failure({
      code: 'invalid_input',
      message:
        "This app's TLS (BoringSSL) has no anonymous encryption, so it cannot connect to a router's API-SSL that has " +
        "no certificate. Let the wizard give api-ssl a certificate over the router's SSH instead, or use the plain API.",
      field: 'noCertificate',
      detail: `noCertificate=${target.noCertificate}, TLS library ${tls.library}`,
    });
  }
  const conn = await openRouter(target, options, tls);
  if (target.noCertificate !== 'make-certificate' || !conn.unverified) return conn;
  return makeCertificateAndComeBack(target, options, tls, conn);
}

/**
 * Over the session the technician accepted as unverified: give api-ssl a certificate, then come
 * back through it with the fingerprint the router reported pinned; anything else is refused.
 * Changing api-ssl's certificate may drop that very session: the pinned connection then shows
 * whether the change landed (api-ssl presents the new certificate); if it did not (api-ssl still
 * anonymous), the unverified session is opened once more and the assignment made again.
 */
async function makeCertificateAndComeBack(
  target: RouterTarget,
  options: ConnectOptions,
  tls: TlsCapability,
  first: RouterConnection,
): Promise<RouterConnection> {
  let conn = first;
  for (let attempt = 1; ; attempt += 1) {
    let reported: string;
    let assignment: 'assigned' | 'dropped';
    try {
      reported = await makeApiSslCertificate(conn, target.host, options.pause);
      assignment = await assignApiSslCertificate(conn);
    } finally {
      await conn.close();
    }
    try {
      return await openRouter({ ...target, noCertificate: undefined, fingerprint: reported }, options, tls);
    } catch (caught) {
      const stillAnonymous = caught instanceof Failure && caught.error.code === 'no_certificate';
      if (assignment !== 'dropped' || !stillAnonymous || attempt >= 2) throw caught;
    }
    conn = await openRouter(target, options, tls);
    if (!conn.unverified) return conn;
  }
}

/**
 * A stock router without anonymous TLS: over its SSH, give api-ssl a certificate and read the
 * fingerprint the router reports; then API-SSL with ordinary suites, pinned to exactly that. The
 * password goes over SSH (after the host key check) and over the pinned TLS, never in clear.
 */
async function connectOverSshCertificate(
  target: RouterTarget,
  options: ConnectOptions,
  tls: TlsCapability,
): Promise<RouterConnection> {
  const bootstrapped = await bootstrapApiSslCertificate(
    {
      host: target.host,
      port: routerSshPort(target),
      username: target.username,
      password: target.password,
      ...(target.sshHostKey === undefined ? {} : { hostKey: target.sshHostKey }),
    },
    {
      otherWays: otherWaysFrom(tls),
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      ...(options.pause === undefined ? {} : { pause: options.pause }),
    },
  );
  const { noCertificate: _answered, ...pinnedTarget } = target;
  const conn = await openRouter({ ...pinnedTarget, fingerprint: bootstrapped.fingerprint }, options, tls);
  // A RouterOS 6 router may have reported SHA-1: what is pinned from now on is the SHA-256 of the same certificate.
  conn.bootstrapped = { ...bootstrapped, fingerprint: conn.fingerprint ?? bootstrapped.fingerprint };
  return conn;
}

async function openRouter(
  target: RouterTarget,
  options: ConnectOptions,
  tls: TlsCapability,
): Promise<RouterConnection> {
  const port = routerApiPort(target);
  let seen: string | undefined;
  const expected = target.fingerprint === undefined ? undefined : normaliseFingerprint(target.fingerprint);
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const loginStarted = Date.now();
  const opening = ApiClient.open({
    host: target.host,
    port,
    ...(target.tls
      ? {
          // Self-signed certificates are the norm on routers: trust comes from the pin, not a CA.
          tls: {
            rejectUnauthorized: false,
            ...(target.noCertificate === undefined
              ? tls.ciphers === undefined
                ? {}
                : { ciphers: tls.ciphers }
              : { ciphers: WITH_ANONYMOUS_DH }),
          },
          // Checked before /login is sent, so a password never reaches an impostor.
          checkPeer: (socket: TLSSocket) => {
            seen = certificateFingerprint(socket);
            // No certificate at all is acceptable only on the technician's word; one that is shown is pinned.
            if (seen === undefined && target.noCertificate !== undefined) return;
            if (seen === undefined || !matchesPin(socket, expected)) throw new PinMismatch(seen);
          },
        }
      : {}),
  });
  let client: ApiClient;
  try {
    client = await withTimeout(
      opening.then(async (c) => {
        try {
          await c.login(target.username, target.password);
          return c;
        } catch (caught) {
          await c.close();
          throw caught;
        }
      }),
      connectTimeoutMs,
      () => failure(connectionError(routerApiService(target.host, port, target.tls), { code: 'ETIMEDOUT' })),
    );
  } catch (caught) {
    // A connection that opens after the timeout is closed at once.
    opening.then((c) => c.close()).catch(() => undefined);
    if (caught instanceof UnsendableWord) throw unsendable('/login');
    throw connectFailure(target, port, caught, seen, tls);
  }

  const loginMs = Date.now() - loginStarted;
  const commandTimeoutMs = options.commandTimeoutMs ?? commandTimeoutFor(loginMs);
  const connection: RouterConnection = {
    insecure: !target.tls,
    ...(target.tls && seen === undefined ? { unverified: true } : {}),
    loginMs,
    async command(path, words = [], timeoutMs = commandTimeoutMs) {
      if (client.closed) throw lostFailure(client.closed);
      let sent: { tag: string; answer: Promise<Row[]> };
      try {
        sent = client.command(path, words);
        return await withTimeout(sent.answer, timeoutMs, () => {
          client.forget(sent.tag);
          return failure({
            code: 'timeout',
            message: `The router did not answer ${path} within ${Math.round(timeoutMs / 1000)} s.`,
          });
        });
      } catch (caught) {
        if (caught instanceof Failure) throw caught;
        if (caught instanceof Trap) throw trapFailure(path, caught);
        if (caught instanceof UnsendableWord) throw unsendable(path);
        if (caught instanceof LinkLost) throw lostFailure(caught);
        throw caught;
      }
    },
    close: () => client.close(),
  };
  if (seen !== undefined) connection.fingerprint = seen;
  return connection;
}
