/**
 * The certificate plan both ways share (API and SSH): what to do with what the router holds under
 * the wizard's name, which /ip/service row is the service, which hash a printed fingerprint is.
 */
import { describe, expect, it } from 'vitest';
import {
  API_SSL_KEY_USAGE,
  SIGN_POLL,
  certificateStep,
  fingerprintHash,
  keyUsageOf,
  listsServiceConnections,
  missingKeyUsage,
  staticServiceRow,
} from '../../../electron/routeros/certificate-plan';

describe('the key usage', () => {
  it('the template asks for key-cert-sign (to sign itself) and digital-signature (ECDHE-RSA under BoringSSL)', () => {
    expect(keyUsageOf(API_SSL_KEY_USAGE)).toEqual(expect.arrayContaining(['key-cert-sign', 'digital-signature']));
    expect(missingKeyUsage(API_SSL_KEY_USAGE)).toEqual([]);
  });

  it('reads the API spelling and the scripting one', () => {
    expect(missingKeyUsage('tls-server')).toEqual(['key-cert-sign', 'digital-signature']);
    expect(missingKeyUsage('digital-signature;key-cert-sign')).toEqual([]);
    expect(missingKeyUsage('')).toEqual(['key-cert-sign', 'digital-signature']);
  });
});

describe('what to do with what is found', () => {
  it('nothing: add; a fit template: sign; fit and signed: use', () => {
    expect(certificateStep(undefined)).toBe('add');
    expect(certificateStep({ keyUsage: API_SSL_KEY_USAGE, signed: false })).toBe('sign');
    expect(certificateStep({ keyUsage: API_SSL_KEY_USAGE, signed: true })).toBe('use');
  });

  it('a leftover without a required usage is replaced, signed or not', () => {
    expect(certificateStep({ keyUsage: 'tls-server', signed: false })).toBe('replace');
    expect(certificateStep({ keyUsage: 'key-cert-sign,tls-server', signed: true })).toBe('replace');
  });

  it('the wait for the key is bounded at about two minutes', () => {
    const ms = (SIGN_POLL.tries - 1) * SIGN_POLL.everyMs;
    expect(ms).toBeGreaterThanOrEqual(110_000);
    expect(ms).toBeLessThanOrEqual(130_000);
  });
});

describe('the api-ssl row', () => {
  const own = { '.id': '*8', name: 'api-ssl', dynamic: 'false', certificate: 'none' };
  const session = { '.id': '*1F', name: 'api-ssl', dynamic: 'true', connection: 'true', remote: '192.0.2.9:50123' };

  it('is the one that is not dynamic, wherever the router lists its live connections', () => {
    expect(staticServiceRow([session, own], 'api-ssl')).toBe(own);
    expect(staticServiceRow([own, session], 'api-ssl')).toBe(own);
    // 6.x and 7.x before 7.19 print no dynamic property at all.
    expect(staticServiceRow([{ '.id': '*8', name: 'api-ssl' }], 'api-ssl')).toEqual({ '.id': '*8', name: 'api-ssl' });
  });

  it('none or two are refused rather than guessed', () => {
    expect(staticServiceRow([session], 'api-ssl')).toBeUndefined();
    expect(staticServiceRow([own, { ...own, '.id': '*9' }], 'api-ssl')).toBeUndefined();
  });

  it('7.19 and later list connections; 6.49 and 7.18 do not', () => {
    expect(listsServiceConnections('7.19 (stable)')).toBe(true);
    expect(listsServiceConnections('7.20.1 (stable)')).toBe(true);
    expect(listsServiceConnections('8.0')).toBe(true);
    expect(listsServiceConnections('7.18.2 (stable)')).toBe(false);
    expect(listsServiceConnections('6.49.17 (long-term)')).toBe(false);
  });
});

describe('a printed fingerprint', () => {
  it('64 hex is SHA-256 (RouterOS 7), 40 hex is SHA-1 (RouterOS 6), anything else neither', () => {
    expect(fingerprintHash('a'.repeat(64))).toBe('sha256');
    expect(fingerprintHash('a'.repeat(40))).toBe('sha1');
    expect(fingerprintHash('a'.repeat(32))).toBeUndefined();
    expect(fingerprintHash('A'.repeat(64))).toBeUndefined();
  });
});
