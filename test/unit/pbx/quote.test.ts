import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shellArg, shellWords, sqlIdentifier, sqlLiteral, sqlValue } from '../../../electron/pbx/script/quote';
import { HOSTILE, randomHostile } from './hostile';

const SAMPLES = [...HOSTILE, ...randomHostile(500)];

/**
 * An independent reading of a PostgreSQL string literal, written from the
 * manual's lexical rules rather than from quote.ts.
 */
function readPostgresLiteral(literal: string, standardConformingStrings: boolean): string {
  const escape = literal.startsWith("E'") || (!standardConformingStrings && literal.startsWith("'"));
  const body = literal.slice(literal.startsWith("E'") ? 2 : 1, -1);
  let out = '';
  for (let i = 0; i < body.length; i += 1) {
    const ch = body[i]!;
    if (ch === "'") {
      expect(body[i + 1]).toBe("'");
      out += "'";
      i += 1;
    } else if (ch === '\\' && escape) {
      const next = body[i + 1]!;
      const simple: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (/[0-7]/.test(next)) {
        const digits = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
        out += String.fromCharCode(parseInt(digits, 8));
        i += digits.length;
      } else {
        out += simple[next] ?? next;
        i += 1;
      }
    } else {
      out += ch;
    }
  }
  return out;
}

describe('SQL string literals', () => {
  it('read back to the same text under both standard_conforming_strings settings', () => {
    for (const s of SAMPLES) {
      const literal = sqlLiteral(s);
      expect(literal.ok).toBe(true);
      if (!literal.ok) continue;
      expect(readPostgresLiteral(literal.value, true)).toBe(s);
      expect(readPostgresLiteral(literal.value, false)).toBe(s);
    }
  });

  it('never span lines or carry raw control characters', () => {
    for (const s of SAMPLES) {
      const literal = sqlLiteral(s);
      if (!literal.ok) throw new Error('refused');
      // eslint-disable-next-line no-control-regex
      expect(literal.value).not.toMatch(/[\u0000-\u001f\u007f]/);
    }
  });

  it('use the plain form when nothing needs escaping, and E-strings for backslashes and control characters', () => {
    expect(sqlLiteral("O'Brien")).toEqual({ ok: true, value: "'O''Brien'" });
    expect(sqlLiteral('C:\\path')).toEqual({ ok: true, value: "E'C:\\\\path'" });
    expect(sqlLiteral('a\nb')).toEqual({ ok: true, value: "E'a\\nb'" });
    expect(sqlLiteral('\u0001')).toEqual({ ok: true, value: "E'\\001'" });
  });

  it('refuse NUL bytes with an error value naming the field', () => {
    const refused = sqlLiteral('abc\u0000def', 'extensions.description');
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('invalid_input');
      expect(refused.error.field).toBe('extensions.description');
    }
  });

  it('keep NULL and the empty string apart', () => {
    expect(sqlValue(null)).toEqual({ ok: true, value: 'NULL' });
    expect(sqlValue('')).toEqual({ ok: true, value: "''" });
  });
});

describe('SQL identifiers', () => {
  it('double-quote and double embedded quotes', () => {
    expect(sqlIdentifier('v_vars')).toEqual({ ok: true, value: '"v_vars"' });
    expect(sqlIdentifier('we"ird')).toEqual({ ok: true, value: '"we""ird"' });
  });

  it('refuse empty, NUL and names PostgreSQL would truncate', () => {
    expect(sqlIdentifier('').ok).toBe(false);
    expect(sqlIdentifier('a\u0000b').ok).toBe(false);
    expect(sqlIdentifier('x'.repeat(63)).ok).toBe(true);
    expect(sqlIdentifier('x'.repeat(64)).ok).toBe(false);
    expect(sqlIdentifier('é'.repeat(32)).ok).toBe(false);
  });
});

const SHELLS = ['/bin/sh', '/bin/dash', '/bin/bash'].filter((shell) => existsSync(shell));

describe('shell arguments', () => {
  it('are one single-quoted word with quotes closed, escaped and reopened', () => {
    expect(shellArg("it's")).toEqual({ ok: true, value: `'it'\\''s'` });
    expect(shellArg('')).toEqual({ ok: true, value: "''" });
    expect(shellWords(['fs_cli', '-x', 'sofia profile internal rescan'])).toEqual({
      ok: true,
      value: "'fs_cli' '-x' 'sofia profile internal rescan'",
    });
  });

  it('refuse NUL bytes', () => {
    expect(shellArg('a\u0000').ok).toBe(false);
    expect(shellWords(['ok', 'a\u0000']).ok).toBe(false);
  });

  it('reach a real shell byte for byte (sh -c printf), hostile or not', (ctx) => {
    if (SHELLS.length === 0) ctx.skip('no POSIX shell at /bin/sh, /bin/dash or /bin/bash on this machine');
    for (const shell of SHELLS) {
      for (const s of SAMPLES) {
        const quoted = shellArg(s);
        if (!quoted.ok) throw new Error('refused');
        const out = execFileSync(shell, ['-c', `printf '%s' ${quoted.value}`], { encoding: 'utf8' });
        expect(out).toBe(s);
      }
    }
  });

  it('keep each value one word, even next to others', (ctx) => {
    if (SHELLS.length === 0) ctx.skip('no POSIX shell at /bin/sh, /bin/dash or /bin/bash on this machine');
    const values = HOSTILE.slice(0, 20);
    const words = shellWords(values);
    if (!words.ok) throw new Error('refused');
    const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${words.value}`], { encoding: 'utf8' });
    expect(out.split('\u0000').slice(0, -1)).toEqual(values);
  });
});
