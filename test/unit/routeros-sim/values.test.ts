import { describe, expect, it } from 'vitest';
import * as v from '../../lab/routeros/model/values';

const ctx: v.CheckContext = {
  interfaceNames: ['ether1', 'bridge'],
  interfaceListNames: ['WAN', 'LAN'],
  groupNames: ['full'],
  scriptNames: [],
};
const check = (c: v.Check, raw: string) => c(raw, 'f', ctx);

describe('value checks', () => {
  it('normalises booleans and refuses other words', () => {
    expect(check(v.bool, 'yes')).toEqual({ ok: true, value: 'true' });
    expect(check(v.bool, 'false')).toEqual({ ok: true, value: 'false' });
    expect(check(v.bool, 'maybe')).toEqual({ ok: false, message: 'invalid value for argument f' });
  });

  it('checks addresses, networks and ranges, with negation', () => {
    expect(check(v.addressMatch, '198.51.100.7').ok).toBe(true);
    expect(check(v.addressMatch, '10.1.2.3/8')).toEqual({ ok: true, value: '10.0.0.0/8' });
    expect(check(v.addressMatch, '!192.0.2.1-192.0.2.9').ok).toBe(true);
    for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4/33', '1.2.3.9-1.2.3.1', 'x']) {
      expect(check(v.addressMatch, bad).ok, bad).toBe(false);
    }
  });

  it('accepts DNS names in address lists but not broken dotted numbers', () => {
    expect(check(v.addressListEntry, 'sip.example.net').ok).toBe(true);
    expect(check(v.addressListEntry, '999.1.1.1')).toEqual({
      ok: false,
      message: 'failure: 999.1.1.1 is not a valid dns name',
    });
  });

  it('checks port lists and ranges', () => {
    expect(check(v.ports, '5060,5080,10000-20000').ok).toBe(true);
    expect(check(v.ports, '!22').ok).toBe(true);
    for (const bad of ['70000', '20-10', '5060,', 'sip']) expect(check(v.ports, bad).ok, bad).toBe(false);
    expect(check(v.portOrRange, '5060,5080').ok).toBe(false);
  });

  it('checks protocols by name or number', () => {
    expect(check(v.protocol, 'udp').ok).toBe(true);
    expect(check(v.protocol, '!17').ok).toBe(true);
    expect(check(v.protocol, 'udpp')).toEqual({ ok: false, message: 'input does not match any value of f' });
  });

  it('parses and prints durations the RouterOS way', () => {
    expect(v.parseDurationMs('1d2h3m4s')).toBe(((24 + 2) * 3600 + 3 * 60 + 4) * 1000);
    expect(v.parseDurationMs('00:05:00')).toBe(300_000);
    expect(v.parseDurationMs('500ms')).toBe(500);
    expect(v.parseDurationMs('5x')).toBeUndefined();
    expect(check(v.duration, '00:10:00')).toEqual({ ok: true, value: '10m' });
  });

  it('checks times of day and dates in both RouterOS formats', () => {
    expect(check(v.timeOfDay, '7:05')).toEqual({ ok: true, value: '07:05:00' });
    expect(check(v.timeOfDay, '24:00:00').ok).toBe(false);
    expect(check(v.date, 'nov/25/2026')).toEqual({ ok: true, value: '2026-11-25' });
    expect(check(v.date, '2026-02-30').ok).toBe(false);
  });

  it('checks interface and interface-list names against the configuration', () => {
    expect(check(v.interfaceName, 'ether1').ok).toBe(true);
    expect(check(v.interfaceName, 'ether9').ok).toBe(false);
    expect(check(v.interfaceListName, '!LAN').ok).toBe(true);
    expect(check(v.interfaceListName, 'all').ok).toBe(true);
    expect(check(v.interfaceListName, 'DMZ').ok).toBe(false);
  });
});
