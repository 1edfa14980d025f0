import { describe, expect, it } from 'vitest';
import {
  addressProblem,
  ANY_SOURCE_SHARE,
  coveredAddresses,
  isHostname,
  isIPv4,
  isIPv4Cidr,
  opensToAnyone,
  rangeOf,
} from '../../../contract/ipv4';

describe('address checks shared by the renderer and the main process', () => {
  it('explains what to fix, or says nothing when the text is fine', () => {
    expect(addressProblem('198.51.100.10')).toBe('');
    expect(addressProblem(' 198.51.100.0/24 ')).toBe('');
    expect(addressProblem('')).toBe('Enter an address.');
    expect(addressProblem('198.51.100.0/33')).toBe('A range ends in /0 to /32.');
    expect(addressProblem('198.51.100')).toMatch(/IPv4 address such as/);
    expect(addressProblem('1.2.3.4/24/8')).toMatch(/IPv4 address such as/);
  });

  it('reads a range to its first and last address, whatever host bits were typed', () => {
    expect(rangeOf('198.51.100.77/24')).toEqual([0xc6336400, 0xc63364ff]);
    expect(rangeOf('0.0.0.0/0')).toEqual([0, 2 ** 32 - 1]);
    expect(rangeOf('nonsense')).toBeUndefined();
  });

  it('judges "anyone" by coverage, not by a literal /0', () => {
    expect(opensToAnyone(['0.0.0.0/0'])).toBe(true);
    expect(opensToAnyone(['0.0.0.0/1', '128.0.0.0/1'])).toBe(true);
    expect(opensToAnyone(['10.0.0.0/8'])).toBe(true);
    expect(opensToAnyone(['198.51.100.0/24', '192.0.2.20'])).toBe(false);
    expect(opensToAnyone(['11.0.0.0/9'])).toBe(false);
  });

  it('counts overlapping ranges once', () => {
    expect(coveredAddresses(['198.51.100.0/24', '198.51.100.10', '198.51.100.128/25'])).toBe(256);
    expect(coveredAddresses(['0.0.0.0/1', '128.0.0.0/1', '0.0.0.0/0'])).toBe(2 ** 32);
  });
});

