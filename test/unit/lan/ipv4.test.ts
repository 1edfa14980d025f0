import { describe, expect, it } from 'vitest';
import {
  broadcastOf,
  contains,
  isCgnat,
  isPrivate,
  networkOf,
  prefixOf,
  toInt,
  fromInt,
} from '../../../electron/lan/ipv4';

describe('IPv4 arithmetic', () => {
  it('round-trips addresses through integers, including the top bit', () => {
    for (const a of ['0.0.0.0', '192.168.88.1', '255.255.255.255', '203.0.113.2']) {
      expect(fromInt(toInt(a))).toBe(a);
    }
    expect(toInt('255.255.255.255')).toBe(0xffffffff);
  });

  it('refuses what is not an address', () => {
    expect(() => toInt('192.168.88')).toThrow(RangeError);
    expect(() => toInt('1.2.3.256')).toThrow(RangeError);
  });

  it('turns netmasks into prefixes and rejects non-contiguous masks', () => {
    expect(prefixOf('255.255.255.0')).toBe(24);
    expect(prefixOf('255.255.252.0')).toBe(22);
    expect(prefixOf('0.0.0.0')).toBe(0);
    expect(prefixOf('255.255.255.255')).toBe(32);
    expect(prefixOf('255.0.255.0')).toBeUndefined();
  });

  it('computes network and broadcast of a subnet', () => {
    expect(networkOf('192.168.88.50', 24)).toBe('192.168.88.0');
    expect(broadcastOf('192.168.88.50', 24)).toBe('192.168.88.255');
    expect(networkOf('10.1.2.3', 8)).toBe('10.0.0.0');
    expect(broadcastOf('172.16.5.4', 12)).toBe('172.31.255.255');
  });

  it('tells private, CGNAT and public WAN addresses apart', () => {
    expect(isPrivate('192.168.1.1')).toBe(true);
    expect(isPrivate('172.31.0.1')).toBe(true);
    expect(isPrivate('172.32.0.1')).toBe(false);
    expect(isCgnat('100.64.0.1')).toBe(true);
    expect(isCgnat('100.128.0.1')).toBe(false);
    expect(isPrivate('203.0.113.2')).toBe(false);
    expect(contains('198.51.100.0/24', '198.51.100.10')).toBe(true);
    expect(contains('198.51.100.0/24', '198.51.101.10')).toBe(false);
  });
});
