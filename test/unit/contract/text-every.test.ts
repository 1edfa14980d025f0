/** Hidden characters go everywhere they occur, not only the first time (the cleaning is global). */
import { describe, expect, it } from 'vitest';
import { cleanText, stripHidden } from '../../../contract/text';

describe('hidden characters, several in one text', () => {
  it('are all removed from a name and from multi-line text, line breaks and tabs kept', () => {
    expect(cleanText('a\u202eb\u202ec\u200bd')).toBe('abcd');
    expect(stripHidden('one\u202e\ntwo\u2066\tthree\u200f')).toBe('one\ntwo\tthree');
  });
});
