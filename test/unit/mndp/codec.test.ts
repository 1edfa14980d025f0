import { describe, expect, it } from 'vitest';
import { MAX_MNDP_PACKET, decodeMndp, encodeMndp, isDiscoveryRequest } from '../../../electron/mndp/codec';

/** A reply captured from mactelnetd (docs/reference/routeros.md), as tshark decodes it. */
const MACTELNETD_REPLY =
  '0001f8460001000646adc07dd14600050002766d0007000f362e31382e34342d66632d76373832000800054c696e7578000c00067838365f3634000a00044d0d0000000b000a4d41432d54656c6e6574001000057665746832';

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

describe('MNDP decode', () => {
  it('decodes the mactelnetd vector field by field', () => {
    const r = decodeMndp(bytes(MACTELNETD_REPLY));
    expect(r).toEqual({
      ok: true,
      packet: {
        header: 0x0001,
        sequence: 0xf846,
        mac: '46:ad:c0:7d:d1:46',
        identity: 'vm',
        version: '6.18.44-fc-v782',
        platform: 'Linux',
        board: 'x86_64',
        uptimeSeconds: 3405,
        softwareId: 'MAC-Telnet',
        interfaceName: 'veth2',
        unknownTypes: [],
      },
    });
  });

  it('skips unknown TLV types and keeps decoding', () => {
    const unknown = '0063' + '0003' + 'aabbcc';
    const r = decodeMndp(bytes('00000001' + unknown + '00050002' + '6869'));
    expect(r.ok && r.packet.identity).toBe('hi');
    expect(r.ok && r.packet.unknownTypes).toEqual([0x63]);
  });

  it('rejects without throwing: short, truncated, oversized', () => {
    expect(decodeMndp(bytes('0000'))).toMatchObject({ ok: false, reason: 'too_short' });
    expect(decodeMndp(bytes('00000000' + '0005'))).toMatchObject({ ok: false, reason: 'truncated_tlv' });
    expect(decodeMndp(bytes('00000000' + '00050009' + '6869'))).toMatchObject({ ok: false, reason: 'truncated_tlv' });
    expect(decodeMndp(new Uint8Array(MAX_MNDP_PACKET + 1))).toMatchObject({ ok: false, reason: 'too_long' });
  });

  it('drops a field of the wrong length and keeps the rest of the packet', () => {
    const decoded = decodeMndp(bytes('00000000' + '00010002' + 'aabb' + '00050002' + '6869'));
    expect(decoded).toMatchObject({ ok: true, packet: { identity: 'hi', badFields: [1] } });
    expect(decoded.ok && decoded.packet.mac).toBeUndefined();
  });

  it('never throws on random input', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) & 0xff;
    for (let i = 0; i < 2000; i++) {
      const b = Uint8Array.from({ length: rnd() % 64 }, rnd);
      expect(() => decodeMndp(b)).not.toThrow();
    }
  });

  it('recognises the zero discovery request, bare (4 bytes) or padded to 8', () => {
    expect(isDiscoveryRequest(new Uint8Array(4))).toBe(true);
    expect(isDiscoveryRequest(new Uint8Array(8))).toBe(true);
    expect(isDiscoveryRequest(Uint8Array.of(0, 0, 0, 1))).toBe(false);
    expect(isDiscoveryRequest(new Uint8Array(5))).toBe(false);
  });
});

describe('MNDP encode', () => {
  it('round-trips the mactelnetd vector through encode and decode', () => {
    const decoded = decodeMndp(bytes(MACTELNETD_REPLY));
    if (!decoded.ok) throw new Error(decoded.detail);
    // mactelnetd puts board before uptime; compare by round trip rather than byte order.
    const again = decodeMndp(encodeMndp(decoded.packet));
    expect(again).toEqual(decoded);
  });

  it('round-trips RouterOS fields including IPv4 and hostile identities', () => {
    const identity = 'Büro "1"; $(reboot) <script>\u0000\u202e';
    const packet = encodeMndp({
      sequence: 7,
      mac: '48:8F:5A:01:02:03',
      identity,
      version: '7.19.4 (stable)',
      platform: 'MikroTik',
      uptimeSeconds: 86_400,
      softwareId: 'ABCD-1234',
      board: 'RB5009UG+S+',
      unpack: 0,
      interfaceName: 'bridge',
      ipv4: '192.168.88.1',
    });
    const r = decodeMndp(packet);
    expect(r).toMatchObject({
      ok: true,
      packet: {
        sequence: 7,
        mac: '48:8f:5a:01:02:03',
        identity,
        ipv4: '192.168.88.1',
        uptimeSeconds: 86_400,
        unpack: 0,
      },
    });
  });

  it('refuses to build malformed fields', () => {
    expect(() => encodeMndp({ mac: '48:8f:5a' })).toThrow(RangeError);
    expect(() => encodeMndp({ ipv4: '300.1.1.1' })).toThrow(RangeError);
    expect(() => encodeMndp({ identity: 'x'.repeat(MAX_MNDP_PACKET) })).toThrow(RangeError);
  });
});
