/** The wizard's log file: lines, rotation by size, a bounded number of old files, owner-only, redaction. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOG_FILE, logLine, openLog } from '../../../electron/app/log';
import { redactSecrets } from '../../../electron/store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fspbx-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = new Date('2026-12-07T06:00:00.000Z');
const files = () => readdirSync(dir).sort();

describe('log lines', () => {
  it('are one line each: time, level, message, detail', () => {
    expect(logLine(at, 'error', 'operation site.apply failed', 'socket hang up\n    at x')).toBe(
      '2026-12-07T06:00:00.000Z ERROR operation site.apply failed socket hang up |     at x\n',
    );
  });

  it('cut an oversized detail instead of filling the file', () => {
    const line = logLine(at, 'warn', 'big', 'x'.repeat(100_000));
    expect(line.length).toBeLessThan(9000);
    expect(line.endsWith('…[cut]\n')).toBe(true);
  });
});

describe('log file', () => {
  it('is created in the data folder, owner-only, and appended to', () => {
    const log = openLog(join(dir, 'data'), { now: () => at });
    log.info('first');
    log.error('second', { op: 'site.apply' });
    const file = join(dir, 'data', LOG_FILE);
    expect(log.file).toBe(file);
    expect(readFileSync(file, 'utf8').split('\n')).toEqual([
      '2026-12-07T06:00:00.000Z INFO first',
      '2026-12-07T06:00:00.000Z ERROR second {"op":"site.apply"}',
      '',
    ]);
    if (process.platform !== 'win32') {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
    }
  });

  it('never writes a password field of a detail (the store redaction)', () => {
    const log = openLog(dir, { now: () => at, redact: redactSecrets });
    log.error('login failed', {
      host: '192.168.88.1',
      username: 'admin',
      password: 'hunter2',
      nested: { passphrase: 'p' },
    });
    const text = readFileSync(join(dir, LOG_FILE), 'utf8');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('"p"');
    expect(text).toContain('"username":"admin"');
  });

  it('rotates past maxBytes and keeps only `keep` old files, newest in .1', () => {
    const log = openLog(dir, { now: () => at, maxBytes: 200, keep: 2 });
    const line = (n: number) => `event ${String(n).padStart(3, '0')} ${'.'.repeat(40)}`;
    // Each line is about 80 bytes: two fit in 200, the third rotates.
    for (let n = 1; n <= 9; n += 1) log.info(line(n));
    expect(files()).toEqual([LOG_FILE, `${LOG_FILE}.1`, `${LOG_FILE}.2`]);
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    expect(read(LOG_FILE)).toContain('event 009');
    expect(read(`${LOG_FILE}.1`)).toContain('event 008');
    expect(read(`${LOG_FILE}.1`)).toContain('event 007');
    expect(read(`${LOG_FILE}.2`)).toContain('event 005');
    const all = [LOG_FILE, `${LOG_FILE}.1`, `${LOG_FILE}.2`].map(read).join('');
    expect(all).not.toContain('event 001');
    for (const name of files()) expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(200);
  });

  it('writes a line larger than maxBytes into a file of its own rather than losing it', () => {
    const log = openLog(dir, { now: () => at, maxBytes: 100, keep: 1 });
    log.info('small');
    log.info('y'.repeat(300));
    expect(files()).toEqual([LOG_FILE, `${LOG_FILE}.1`]);
    expect(readFileSync(join(dir, LOG_FILE), 'utf8')).toContain('y'.repeat(300));
  });

  it('keeps going when the file cannot be written (a log never takes the wizard down)', () => {
    writeFileSync(join(dir, 'not-a-folder'), '');
    const log = openLog(join(dir, 'not-a-folder'), { now: () => at });
    expect(() => log.error('lost')).not.toThrow();
  });
});
