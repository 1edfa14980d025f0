/**
 * `fspbx-nat probe --from-outside <public IP>`: run on any machine outside the
 * site. Sends SIP OPTIONS to the SIP ports, UDP to sampled RTP ports and a
 * TLS handshake to the TLS/WSS ports asked for, and says per port what happened. RTP gets no answer by design: the wizard,
 * inside, watches the router's counters for those.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { causeWords } from '../../contract/net-errors';
import { optionsRequest, parseResponse, rewrittenHeaders } from './sip';
import { tlsHandshakes, type TlsVerdict } from './tls';

export type PortVerdict = 'answered' | 'no-answer' | 'rewritten' | 'sent' | TlsVerdict;

/** What got through: an answer, a TLS handshake, or (RTP) sent for the router's counters. */
export const GOT_THROUGH: readonly PortVerdict[] = ['answered', 'sent', 'handshake'];

export interface PortReport {
  protocol: 'udp' | 'tcp';
  port: number;
  what: string;
  verdict: PortVerdict;
  /** In a technician's words. */
  detail: string;
  server?: string;
}

export interface ProbeOptions {
  sipPorts: number[];
  rtpPorts: number[];
  /** SIP over TLS and WSS ports: a TLS handshake each, nothing sent after it. */
  tlsPorts?: number[];
  timeoutMs: number;
}

/** What a TLS port is on a stock FS PBX (internal.xml.noload, external.xml.noload). */
export function tlsPortWhat(port: number): string {
  if (port === 5061) return 'SIP over TLS (internal profile: phones)';
  if (port === 5081) return 'SIP over TLS (external profile: trunks)';
  if (port === 7443) return 'WebRTC WSS (internal profile: phones)';
  return 'TLS';
}

/** A handful of RTP ports across the range: both ends and a few in between. */
export function sampleRtpPorts(start: number, end: number, count = 4): number[] {
  if (end < start) return [];
  const picks = new Set<number>([start, end]);
  for (let i = 1; picks.size < count && i < count; i += 1) {
    picks.add(start + Math.round(((end - start) * i) / count) + ((start + i) % 2 === 0 ? 0 : 1));
  }
  return [...picks].filter((p) => p >= start && p <= end).sort((a, b) => a - b);
}

function probeSip(target: string, port: number, timeoutMs: number): Promise<PortReport> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const what =
      port === 5080 ? 'SIP (external profile: trunks)' : port === 5060 ? 'SIP (internal profile: phones)' : 'SIP';
    let request: ReturnType<typeof optionsRequest> | undefined;
    const done = (report: PortReport) => {
      clearTimeout(timer);
      socket.close();
      resolve(report);
    };
    const timer = setTimeout(
      () =>
        done({
          protocol: 'udp',
          port,
          what,
          verdict: 'no-answer',
          detail: 'No answer: blocked, not forwarded, or nothing listens.',
        }),
      timeoutMs,
    );
    socket.on('error', (error) =>
      done({ protocol: 'udp', port, what, verdict: 'no-answer', detail: `Could not send: ${causeWords(error)}.` }),
    );
    socket.on('message', (message) => {
      const response = parseResponse(message.toString('utf8'));
      if (!response || !request) return;
      const server = (response.headers.server?.[0] ?? response.headers['user-agent']?.[0] ?? '').slice(0, 80);
      const changed = rewrittenHeaders(request, response);
      done(
        changed.length > 0
          ? {
              protocol: 'udp',
              port,
              what,
              verdict: 'rewritten',
              detail: `Answered ${response.status}, but ${changed.join(', ')} came back changed: a SIP ALG (SIP helper) is rewriting SIP on the way.`,
              server,
            }
          : {
              protocol: 'udp',
              port,
              what,
              verdict: 'answered',
              detail: `Answered ${response.status} ${response.reason}: forwarded to a SIP server.`,
              server,
            },
      );
    });
    // A connected socket knows the local address the route uses: that is what goes in Via and Contact.
    socket.connect(port, target, () => {
      const local = socket.address();
      request = optionsRequest(
        target,
        port,
        { address: local.address, port: local.port },
        randomBytes(6).toString('hex'),
      );
      socket.send(request.text);
    });
  });
}

function sendRtp(target: string, port: number): Promise<PortReport> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    // An RTP version-2 header with no payload: harmless to FreeSWITCH, counted by the router.
    const packet = Buffer.from([0x80, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0x66, 0x73, 0x70, 0x62]);
    socket.send(packet, port, target, (error) => {
      socket.close();
      resolve({
        protocol: 'udp',
        port,
        what: 'RTP',
        verdict: 'sent',
        detail: error
          ? `Could not send: ${causeWords(error)}.`
          : 'Sent; RTP never answers: the wizard checks the router counters.',
      });
    });
  });
}

export async function probeFromOutside(target: string, options: ProbeOptions): Promise<PortReport[]> {
  const sip = await Promise.all(options.sipPorts.map((p) => probeSip(target, p, options.timeoutMs)));
  const rtp = await Promise.all(options.rtpPorts.map((p) => sendRtp(target, p)));
  const tls = await tlsHandshakes(
    target,
    (options.tlsPorts ?? []).map((port) => ({ port, what: tlsPortWhat(port) })),
    options.timeoutMs,
  );
  return [...sip, ...rtp, ...tls];
}
