/**
 * The certificate bootstrap over SSH, without a router: the CLI lines are the wizard's own words
 * (hostile text never reaches one), what the router prints is read strictly, and the steps run
 * against a scripted session: a template is signed, a run cut short carries on, a refusal is named.
 */
import { describe, expect, it } from 'vitest';
import { Failure } from '../../../contract/errors';
import { API_SSL_CERTIFICATE } from '../../../electron/routeros/certificate';
import {
  DONE_MARK,
  LINES,
  commonNameFor,
  framed,
  quiet,
  quoted,
  readCount,
  readFingerprint,
  unframe,
} from '../../../electron/routeros/ssh-bootstrap/cli';
import { bootstrapApiSslCertificate } from '../../../electron/routeros/ssh-bootstrap/bootstrap';
import type { RouterSshSession } from '../../../electron/routeros/ssh-bootstrap/session';
import { detectTlsCapability } from '../../../electron/routeros/tls-capability';

const FP = 'c0ffee'.padEnd(64, '0');
const V = '7.20.1 (stable)';

describe('the CLI lines', () => {
  it('quote what they carry, and a typed address that is not plainly one becomes the fixed name', () => {
    expect(quoted('a"b\\c$d')).toBe('"a\\"b\\\\c\\$d"');
    expect(commonNameFor('192.168.88.1')).toBe('192.168.88.1');
    expect(commonNameFor('router.lan')).toBe('router.lan');
    for (const hostile of ['x"; /system reset-configuration', 'a b', '$(x)', '-dash', '']) {
      expect(commonNameFor(hostile)).toBe(API_SSL_CERTIFICATE);
    }
    expect(LINES.add('x"; /system reset-configuration')).not.toContain('reset');
  });

  it('every line is made of fixed words and the certificate name', () => {
    for (const line of [
      LINES.version,
      LINES.count,
      LINES.keyUsage,
      LINES.remove,
      LINES.signed,
      LINES.sign,
      LINES.fingerprint,
      LINES.assign(V),
      LINES.assigned(V),
      LINES.assign('6.49.17'),
    ]) {
      expect(line).toMatch(/^[:/][\w :/[\]="-.]+$/);
    }
    expect(framed(LINES.count)).toBe(`${LINES.count}; :put "${DONE_MARK}"`);
  });
});

describe('reading what the router printed', () => {
  it('a line that ran to its end carries the mark; a refused one carries the router words; a cut one nothing', () => {
    expect(unframe(`1\r\n${DONE_MARK}\r\n`)).toEqual({ complete: true, output: '1' });
    expect(unframe('no such item\r\n')).toEqual({ complete: false, output: 'no such item\r\n' });
    expect(unframe('')).toEqual({ complete: false, output: '' });
  });

  it('reads counts, fingerprints and quiet commands strictly', () => {
    expect(readCount('0')).toEqual({ ok: true, value: 0 });
    expect(readCount('0\n1').ok).toBe(false);
    expect(readCount('bad command name x').ok).toBe(false);
    expect(readFingerprint(FP.toUpperCase())).toEqual({ ok: true, value: FP });
    // RouterOS 6 may print a SHA-1: read as it is, then compared with the SHA-1 of what API-SSL shows.
    expect(readFingerprint('AB:'.repeat(19) + 'AB')).toEqual({ ok: true, value: 'ab'.repeat(20) });
    expect(readFingerprint('ab'.repeat(16))).toEqual({ ok: false, said: 'a 128-bit fingerprint' });
    expect(quiet('  progress: done\r\n')).toEqual({ ok: true, value: undefined });
    expect(quiet('failure: certificate with the same name already exists').ok).toBe(false);
  });
});

/** A router as a script of answers: each framed line is matched to its unframed words. */
function scripted(answers: (line: string) => string | 'drop'): { session: RouterSshSession; sent: string[] } {
  const sent: string[] = [];
  let dropped = false;
  return {
    sent,
    session: {
      hostKey: 'SHA256:test',
      close: () => undefined,
      run: async (line) => {
        if (dropped) throw new Failure({ code: 'transport_closed', message: 'lost' });
        const bare = line.replace(`; :put "${DONE_MARK}"`, '');
        sent.push(bare);
        const answer = answers(bare);
        if (answer === 'drop') {
          dropped = true;
          return '';
        }
        return answer;
      },
    },
  };
}

const done = (text = '') => `${text}${text ? '\r\n' : ''}${DONE_MARK}\r\n`;
/** What every scripted router answers to the version and key-usage reads. */
const basics = (line: string, usage = 'digital-signature;key-encipherment;key-cert-sign;tls-server') =>
  line === LINES.version ? done(V) : line === LINES.keyUsage ? done(usage) : undefined;
const target = { host: '192.168.88.1', port: 22, username: 'admin', password: 'pw', hostKey: 'SHA256:test' };

describe('the steps', () => {
  it('a stock router: add, sign, wait for the key, assign, read back', async () => {
    let signedAfter = 2;
    const { session, sent } = scripted((line) => {
      if (basics(line)) return basics(line)!;
      if (line === LINES.count) return done('0');
      if (line === LINES.signed) return done(signedAfter-- > 0 ? '0' : '1');
      if (line === LINES.fingerprint) return done(FP);
      if (line === LINES.assigned(V)) return done(API_SSL_CERTIFICATE);
      return done();
    });
    const pauses: number[] = [];
    const result = await bootstrapApiSslCertificate(target, {
      otherWays: '',
      open: async () => session,
      pause: async (ms) => {
        pauses.push(ms);
      },
    });
    expect(result).toEqual({
      fingerprint: FP,
      sshHostKey: 'SHA256:test',
      certificate: API_SSL_CERTIFICATE,
      made: true,
    });
    expect(sent.filter((l) => l === LINES.sign)).toHaveLength(1);
    expect(sent.indexOf(LINES.assign(V))).toBeGreaterThan(sent.indexOf(LINES.fingerprint));
    // 7.19+: the service row by name and not dynamic, never a live connection printed under its name.
    expect(LINES.assign(V)).toContain('[find where name="api-ssl" and dynamic=no]');
    expect(pauses.length).toBeGreaterThan(0);
  });

  it('a link cut mid-way is named as lost; the next run signs what the first one added', async () => {
    let state: 'none' | 'template' | 'signed' = 'none';
    const router = (dropAt?: string) =>
      scripted((line) => {
        if (line === dropAt) return 'drop';
        if (basics(line)) return basics(line)!;
        if (line === LINES.count) return done(state === 'none' ? '0' : '1');
        if (line.startsWith('/certificate add')) state = 'template';
        if (line === LINES.sign) state = 'signed';
        if (line === LINES.signed) return done(state === 'signed' ? '1' : '0');
        if (line === LINES.fingerprint) return done(FP);
        if (line === LINES.assigned(V)) return done(API_SSL_CERTIFICATE);
        return done();
      });
    const first = router(LINES.sign);
    const lost = await bootstrapApiSslCertificate(target, { otherWays: '', open: async () => first.session }).catch(
      (e: unknown) => e,
    );
    expect(lost).toBeInstanceOf(Failure);
    expect((lost as Failure).error.code).toBe('transport_closed');
    expect(state).toBe('template');
    const second = router();
    const result = await bootstrapApiSslCertificate(target, { otherWays: '', open: async () => second.session });
    expect(result).toMatchObject({ fingerprint: FP, made: false });
    expect(second.sent.some((l) => l.startsWith('/certificate add'))).toBe(false);
  });

  it("a refusal carries the router's words; a permission refusal names the policies", async () => {
    const refusing = (answer: string) =>
      scripted(
        (line) =>
          basics(line) ?? (line === LINES.count ? done('0') : line.startsWith('/certificate add') ? answer : done()),
      );
    const failureOf = (answer: string) =>
      bootstrapApiSslCertificate(target, { otherWays: '', open: async () => refusing(answer).session }).catch(
        (e: unknown) => (e as Failure).error,
      );
    expect(await failureOf('invalid value for argument key-usage\r\n')).toMatchObject({
      code: 'io_failed',
      message: expect.stringContaining('invalid value for argument key-usage'),
    });
    expect(await failureOf('not enough permissions (9)\r\n')).toMatchObject({
      code: 'permission_denied',
      message: expect.stringContaining('"sensitive"'),
    });
  });
});

describe('a leftover and the service row', () => {
  it("an earlier attempt's template without key-cert-sign is replaced, not signed again the same broken way", async () => {
    let usage = 'tls-server';
    let signed = false;
    const { session, sent } = scripted((line) => {
      if (line === LINES.version) return done(V);
      if (line === LINES.keyUsage) return done(usage);
      if (line === LINES.count) return done('1');
      if (line === LINES.remove) usage = '';
      if (line.startsWith('/certificate add')) usage = 'digital-signature;key-encipherment;key-cert-sign;tls-server';
      if (line === LINES.sign) {
        // The router's answer to a template that may not sign certificates (certificate-plan.ts).
        if (!usage.includes('key-cert-sign')) return 'failure: CA not found\r\n';
        signed = true;
      }
      if (line === LINES.signed) return done(signed ? '1' : '0');
      if (line === LINES.fingerprint) return done(FP);
      if (line === LINES.assigned(V)) return done(API_SSL_CERTIFICATE);
      return done();
    });
    const result = await bootstrapApiSslCertificate(target, { otherWays: '', open: async () => session });
    expect(result).toMatchObject({ fingerprint: FP, made: true });
    expect(sent.indexOf(LINES.remove)).toBeGreaterThan(-1);
    expect(sent.indexOf(LINES.remove)).toBeLessThan(sent.findIndex((l) => l.startsWith('/certificate add')));
  });

  it('a fit certificate already signed is used as it is: nothing removed, added or signed', async () => {
    const { session, sent } = scripted((line) => {
      if (basics(line)) return basics(line)!;
      if (line === LINES.count || line === LINES.signed) return done('1');
      if (line === LINES.fingerprint) return done(FP);
      if (line === LINES.assigned(V)) return done(API_SSL_CERTIFICATE);
      return done();
    });
    expect(await bootstrapApiSslCertificate(target, { otherWays: '', open: async () => session })).toMatchObject({
      made: false,
    });
    expect(sent.some((l) => l === LINES.remove || l === LINES.sign || l.startsWith('/certificate add'))).toBe(false);
  });

  it('before 7.19 the service is named as it is (the menu has no dynamic rows, nor a dynamic property to match)', () => {
    expect(LINES.assign('6.49.17 (long-term)')).toBe('/ip service set api-ssl certificate="fspbx-api-ssl"');
    expect(LINES.assigned('7.18.2 (stable)')).toBe(':put [/ip service get api-ssl certificate]');
    expect(LINES.assigned('7.19 (stable)')).toContain('dynamic=no');
  });
});

describe('the TLS capability', () => {
  it('Electron (process.versions.boringssl) has no anonymous suites; this Node (OpenSSL) has them', () => {
    expect(detectTlsCapability({ ...process.versions, boringssl: '1' })).toEqual({
      anonymousDh: false,
      library: 'boringssl',
    });
    expect(detectTlsCapability()).toEqual({ anonymousDh: true, library: 'openssl' });
  });
});
