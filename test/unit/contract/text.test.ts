/** Hostile text from routers, PBXs and bundles, made safe to show. Pure. */
import { describe, expect, it } from 'vitest';
import { cleanText, cutText, hasHiddenCharacters } from '../../../contract/text';

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
