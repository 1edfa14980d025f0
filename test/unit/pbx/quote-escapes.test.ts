/**
 * quote.ts's refusals as the technician reads them, and every control character through an
 * E'' literal, read back by PostgreSQL's rules (the manual, "String Constants with C-Style
 * Escapes": \b \f \n \r \t and octal \ooo), not by the code under test.
 */
import { describe, expect, it } from 'vitest';
import { shellArg, shellWords, sqlIdentifier, sqlLiteral, sqlValue } from '../../../electron/pbx/script/quote';

/** The byte an E'' escape stands for (PostgreSQL 15 manual, table 4.1). */
function readEscape(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i += 1) {
    if (body[i] !== '\\') {
      out += body[i] === "'" && body[i + 1] === "'" ? (i++, "'") : body[i];
      continue;
    }
    const next = body[i + 1]!;
    const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1));
    if (octal) {
      out += String.fromCharCode(parseInt(octal[0], 8));
      i += octal[0].length;
      continue;
    }
    out += { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }[next] ?? next;
    i += 1;
  }
  return out;
}

describe('control characters in an SQL literal', () => {
  it('each of U+0001..U+001F and DEL comes back as itself, inside text, with no raw control byte left', () => {
    const codes = [...Array.from({ length: 31 }, (_, i) => i + 1), 0x7f];
    for (const code of codes) {
      const value = `a${String.fromCharCode(code)}b`;
      const literal = sqlLiteral(value);
      if (!literal.ok) throw new Error(literal.error.message);
      expect(literal.value.startsWith("E'") && literal.value.endsWith("'")).toBe(true);
      // eslint-disable-next-line no-control-regex
      expect(literal.value).not.toMatch(/[\u0000-\u001f\u007f]/);
      expect(readEscape(literal.value.slice(2, -1))).toBe(value);
    }
  });

  it('backspace, form feed and tab keep their short escapes, quotes and backslashes are doubled', () => {
    expect(sqlLiteral("\b\f\t'\\")).toEqual({ ok: true, value: "E'\\b\\f\\t''\\\\'" });
  });
});

describe('refusals name what was refused', () => {
  it('a NUL in a value, with the field when the caller names one and no field key when it does not', () => {
    const named = sqlValue('a\u0000', 'v_vars.var_value');
    expect(named).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'The value contains a NUL byte, which cannot be stored or passed on safely.',
        field: 'v_vars.var_value',
      },
    });
    const unnamed = sqlLiteral('a\u0000');
    expect(unnamed.ok || Object.keys(unnamed.error).sort()).toEqual(['code', 'message']);
  });

  it('a NUL, an empty name and a name over 63 bytes in an identifier', () => {
    const nul = sqlIdentifier('a\u0000');
    expect(nul.ok || nul.error.message).toBe(
      'The identifier contains a NUL byte, which cannot be stored or passed on safely.',
    );
    expect(sqlIdentifier('')).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'An SQL identifier cannot be empty.' },
    });
    expect(sqlIdentifier('x'.repeat(64))).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'An SQL identifier is longer than PostgreSQL keeps (63 bytes).' },
    });
  });

  it('a NUL in a shell argument, with its field', () => {
    expect(shellArg('rm\u0000', 'command')).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'The shell argument contains a NUL byte, which cannot be stored or passed on safely.',
        field: 'command',
      },
    });
    const words = shellWords(['fs_cli', 'x\u0000']);
    expect(words.ok || words.error.message).toMatch(/^The shell argument contains a NUL byte/);
  });
});