describe('IPv4 text, at the edges of what is allowed', () => {
  it('takes each octet from 0 to 255 written plainly, and nothing else', () => {
    for (const ok of ['0.0.0.0', '255.255.255.255', '249.250.199.200', '9.10.99.100', '1.2.3.4']) {
      expect(isIPv4(ok), ok).toBe(true);
    }
    for (const bad of [
      '256.1.1.1',
      '1.1.1.260',
      '1.300.1.1',
      '01.1.1.1',
      '1.1.1.00',
      '1.2.3',
      '1.2.3.4.5',
      ' 1.2.3.4',
      '1.2.3.4 ',
      '1.2.3.4x',
      'x1.2.3.4',
      '1..2.3',
      '1.2.3.-4',
      '１.2.3.4',
      '',
    ]) {
      expect(isIPv4(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('takes a prefix from /0 to /32 written plainly, and one slash at most', () => {
    for (const p of [0, 1, 8, 9, 10, 19, 20, 29, 30, 31, 32]) expect(isIPv4Cidr(`10.0.0.0/${p}`), `/${p}`).toBe(true);
    for (const p of ['33', '40', '01', '-1', '', ' 8', '8 ', '3.2', '100']) {
      expect(isIPv4Cidr(`10.0.0.0/${p}`), `/${p}`).toBe(false);
    }
    expect(isIPv4Cidr('10.0.0.1')).toBe(true);
    expect(isIPv4Cidr('10.0.0.0/8/8')).toBe(false);
    expect(isIPv4Cidr('300.0.0.0/8')).toBe(false);
    expect(isIPv4Cidr('/8')).toBe(false);
  });

  it('names what to fix: a range past /32, or anything else', () => {
    expect(addressProblem('   ')).toBe('Enter an address.');
    expect(addressProblem('10.0.0.0/40')).toBe('A range ends in /0 to /32.');
    expect(addressProblem('10.0.0.0/')).toBe('A range ends in /0 to /32.');
    expect(addressProblem('10.0.0.300/24')).toBe(
      'Use an IPv4 address such as 198.51.100.10, or a range such as 198.51.100.0/24.',
    );
    expect(addressProblem('10.0.0.0/8/')).toBe(
      'Use an IPv4 address such as 198.51.100.10, or a range such as 198.51.100.0/24.',
    );
  });
});

describe('host names as RFC 1123 allows them', () => {
  it('takes letters, digits and inner hyphens, labels up to 63 and names up to 253 characters', () => {
    for (const ok of ['pbx', 'pbx.example.com', 'a-b.example', 'x1', '1pbx.example', 'PBX.Example', 'a'.repeat(63)]) {
      expect(isHostname(ok), ok).toBe(true);
    }
    const longest = [...Array(3)].map(() => 'a'.repeat(63)).join('.') + '.' + 'b'.repeat(61);
    expect(longest).toHaveLength(253);
    expect(isHostname(longest)).toBe(true);
    expect(isHostname(`${longest}c`)).toBe(false);
  });

  it('refuses the empty name, long labels, edge hyphens, odd characters and a mistyped address', () => {
    for (const bad of [
      '',
      'a'.repeat(64),
      '-pbx',
      'pbx-',
      'pb_x',
      'pbx..example',
      '.pbx',
      'pbx.',
      'pbx example',
      'pbx;reboot',
      '192.168.88',
      'pbx.123',
      'büro',
    ]) {
      expect(isHostname(bad), JSON.stringify(bad)).toBe(false);
    }
    expect(isHostname('pbx.1a')).toBe(true);
    // One-character labels are names too.
    expect(isHostname('a.b.example')).toBe(true);
    expect(isHostname('a')).toBe(true);
  });
});

describe('ranges as numbers', () => {
  it('reads a bare address as its own /32, trimmed; a /31 as two addresses', () => {
    expect(rangeOf(' 198.51.100.7 ')).toEqual([0xc6336407, 0xc6336407]);
    expect(rangeOf('198.51.100.7/31')).toEqual([0xc6336406, 0xc6336407]);
    expect(rangeOf('255.255.255.255/1')).toEqual([2 ** 31, 2 ** 32 - 1]);
    expect(rangeOf('198.51.100.0/33')).toBeUndefined();
  });

  it('counts ranges in any order, adjacent ones in full, contained ones once, and ignores text that is not a range', () => {
    expect(coveredAddresses(['198.51.100.128/25', '198.51.100.0/25'])).toBe(256);
    expect(coveredAddresses(['198.51.100.0/24', '198.51.100.64/26'])).toBe(256);
    expect(coveredAddresses(['198.51.100.64/26', '198.51.100.0/24'])).toBe(256);
    expect(coveredAddresses(['198.51.100.0/25', '198.51.100.64/26'])).toBe(128);
    expect(coveredAddresses(['198.51.100.0/24', 'nonsense', '203.0.113.9'])).toBe(257);
    expect(coveredAddresses([])).toBe(0);
    expect(coveredAddresses(['0.0.0.0/32'])).toBe(1);
  });

  it('calls exactly a /8 of coverage "anyone", one address less not', () => {
    expect(ANY_SOURCE_SHARE).toBe(1 / 256);
    expect(opensToAnyone(['11.0.0.0/9', '11.128.0.0/9'])).toBe(true);
    // 11.0.0.0/9, 11.128.0.0/10, … 11.255.255.254/32: every address of 11.0.0.0/8 but its last.
    const allButOne = [...Array(24)].map((_, i) => {
      const offset = 2 ** 24 - 2 ** (24 - i);
      return `11.${offset >>> 16}.${(offset >>> 8) & 0xff}.${offset & 0xff}/${9 + i}`;
    });
    expect(coveredAddresses(allButOne)).toBe(2 ** 24 - 1);
    expect(opensToAnyone(allButOne)).toBe(false);
    expect(opensToAnyone([...allButOne, '11.255.255.255'])).toBe(true);
    expect(opensToAnyone([])).toBe(false);
  });
});
