import { describe, expect, it } from 'vitest';
import { isHostname, isIPv4, isIPv4Cidr, siteInputs } from '../../../contract/schemas';

describe('address checks', () => {
  it('accepts dotted quads and refuses everything near them', () => {
    for (const good of ['0.0.0.0', '192.168.88.1', '255.255.255.255', '203.0.113.2']) expect(isIPv4(good)).toBe(true);
    for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', ' 1.2.3.4', '1.2.3.4\n', 'a.b.c.d', '']) {
      expect(isIPv4(bad), bad).toBe(false);
    }
  });

  it('accepts CIDR ranges with prefixes 0 to 32 only', () => {
    expect(isIPv4Cidr('198.51.100.0/24')).toBe(true);
    expect(isIPv4Cidr('198.51.100.10')).toBe(true);
    expect(isIPv4Cidr('198.51.100.0/33')).toBe(false);
    expect(isIPv4Cidr('198.51.100.0/')).toBe(false);
    expect(isIPv4Cidr('198.51.100.0/24/1')).toBe(false);
  });

  it('does not take a mistyped address for a host name', () => {
    expect(isHostname('pbx.example.net')).toBe(true);
    expect(isHostname('1.2.3.999')).toBe(false);
    expect(isHostname('pbx;rm -rf /')).toBe(false);
    expect(isHostname('-pbx')).toBe(false);
  });
});

describe('site inputs', () => {
  const base = {
    router: { host: '192.168.88.1', username: 'admin', password: '' },
    pbx: { host: '192.168.88.10', username: 'root', auth: { kind: 'password', password: 'x' } },
    trunks: [{ name: 'Carrier A', address: '198.51.100.0/24' }],
    phones: [{ name: 'Home office', address: '192.0.2.20' }],
    options: {},
  };

  it('fills safe defaults: API-SSL, SSH port 22, Proxy Media, 5-minute revert, no open forwards', () => {
    const parsed = siteInputs.parse(base);
    expect(parsed.router.tls).toBe(true);
    expect(parsed.pbx.port).toBe(22);
    expect(parsed.options).toMatchObject({
      mediaMode: 'proxy',
      revertMinutes: 5,
      allowAnySource: false,
      hairpin: false,
    });
  });

  it('points at the wrong field of a trunk', () => {
    const result = siteInputs.safeParse({ ...base, trunks: [{ name: 'Carrier A', address: '198.51.100.0/40' }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['trunks', 0, 'address']);
  });

  it('refuses control characters in names that end up in logs and reports', () => {
    const result = siteInputs.safeParse({ ...base, phones: [{ name: 'a\u001b[2Jb', address: '192.0.2.20' }] });
    expect(result.success).toBe(false);
  });
});
