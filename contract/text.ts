/**
 * Text from the network or from a file is hostile until cleaned: control
 * characters (terminal escapes), bidirectional and invisible format
 * characters (which make one name look like another) and tag characters are
 * removed, and a cut never splits a character or an emoji. Pure.
 */

/*
 * C0 and C1 controls (ESC starts terminal sequences), U+061C Arabic letter mark, U+200B–U+200F zero-width and
 * direction marks, U+2028/U+2029 line and paragraph separators, U+202A–U+202E embeddings and overrides,
 * U+2060–U+206F word joiner, invisible operators and isolates, U+FEFF byte-order mark, U+FFF9–U+FFFB
 * interlinear annotations, and the tag characters U+E0000–U+E007F.
 */
const HIDDEN =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|\udb40[\udc00-\udc7f]/g;

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
