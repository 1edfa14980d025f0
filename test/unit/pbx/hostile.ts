/** Hostile strings for quoting tests: a fixed list plus a seeded generator, so failures reproduce. */

export const HOSTILE: readonly string[] = [
  '',
  "'",
  "''",
  "O'Brien",
  '\\',
  "\\'",
  "'\\",
  "x'; DROP TABLE v_extensions; --",
  '$(touch /tmp/pwned)',
  '`id`',
  '${HOME}',
  '$HOME',
  '"double" quotes',
  'new\nline',
  'carriage\rreturn',
  'tab\there',
  '\u0001\u0002\u001b[31mred\u007f',
  'ünïcødé ☎ 📞 电话',
  '\u202Eright-to-left override',
  '-n',
  '--help',
  '*',
  '~',
  '!event',
  "E'\\x41'",
  '$$dollar$$ $q$quoted$q$',
  '%s %n',
  ' leading and trailing ',
  'a'.repeat(100_000),
];

/** Mulberry32: a tiny deterministic PRNG. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  "'",
  '"',
  '\\',
  '$',
  '(',
  ')',
  '`',
  ';',
  '|',
  '&',
  '\n',
  '\r',
  '\t',
  '\u0001',
  '\u001f',
  '\u007f',
  ' ',
  'a',
  'Z',
  '0',
  'é',
  '☎',
  '📞',
  'E',
  '%',
  '{',
  '}',
  '*',
  '?',
  '<',
  '>',
  '#',
  '!',
  '-',
];

/** `count` random strings over characters that matter to SQL and shells. */
export function randomHostile(count: number, seed = 7): string[] {
  const next = prng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const length = Math.floor(next() * 40);
    let s = '';
    for (let j = 0; j < length; j += 1) s += ALPHABET[Math.floor(next() * ALPHABET.length)]!;
    out.push(s);
  }
  return out;
}
