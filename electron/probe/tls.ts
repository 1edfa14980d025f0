/**
 * A TLS handshake to a SIP-over-TLS or WSS port, only to learn whether it gets
 * through and something answers with TLS. Nothing is sent after the
 * handshake (no SIP, no credentials) and the certificate is not trusted or
 * judged: PBXs often run FreeSWITCH's self-made one (sofia.c:6240-6250 makes
 * tls.pem / wss.pem when there is none). Its subject is reported for the log.
 */
import { connect, type TLSSocket } from 'node:tls';
import { causeWords } from '../../contract/net-errors';

export type TlsVerdict = 'handshake' | 'refused' | 'no-answer' | 'not-tls';

export interface TlsReport {
  protocol: 'tcp';
  port: number;
  what: string;
  verdict: TlsVerdict;
  /** In a technician's words. */
  detail: string;
  /** The negotiated protocol, e.g. TLSv1.3. */
  tlsVersion?: string;
  /** Subject CN of the certificate the server showed (not verified). */
  certificate?: string;
}

export interface TlsProbe {
  port: number;
  what: string;
}

function subjectOf(socket: TLSSocket): string | undefined {
  const cn = socket.getPeerCertificate()?.subject?.CN;
  const text = Array.isArray(cn) ? cn.join(', ') : cn;
  return text ? text.replace(/[^\x20-\x7e]/g, '?').slice(0, 80) : undefined;
}

/** One handshake, bounded by `timeoutMs`; never throws. */
export function tlsHandshake(target: string, probe: TlsProbe, timeoutMs: number): Promise<TlsReport> {
  return new Promise((resolve) => {
    const base = { protocol: 'tcp' as const, port: probe.port, what: probe.what };
    let settled = false;
    let connected = false;
    const socket = connect({
      host: target,
      port: probe.port,
      // Reachability only: no trust decision is made from this connection.
      rejectUnauthorized: false,
    });
    const done = (report: TlsReport, polite = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (polite) {
        // end(), not destroy(): our last handshake message (TLS 1.3 Finished) still has to go out,
        // then close_notify; the server closes its side and nothing is left open.
        socket.end();
        setTimeout(() => socket.destroy(), 2_000).unref();
      } else {
        socket.destroy();
      }
      resolve(report);
    };
    const timer = setTimeout(
      () =>
        done({
          ...base,
          verdict: 'no-answer',
          detail: connected
            ? 'The connection opened but no TLS answer came: something other than a TLS server took it.'
            : 'No answer: blocked, not forwarded, or nothing listens.',
        }),
      timeoutMs,
    );
    socket.once('connect', () => {
      connected = true;
    });
    socket.once('secureConnect', () => {
      const certificate = subjectOf(socket);
      const tlsVersion = socket.getProtocol() ?? undefined;
      done(
        {
          ...base,
          verdict: 'handshake',
          detail: `TLS handshake completed${tlsVersion ? ` (${tlsVersion})` : ''}${certificate ? `, certificate ${certificate}` : ''}.`,
          ...(tlsVersion ? { tlsVersion } : {}),
          ...(certificate ? { certificate } : {}),
        },
        true,
      );
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') {
        done({
          ...base,
          verdict: 'refused',
          detail: 'Refused: the port is closed there (nothing listens, or a firewall rejects it).',
        });
      } else if (connected) {
        done({
          ...base,
          verdict: 'not-tls',
          detail: `The connection opened but the TLS handshake failed (${causeWords(error)}).`,
        });
      } else {
        // Words, not errno codes: this line reaches the technician in verify (contract/net-errors.ts).
        done({ ...base, verdict: 'no-answer', detail: `Could not connect: ${causeWords(error)}.` });
      }
    });
    socket.once('close', () =>
      done({
        ...base,
        verdict: connected ? 'not-tls' : 'no-answer',
        detail: connected
          ? 'The connection was closed before a TLS answer.'
          : 'The connection closed before it opened.',
      }),
    );
  });
}

export function tlsHandshakes(target: string, probes: TlsProbe[], timeoutMs: number): Promise<TlsReport[]> {
  return Promise.all(probes.map((p) => tlsHandshake(target, p, timeoutMs)));
}
