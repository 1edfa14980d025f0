/**
 * A trunk's or phone's address as typed (contract/peer-address.ts, schemas.ts `peer`): IPv4, a
 * range, or a DNS host name per RFC 1035/1123, and the one sentence the technician reads for
 * anything else. Names cover no part of the Internet in the "large part of the Internet" refusal.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { isPeerName, peerAddressProblem } from '../../../contract/peer-address';
import { peer, siteInputs } from '../../../contract/schemas';

function refusals(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message);
}

const label63 = 'a'.repeat(63);

describe('peer host names (RFC 1035 §2.3.1, RFC 1123 §2.1)', () => {
  it('takes names of letters, digits and hyphens, a label may start with a digit, in any case', () => {
    for (const name of [
      'sip.example.com',
      'SIP.Example.COM',
      '1und1.de',
      'edge-1.carrier.example',
      'a.b',
      `${label63}.example`,
    ])
      expect(isPeerName(name), name).toBe(true);
  });

  it('refuses single words, numeric top-level domains, empty labels, edge hyphens, underscores and other characters', () => {
    for (const name of [
      'carrier',
      'sip.example.123',
      'sip..example.com',
      '-sip.example.com',
      'sip-.example.com',
      '_sip._udp.example.com',
      'sip.exa mple.com',
      'sip.example.com.',
      'bücher.example',
      '',
    ])
      expect(isPeerName(name), name).toBe(false);
  });

  it('reads digits between dots as an address only when they are most of it', () => {
    for (const name of ['10.20.sip.example', 'a1.b2.example', '1a.2b.example', 'sip.example.1a', 'sip.example.a1'])
      expect(isPeerName(name), name).toBe(true);
    for (const text of ['198.51.x', '198.51.100.1o', '10.20.30']) expect(isPeerName(text), text).toBe(false);
  });

  it('holds the lengths: a label of 63 characters but not 64, a name of 253 characters but not 254', () => {
    expect(isPeerName(`${'a'.repeat(64)}.example`)).toBe(false);
    const name253 = `${[label63, label63, label63].join('.')}.${'b'.repeat(61)}`;
    expect(name253).toHaveLength(253);
    expect(isPeerName(name253)).toBe(true);
    expect(isPeerName(`${name253}b`)).toBe(false);
  });
});

describe('what the technician reads for a wrong address', () => {
  const cases: [string, string][] = [
    ['', 'Enter an address, a range or a host name.'],
    [
      'sip:carrier.example',
      'Give the host name alone, without "sip:", a port, a user or a path (such as sip.example.com).',
    ],
    [
      'carrier.example:5060',
      'Give the host name alone, without "sip:", a port, a user or a path (such as sip.example.com).',
    ],
    [
      'trunk@carrier.example',
      'Give the host name alone, without "sip:", a port, a user or a path (such as sip.example.com).',
    ],
    [
      'carrier.example/sip',
      'Give the host name alone, without "sip:", a port, a user or a path (such as sip.example.com).',
    ],
    ['sip.example.com.', 'Leave out the final dot: sip.example.com.'],
    [
      'sip_1.example.com',
      '"_" cannot be part of a host name: use letters, digits, hyphens and dots (such as sip.example.com).',
    ],
    ['sip..example.com', 'The name has an empty part between two dots.'],
    [`${'x'.repeat(64)}.example`, 'Each part between dots is at most 63 characters; "xxxxxxxxxxxx…" has 64.'],
    ['-sip.example.com', 'A part of a name cannot begin or end with a hyphen ("-sip").'],
    ['carrier', 'Give the full name, such as carrier.example.com: a single word is not a name the router can look up.'],
  ];

  it('says what to fix, in one sentence per mistake', () => {
    for (const [text, sentence] of cases) expect(peerAddressProblem(text), text).toBe(sentence);
  });

  it('reads text of numbers and dots as a mistyped address, not a name', () => {
    expect(peerAddressProblem('198.51.100.300')).toBe(
      'Use an IPv4 address such as 198.51.100.10, or a range such as 198.51.100.0/24.',
    );
    expect(peerAddressProblem('198.51.100.0/33')).toBe('A range ends in /0 to /32.');
    expect(peerAddressProblem('198.51.100.1o')).toBe(
      'Use an IPv4 address such as 198.51.100.10, or a range such as 198.51.100.0/24.',
    );
    expect(isPeerName('198.51.100.1o')).toBe(false);
    expect(peerAddressProblem('sip.example.123')).toBe(
      'Use an IPv4 address such as 198.51.100.10, or a range such as 198.51.100.0/24.',
    );
  });

  it('never shows a control character back, and names an invisible one by its code', () => {
    expect(peerAddressProblem('\u001b[31m.example.')).toBe(
      'U+001B cannot be part of a host name: use letters, digits, hyphens and dots (such as sip.example.com).',
    );
    expect(peerAddressProblem('sip\u200b.example.com')).toBe(
      'U+200B cannot be part of a host name: use letters, digits, hyphens and dots (such as sip.example.com).',
    );
    expect(peerAddressProblem('bücher.example')).toBe(
      '"ü" cannot be part of a host name: use letters, digits, hyphens and dots (such as sip.example.com).',
    );
  });

  it('names the first thing wrong: a character before the length of a part, a part before a hyphen', () => {
    const name253 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}_`;
    expect(name253).toHaveLength(253);
    expect(peerAddressProblem(name253)).toBe(
      '"_" cannot be part of a host name: use letters, digits, hyphens and dots (such as sip.example.com).',
    );
    expect(peerAddressProblem(`${'a'.repeat(63)}.-b.example`)).toBe(
      'A part of a name cannot begin or end with a hyphen ("-b").',
    );
    expect(peerAddressProblem('sip-.example.com')).toBe('A part of a name cannot begin or end with a hyphen ("sip-").');
    expect(peerAddressProblem('198.')).toBe(
      'Use an IPv4 address such as 198.51.100.10, or a range such as 198.51.100.0/24.',
    );
  });

  it('says how long a name may be', () => {
    const long = `${[label63, label63, label63, label63].join('.')}`;
    expect(peerAddressProblem(long)).toBe(`A host name is at most 253 characters; this one has ${long.length}.`);
  });

  it('finds nothing wrong with an address, a range or a name', () => {
    for (const text of ['198.51.100.10', ' 198.51.100.0/24 ', 'sip.example.com'])
      expect(peerAddressProblem(text)).toBe('');
  });
});

describe('the peer schema', () => {
  it('takes a name, trimmed and in lower case (DNS compares names so, RFC 4343)', () => {
    expect(peer.parse({ name: 'Carrier', address: ' SIP.Carrier.Example ' })).toEqual({
      name: 'Carrier',
      address: 'sip.carrier.example',
    });
  });

  it("refuses a wrong name with the technician's sentence", () => {
    expect(refusals(peer, { name: 'Carrier', address: 'sip:carrier.example' })).toEqual([
      'Give the host name alone, without "sip:", a port, a user or a path (such as sip.example.com).',
    ]);
  });

  const base = {
    router: { host: '192.168.88.1', username: 'admin', password: '' },
    pbx: { host: '192.168.88.10', username: 'root', auth: { kind: 'agent' } },
    phones: [],
    options: {},
  };

  it('counts no name toward "a large part of the Internet", and still refuses a range that is', () => {
    const named = siteInputs.safeParse({ ...base, trunks: [{ name: 'Carrier', address: 'sip.carrier.example' }] });
    expect(named.success).toBe(true);
    const open = siteInputs.safeParse({
      ...base,
      trunks: [
        { name: 'Carrier', address: 'sip.carrier.example' },
        { name: 'Everyone', address: '0.0.0.0/0' },
      ],
    });
    expect(open.error?.issues.map((i) => i.path)).toEqual([['trunks', 1, 'address']]);
  });
});
