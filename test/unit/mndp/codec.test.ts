import { describe, expect, it } from 'vitest';
import { MAX_MNDP_PACKET, decodeMndp, isDiscoveryRequest } from '../../../electron/mndp/codec';
import type { MndpPacket } from '../../../electron/mndp/types';
import { encodeMndp } from './encode';

type MndpPacketFields = Omit<MndpPacket, 'unknownTypes' | 'badFields'>;

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

/** Datagrams built by the test's own encoder (./encode.ts), read by the product's decoder. */
describe('MNDP decode of what a router announces', () => {
  it('reads the mactelnetd fields again when they come in RouterOS order', () => {
    const decoded = decodeMndp(bytes(MACTELNETD_REPLY));
    if (!decoded.ok) throw new Error(decoded.detail);
    // mactelnetd puts board before uptime; compare by round trip rather than byte order.
    const again = decodeMndp(encodeMndp(decoded.packet));
    expect(again).toEqual(decoded);
  });

  it('reads every RouterOS field, IPv4 and a hostile identity byte for byte', () => {
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
});

/** A datagram from its header and TLVs given as [type, hex value]. */
function datagram(tlvs: [number, string][], head = '00000000'): Uint8Array {
  const body = tlvs.map(([type, hex]) => {
    const t = Buffer.alloc(4);
    t.writeUInt16BE(type, 0);
    t.writeUInt16BE(hex.length / 2, 2);
    return t.toString('hex') + hex;
  });
  return bytes(head + body.join(''));
}

describe('MNDP decode: fixed-length fields a hostile neighbour makes too long or too short', () => {
  const IDENTITY: [number, string] = [5, Buffer.from('r1').toString('hex')];
  const cases: [string, number, string, keyof MndpPacketFields][] = [
    ['a 7-byte MAC', 1, 'aabbccddeeff00', 'mac'],
    ['a 5-byte IPv4', 17, 'c0a8580100', 'ipv4'],
    ['a 3-byte IPv4', 17, 'c0a858', 'ipv4'],
    ['a 17-byte IPv6', 15, '20010db8000000000000000000000001ff', 'ipv6'],
    ['a 5-byte uptime', 10, '0100000000', 'uptimeSeconds'],
    ['a 2-byte unpack', 14, '0000', 'unpack'],
    ['an empty unpack', 14, '', 'unpack'],
  ];

  it.each(cases)('drops %s and keeps the fields around it', (_what, type, hex, field) => {
    const decoded = decodeMndp(datagram([IDENTITY, [type, hex], [8, Buffer.from('MikroTik').toString('hex')]]));
    if (!decoded.ok) throw new Error(decoded.detail);
    expect(decoded.packet[field]).toBeUndefined();
    expect(decoded.packet.badFields).toEqual([type]);
    expect(decoded.packet.identity).toBe('r1');
    expect(decoded.packet.platform).toBe('MikroTik');
    expect(decoded.packet.unknownTypes).toEqual([]);
  });

  it('reads each fixed-length field at its exact length', () => {
    const decoded = decodeMndp(
      datagram([
        [1, '488f5a010203'],
        [17, 'c0a85801'],
        [15, '20010db8000000000000000000000001'],
        [10, '80510100'],
        [14, '01'],
      ]),
    );
    expect(decoded).toEqual({
      ok: true,
      packet: {
        header: 0,
        sequence: 0,
        mac: '48:8f:5a:01:02:03',
        ipv4: '192.168.88.1',
        ipv6: '2001:db8::1',
        uptimeSeconds: 86_400,
        unpack: 1,
        unknownTypes: [],
      },
    });
  });

  it('keeps every bad field, in order, when several are wrong', () => {
    const decoded = decodeMndp(datagram([[1, 'aa'], [17, 'c0a858010203'], IDENTITY]));
    expect(decoded.ok && decoded.packet.badFields).toEqual([1, 17]);
  });
});

describe('MNDP decode: sizes at the limits', () => {
  it('takes a datagram of exactly MAX_MNDP_PACKET bytes and refuses one byte more, saying how long', () => {
    const filler = 'aa'.repeat(MAX_MNDP_PACKET - 4 - 4);
    const largest = datagram([[0x63, filler]]);
    expect(largest.length).toBe(MAX_MNDP_PACKET);
    expect(decodeMndp(largest)).toMatchObject({ ok: true, packet: { unknownTypes: [0x63] } });
    expect(decodeMndp(new Uint8Array(MAX_MNDP_PACKET + 1))).toEqual({
      ok: false,
      reason: 'too_long',
      detail: `${MAX_MNDP_PACKET + 1} bytes`,
    });
  });

  it('reads a bare 4-byte header as a packet with no fields; 3 bytes is too short', () => {
    expect(decodeMndp(bytes('0001002a'))).toEqual({ ok: true, packet: { header: 1, sequence: 42, unknownTypes: [] } });
    expect(decodeMndp(bytes('000100'))).toEqual({ ok: false, reason: 'too_short', detail: '3 bytes' });
  });

  it('says where a TLV is cut short: a header with 1–3 bytes left, a value longer than the rest', () => {
    for (const rest of ['00', '0005', '000500']) {
      expect(decodeMndp(bytes('00000000' + rest))).toEqual({
        ok: false,
        reason: 'truncated_tlv',
        detail: 'TLV header at 4 cut short',
      });
    }
    expect(decodeMndp(bytes('00000000' + '00050003' + '6869'))).toEqual({
      ok: false,
      reason: 'truncated_tlv',
      detail: 'TLV type 5 wants 3 bytes at 8',
    });
    // An empty field whose header ends the datagram is whole (an identity may be empty).
    expect(decodeMndp(bytes('00000000' + '00050000'))).toEqual({
      ok: true,
      packet: { header: 0, sequence: 0, identity: '', unknownTypes: [] },
    });
    // A value that ends exactly at the end of the datagram is whole.
    expect(decodeMndp(bytes('00000000' + '00050002' + '6869'))).toMatchObject({ ok: true, packet: { identity: 'hi' } });
  });

  it('decodes a datagram that is a view into a larger buffer (as a socket hands it over)', () => {
    const inner = datagram([
      [1, '488f5a010203'],
      [10, '3c000000'],
    ]);
    const outer = new Uint8Array(inner.length + 10);
    outer.set(inner, 6);
    const decoded = decodeMndp(outer.subarray(6, 6 + inner.length));
    expect(decoded).toMatchObject({ ok: true, packet: { mac: '48:8f:5a:01:02:03', uptimeSeconds: 60 } });
  });
});

describe('MNDP decode: text and addresses', () => {
  it('reads every text field as UTF-8, with a replacement character for bytes that are not', () => {
    const text = (s: string) => Buffer.from(s).toString('hex');
    const decoded = decodeMndp(
      datagram([
        [5, text('Büro')],
        [7, text('7.19.4 (stable)')],
        [8, text('MikroTik')],
        [11, text('ABCD-1234')],
        [12, text('RB5009UG+S+')],
        [16, 'ff' + text('ether1')],
      ]),
    );
    expect(decoded).toMatchObject({
      ok: true,
      packet: {
        identity: 'Büro',
        version: '7.19.4 (stable)',
        platform: 'MikroTik',
        softwareId: 'ABCD-1234',
        board: 'RB5009UG+S+',
        interfaceName: '\ufffdether1',
      },
    });
  });

  it('writes IPv6 addresses as RFC 5952 does: the longest zero run compressed (the first of two equal ones), a single zero group not', () => {
    const ipv6 = (hex: string) => {
      const decoded = decodeMndp(datagram([[15, hex]]));
      return decoded.ok ? decoded.packet.ipv6 : decoded.detail;
    };
    expect(ipv6('fe80000000000000488f5afffe010203')).toBe('fe80::488f:5aff:fe01:203');
    expect(ipv6('00000000000000000000000000000001')).toBe('::1');
    expect(ipv6('00000000000000000000000000000000')).toBe('::');
    expect(ipv6('20010db8000000010000000000000001')).toBe('2001:db8:0:1::1');
    expect(ipv6('20010db8000000000001000000000000')).toBe('2001:db8:0:0:1::');
    // Two runs of equal length: the first is compressed (RFC 5952 4.2.3).
    expect(ipv6('20010000000000010000000000010001')).toBe('2001::1:0:0:1:1');
    expect(ipv6('20010db8000100000001000100010001')).toBe('2001:db8:1:0:1:1:1:1');
    expect(ipv6('20010db8aaaabbbbccccddddeeeeffff')).toBe('2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff');
    expect(ipv6('20010000000000010000000000000000')).toBe('2001:0:0:1::');
  });

  it('reads the uptime little-endian, as RouterOS sends it', () => {
    const decoded = decodeMndp(datagram([[10, '01020304']]));
    expect(decoded.ok && decoded.packet.uptimeSeconds).toBe(0x04030201);
  });
});
