import { describe, expect, it } from 'vitest';
import { addressProblem, coveredAddresses, opensToAnyone, rangeOf } from '../../../contract/ipv4';

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
