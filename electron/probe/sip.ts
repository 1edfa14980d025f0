/**
 * SIP OPTIONS as the outside probe sends them, and the checks on the answer.
 * Pure: building a request and reading a response. A SIP ALG on the way
 * shows up as headers we sent coming back changed.
 */
export interface OptionsRequest {
  text: string;
  /** The headers the answer must echo unchanged (RFC 3261 §8.2.6.2), without Via parameters added on the way. */
  echoed: { via: string; from: string; callId: string; cseq: string };
}

export function optionsRequest(
  target: string,
  port: number,
  local: { address: string; port: number },
  id: string,
): OptionsRequest {
  const via = `SIP/2.0/UDP ${local.address}:${local.port};branch=z9hG4bK${id};rport`;
  const from = `<sip:probe@${local.address}>;tag=${id}`;
  const callId = `${id}@fspbx-nat-probe`;
  const cseq = '1 OPTIONS';
  const text = [
    `OPTIONS sip:${target}:${port} SIP/2.0`,
    `Via: ${via}`,
    'Max-Forwards: 70',
    `From: ${from}`,
    `To: <sip:${target}:${port}>`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq}`,
    `Contact: <sip:probe@${local.address}:${local.port}>`,
    'Accept: application/sdp',
    'User-Agent: fspbx-nat-probe',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return { text, echoed: { via, from, callId, cseq } };
}

export interface SipResponse {
  status: number;
  reason: string;
  headers: Record<string, string[]>;
}

const COMPACT: Record<string, string> = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
};

export function parseResponse(text: string): SipResponse | undefined {
  const [head] = text.split('\r\n\r\n');
  const lines = (head ?? '').split(/\r?\n/);
  const status = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(lines[0] ?? '');
  if (!status) return undefined;
  const headers: Record<string, string[]> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    (headers[name] ??= []).push(line.slice(colon + 1).trim());
  }
  return { status: Number(status[1]), reason: status[2] ?? '', headers };
}

/** Via parameters a proxy or the server may add legitimately. */
function bareVia(via: string): string {
  return via.replace(/;(received|rport)(=[^;]*)?/g, '');
}

/** What came back changed: a sign that something on the way rewrites SIP. */
export function rewrittenHeaders(request: OptionsRequest, response: SipResponse): string[] {
  const changed: string[] = [];
  const via = response.headers.via?.[0];
  if (via === undefined || bareVia(via) !== bareVia(request.echoed.via)) changed.push('Via');
  if (response.headers.from?.[0] !== request.echoed.from) changed.push('From');
  if (response.headers['call-id']?.[0] !== request.echoed.callId) changed.push('Call-ID');
  if (response.headers.cseq?.[0] !== request.echoed.cseq) changed.push('CSeq');
  return changed;
}
