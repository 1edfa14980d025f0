/** Hostile text from routers, PBXs and bundles, made safe to show. Pure. */
import { describe, expect, it } from 'vitest';
import { cleanText, cutText, hasHiddenCharacters, jsonSafe, showable, stripHidden } from '../../../contract/text';

describe('cleanText', () => {
  it.each([
    ['terminal escapes', 'HQ\u001b[2J\u001b]0;pwned\u0007', 'HQ[2J]0;pwned'],
    ['C1 controls', 'a\u009bb\u0085c', 'abc'],
    ['the Arabic letter mark', 'r\u061couter', 'router'],
    ['line and paragraph separators', 'one\u2028two\u2029', 'onetwo'],
    ['bidi overrides and isolates', '\u202egnp.exe\u2066x\u2069', 'gnp.exex'],
    ['word joiner and invisible operators', 'a\u2060b\u2062c\u206fd', 'abcd'],
    ['a byte-order mark', '\ufeffMikroTik', 'MikroTik'],
    ['zero-width characters', 'Mi\u200bkro\u200dTik', 'MikroTik'],
    ['tag characters', 'flag\udb40\udc67\udb40\udc62\udb40\udc7f', 'flag'],
    ['a right-to-left mark', 'Mikro\u200fTik', 'MikroTik'],
    ['a soft hyphen', 'Mikro\u00adTik', 'MikroTik'],
    ['the combining grapheme joiner', 'Mikro\u034fTik', 'MikroTik'],
    ['a Hangul filler (a blank letter)', 'HQ\u3164', 'HQ'],
    ['the Mongolian vowel separator', 'H\u180eQ', 'HQ'],
    ['invisible musical formatting', 'H\ud834\udd73Q', 'HQ'],
  ])('removes %s', (_what, dirty, clean) => {
    expect(cleanText(dirty)).toBe(clean);
    expect(hasHiddenCharacters(dirty)).toBe(true);
    expect(hasHiddenCharacters(clean)).toBe(false);
  });

  it('keeps ordinary text in any script, emoji included', () => {
    for (const text of ['Büro Zürich', 'مكتب', '東京オフィス', 'Office 🎉📞']) expect(cleanText(text)).toBe(text);
  });

  it('never cuts an emoji or an accented letter in half', () => {
    expect(cutText('ab🎉cd', 3)).toBe('ab🎉');
    expect(cutText('🇨🇭🇩🇪', 1)).toBe('🇨🇭');
    expect(cutText('e\u0301e\u0301', 1)).toBe('e\u0301');
    expect(cleanText('x'.repeat(127) + '😀', 128)).toBe('x'.repeat(127) + '😀');
    expect(cleanText('x'.repeat(128) + '😀', 128)).toBe('x'.repeat(128));
  });
});

describe('the ten characters of issue 21', () => {
  const TEN = ['\u202e', '\u2066', '\u200f', '\u061c', '\u2028', '\ufeff', '\u3164', '\u180e', '\u00ad', '\u034f'];
  it.each(TEN.map((c) => [`U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`, c]))(
    'removes %s from names and from multi-line text',
    (_name, c) => {
      expect(cleanText(`core${c}-rtr`)).toBe('core-rtr');
      expect(stripHidden(`line one${c}\nline\ttwo`)).toBe('line one\nline\ttwo');
      expect(hasHiddenCharacters(c)).toBe(true);
    },
  );
});

describe('showable', () => {
  it('cleans every string in a value from the other side, keeps line breaks, numbers and keys', () => {
    const value = {
      identity: 'HQ\u202egnp',
      plan: { changes: [{ reason: 'one\u2066\ntwo', after: { comment: '\u200fx' } }], count: 2 },
      ok: true,
      none: null,
    };
    expect(showable(value)).toEqual({
      identity: 'HQgnp',
      plan: { changes: [{ reason: 'one\ntwo', after: { comment: 'x' } }], count: 2 },
      ok: true,
      none: null,
    });
    // Emoji keep their variation selector: it changes no name's look.
    expect(stripHidden('\u2764\ufe0f')).toBe('\u2764\ufe0f');
  });
});

describe('jsonSafe', () => {
  it('escapes hidden characters in JSON text: the same value parsed, nothing hidden when read', () => {
    const value = { identity: 'HQ\u202egnp\u3164', tag: 'a\udb40\udc67b', plain: 'Büro 🎉' };
    // Pretty-printed, as the CLI prints it: its own line breaks stay.
    const text = jsonSafe(JSON.stringify(value, null, 2));
    expect(text.split('\n')).toHaveLength(5);
    expect(hasHiddenCharacters(text.replace(/\n/g, ''))).toBe(false);
    expect(text).toContain('HQ\\u202egnp\\u3164');
    expect(JSON.parse(text)).toEqual(value);
  });
});
