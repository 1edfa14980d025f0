/**
 * Text from the network or from a file is hostile until cleaned: control
 * characters (terminal escapes), bidirectional and invisible format
 * characters (which make one name look like another) and tag characters are
 * removed, and a cut never splits a character or an emoji. Pure.
 */

/*
 * C0 and C1 controls (ESC starts terminal sequences), U+00AD soft hyphen, U+034F combining grapheme joiner,
 * U+061C Arabic letter mark, the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0 (blank letters),
 * U+17B4/U+17B5 Khmer invisible vowels, U+180B–U+180F Mongolian variation selectors and vowel separator,
 * U+200B–U+200F zero-width and direction marks, U+2028/U+2029 line and paragraph separators, U+202A–U+202E
 * embeddings and overrides, U+2060–U+206F word joiner, invisible operators and isolates, U+FEFF byte-order
 * mark, U+FFF9–U+FFFB interlinear annotations, U+1D173–U+1D17A invisible musical formatting, and the tag
 * characters U+E0000–U+E007F. Emoji variation selectors (U+FE0E/U+FE0F) stay: they change no name's look.
 */
const INVISIBLE =
  '\\u00ad\\u061c\\u115f\\u1160\\u180e\\u200b-\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2060-\\u206f\\u3164\\ufeff\\uffa0\\ufff9-\\ufffb';
// Combining marks are matched one by one, outside a class (a class would combine them with their neighbour).
const MARKS = '|\\u034f|\\u17b4|\\u17b5|\\u180b|\\u180c|\\u180d|\\u180f';
const ASTRAL = `${MARKS}|\\ud834[\\udd73-\\udd7a]|\\udb40[\\udc00-\\udc7f]`;
const HIDDEN = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${INVISIBLE}]${ASTRAL}`, 'g');
/**
 * What JSON.stringify leaves raw inside strings: C0 controls it escapes itself, and a line break or a
 * space between values is JSON's own layout, so those are not touched.
 */
const HIDDEN_IN_JSON = new RegExp(`[\\u007f-\\u009f${INVISIBLE}]${ASTRAL}`, 'g');
/** The same, but a line break and a tab stay: for text shown as lines (a plan's reason, a script). */
const HIDDEN_IN_LINES = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f${INVISIBLE}]${ASTRAL}`, 'g');

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** At most `max` user-perceived characters, never half of one. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  let count = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (count === max) break;
    out += segment;
    count += 1;
  }
  return out;
}

/** The text without hidden characters, cut to `max` characters. */
export function cleanText(text: string, max = 128): string {
  return cutText(text.replace(HIDDEN, ''), max);
}

/** Whether the text holds anything cleanText would remove. */
export function hasHiddenCharacters(text: string): boolean {
  HIDDEN.lastIndex = 0;
  const found = HIDDEN.test(text);
  HIDDEN.lastIndex = 0;
  return found;
}

/** The text without hidden characters, line breaks and tabs kept, nothing cut. */
export function stripHidden(text: string): string {
  return text.replace(HIDDEN_IN_LINES, '');
}

/**
 * Every string in a value from the other side, hidden characters removed
 * (line breaks kept): what the renderer shows of routers, PBXs and bundles.
 * Keys are left as they are; they are the contract's own names.
 */
export function showable<T>(value: T): T {
  if (typeof value === 'string') return stripHidden(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => showable(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = showable(v);
  return out as T;
}

/**
 * JSON text with every hidden character written as a \\u escape: the same value for a program that
 * parses it, and nothing a terminal would hide or reorder for a person who reads it.
 */
export function jsonSafe(json: string): string {
  const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  // A tag character is two UTF-16 units: each is escaped, and JSON reads the pair back as one.
  return json.replace(HIDDEN_IN_JSON, (match) => match.split('').map(escape).join(''));
}
