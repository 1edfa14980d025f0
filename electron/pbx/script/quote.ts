/**
 * The one place where untrusted text becomes SQL or shell syntax. Pure.
 *
 * SQL literal rule (PostgreSQL): text with neither a backslash nor a control
 * character is written as a standard string '…' with quotes doubled; any other
 * text is written as an escape string E'…' in which backslash, quote and every
 * control character are escaped. Both forms mean the same bytes whether the
 * server has standard_conforming_strings on or off: a standard string without
 * backslashes reads identically under both settings, and E'' strings always
 * process escapes. Control characters are escaped so a literal never spans
 * lines, which keeps exported scripts reviewable. NUL cannot be stored in a
 * PostgreSQL text value at all, so it is refused.
 */
import { err, ok, type Result } from '../../../contract/errors';

const NUL = '\u0000';
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE_STRING = /[\\\u0001-\u001f\u007f]/;

function refuseNul(value: string, what: string, field?: string): Result<never> | undefined {
  if (!value.includes(NUL)) return undefined;
  return err({
    code: 'invalid_input',
    message: `The ${what} contains a NUL byte, which cannot be stored or passed on safely.`,
    ...(field === undefined ? {} : { field }),
  });
}

function escapeChar(ch: string): string {
  switch (ch) {
    case '\\':
      return '\\\\';
    case "'":
      return "''";
    case '\b':
      return '\\b';
    case '\f':
      return '\\f';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default: {
      const code = ch.charCodeAt(0);
      // Three-digit octal is valid in E'' strings under every server encoding.
      if (code < 0x20 || code === 0x7f) return `\\${code.toString(8).padStart(3, '0')}`;
      return ch;
    }
  }
}

/** A PostgreSQL string literal for `value`. */
export function sqlLiteral(value: string, field?: string): Result<string> {
  const refused = refuseNul(value, 'value', field);
  if (refused) return refused;
  if (!NEEDS_ESCAPE_STRING.test(value)) return ok(`'${value.replaceAll("'", "''")}'`);
  let body = '';
  for (const ch of value) body += escapeChar(ch);
  return ok(`E'${body}'`);
}

/** NULL stays NULL: snapshots keep NULL and '' apart. */
export function sqlValue(value: string | null, field?: string): Result<string> {
  return value === null ? ok('NULL') : sqlLiteral(value, field);
}

const MAX_IDENTIFIER_BYTES = 63;

/** A double-quoted PostgreSQL identifier; refuses what PostgreSQL would truncate or reject. */
export function sqlIdentifier(name: string): Result<string> {
  const refused = refuseNul(name, 'identifier');
  if (refused) return refused;
  if (name.length === 0) return err({ code: 'invalid_input', message: 'An SQL identifier cannot be empty.' });
  if (new TextEncoder().encode(name).length > MAX_IDENTIFIER_BYTES) {
    return err({ code: 'invalid_input', message: 'An SQL identifier is longer than PostgreSQL keeps (63 bytes).' });
  }
  return ok(`"${name.replaceAll('"', '""')}"`);
}

/**
 * One POSIX shell word that the shell passes on byte for byte: single quotes
 * keep everything literal, and a quote inside is closed, escaped and reopened.
 */
export function shellArg(value: string, field?: string): Result<string> {
  const refused = refuseNul(value, 'shell argument', field);
  if (refused) return refused;
  return ok(`'${value.replaceAll("'", `'\\''`)}'`);
}

/** Several words, or the first refusal. */
export function shellWords(values: readonly string[]): Result<string> {
  const words: string[] = [];
  for (const value of values) {
    const quoted = shellArg(value);
    if (!quoted.ok) return quoted;
    words.push(quoted.value);
  }
  return ok(words.join(' '));
}
