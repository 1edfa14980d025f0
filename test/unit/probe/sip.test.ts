import { describe, expect, it } from 'vitest';
import { sampleRtpPorts } from '../../../electron/probe/outside';
import { optionsRequest, parseResponse, rewrittenHeaders } from '../../../electron/probe/sip';

const request = optionsRequest('203.0.113.2', 5060, { address: '198.51.100.10', port: 40000 }, 'abc123');

function answer(via: string, extra: string[] = []): string {
  return [
    'SIP/2.0 200 OK',
    `Via: ${via}`,
    `From: ${request.echoed.from}`,
    'To: <sip:203.0.113.2:5060>;tag=x1',
    `Call-ID: ${request.echoed.callId}`,
    `CSeq: ${request.echoed.cseq}`,
    'Server: FreeSWITCH-mod_sofia/1.10.12',
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

describe('SIP OPTIONS probe', () => {
  it('writes a well-formed OPTIONS with the headers a server must echo', () => {
    expect(request.text.startsWith('OPTIONS sip:203.0.113.2:5060 SIP/2.0\r\n')).toBe(true);
    expect(request.text).toContain('Via: SIP/2.0/UDP 198.51.100.10:40000;branch=z9hG4bKabc123;rport\r\n');
    expect(request.text.endsWith('Content-Length: 0\r\n\r\n')).toBe(true);
  });

  it('accepts an answer whose Via only gained received and rport', () => {
    const via = `${request.echoed.via.replace(';rport', ';rport=40000')};received=198.51.100.10`;
    const response = parseResponse(answer(via))!;
    expect(response.status).toBe(200);
    expect(response.headers.server).toEqual(['FreeSWITCH-mod_sofia/1.10.12']);
    expect(rewrittenHeaders(request, response)).toEqual([]);
  });

  it('spots a SIP ALG that rewrote the Via address on the way', () => {
    const alg = request.echoed.via.replace('198.51.100.10:40000', '203.0.113.2:5060');
    expect(rewrittenHeaders(request, parseResponse(answer(alg))!)).toEqual(['Via']);
  });

  it('reads compact header names and refuses what is not a SIP response', () => {
    const compact = answer(request.echoed.via).replace('Via:', 'v:').replace('Call-ID:', 'i:');
    expect(rewrittenHeaders(request, parseResponse(compact)!)).toEqual([]);
    expect(parseResponse('HTTP/1.1 200 OK\r\n\r\n')).toBeUndefined();
    expect(parseResponse('')).toBeUndefined();
  });

  it('samples both ends of the RTP range and a few ports between', () => {
    const ports = sampleRtpPorts(16384, 32768);
    expect(ports[0]).toBe(16384);
    expect(ports.at(-1)).toBe(32768);
    expect(ports.length).toBe(4);
    expect(new Set(ports).size).toBe(ports.length);
    expect(sampleRtpPorts(10000, 10000)).toEqual([10000]);
    expect(sampleRtpPorts(5, 1)).toEqual([]);
  });
});
