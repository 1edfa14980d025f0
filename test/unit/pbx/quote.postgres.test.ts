/**
 * Proves the SQL literal rule against a real PostgreSQL, with no network: a
 * throw-away cluster in a temp directory, driven in single-user mode over
 * stdin (no socket is opened). Needs root (to run initdb as `postgres`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, chownSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlLiteral } from '../../../electron/pbx/script/quote';
import { HOSTILE, randomHostile } from './hostile';

const BIN = '/usr/lib/postgresql/15/bin';
const available = existsSync(join(BIN, 'postgres')) && userInfo().uid === 0 && existsSync('/usr/sbin/runuser');

function postgresUid(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

describe.skipIf(!available)(
  'SQL literals in a real PostgreSQL 15 (skipped unless root with postgresql-15 installed)',
  () => {
    let dir = '';

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'quote-pg-'));
      const { uid, gid } = postgresUid();
      chownSync(dir, uid, gid);
      execFileSync(
        '/usr/sbin/runuser',
        [
          '-u',
          'postgres',
          '--',
          join(BIN, 'initdb'),
          '-D',
          join(dir, 'data'),
          '-E',
          'UTF8',
          '--locale=C.UTF-8',
          '-A',
          'trust',
        ],
        { stdio: 'ignore', timeout: 60_000 },
      );
    }, 90_000);

    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    function roundTrip(values: readonly string[], standardConformingStrings: boolean): string[] {
      const lines = [`set standard_conforming_strings = ${standardConformingStrings ? 'on' : 'off'};`];
      values.forEach((value, index) => {
        const literal = sqlLiteral(value);
        if (!literal.ok) throw new Error('refused');
        lines.push(`select '${index}:' || encode(convert_to(${literal.value}, 'UTF8'), 'hex') as r;`);
      });
      const run = spawnSync(
        '/usr/sbin/runuser',
        [
          '-u',
          'postgres',
          '--',
          join(BIN, 'postgres'),
          '--single',
          '-D',
          join(dir, 'data'),
          '-c',
          'log_min_messages=fatal',
          'postgres',
        ],
        { input: lines.join('\n') + '\n', encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      );
      const decoded: string[] = [];
      for (const match of run.stdout.matchAll(/^\t 1: r = "(\d+):([0-9a-f]*)"/gm)) {
        decoded[Number(match[1])] = Buffer.from(match[2]!, 'hex').toString('utf8');
      }
      return decoded;
    }

    const values = [...HOSTILE, ...randomHostile(300, 11)];

    it('reads every hostile value back unchanged with standard_conforming_strings on', () => {
      expect(roundTrip(values, true)).toEqual(values);
    }, 60_000);

    it('reads every hostile value back unchanged with standard_conforming_strings off', () => {
      expect(roundTrip(values, false)).toEqual(values);
    }, 60_000);
  },
);
