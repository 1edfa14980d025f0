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
    for (const line of [LINES.count, LINES.signed, LINES.sign, LINES.fingerprint, LINES.assign, LINES.assigned]) {
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
    // RouterOS 6 may print a SHA-1: not comparable with what TLS shows, so never pinned.
    expect(readFingerprint('ab'.repeat(20))).toEqual({ ok: false, said: 'a 160-bit fingerprint' });
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
const target = { host: '192.168.88.1', port: 22, username: 'admin', password: 'pw', hostKey: 'SHA256:test' };

describe('the steps', () => {
  it('a stock router: add, sign, wait for the key, assign, read back', async () => {
    let signedAfter = 2;
    const { session, sent } = scripted((line) => {
      if (line === LINES.count) return done('0');
      if (line === LINES.signed) return done(signedAfter-- > 0 ? '0' : '1');
      if (line === LINES.fingerprint) return done(FP);
      if (line === LINES.assigned) return done(API_SSL_CERTIFICATE);
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
    expect(sent.indexOf(LINES.assign)).toBeGreaterThan(sent.indexOf(LINES.fingerprint));
    expect(pauses.length).toBeGreaterThan(0);
  });

  it('a link cut mid-way is named as lost; the next run signs what the first one added', async () => {
    let state: 'none' | 'template' | 'signed' = 'none';
    const router = (dropAt?: string) =>
      scripted((line) => {
        if (line === dropAt) return 'drop';
        if (line === LINES.count) return done(state === 'none' ? '0' : '1');
        if (line.startsWith('/certificate add')) state = 'template';
        if (line === LINES.sign) state = 'signed';
        if (line === LINES.signed) return done(state === 'signed' ? '1' : '0');
        if (line === LINES.fingerprint) return done(FP);
        if (line === LINES.assigned) return done(API_SSL_CERTIFICATE);
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
      scripted((line) => (line === LINES.count ? done('0') : line.startsWith('/certificate add') ? answer : done()));
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

describe('the TLS capability', () => {
  it('Electron (process.versions.boringssl) has no anonymous suites; this Node (OpenSSL) has them', () => {
    expect(detectTlsCapability({ ...process.versions, boringssl: '1' })).toEqual({
      anonymousDh: false,
      library: 'boringssl',
    });
    expect(detectTlsCapability()).toEqual({ anonymousDh: true, library: 'openssl' });
  });
});
