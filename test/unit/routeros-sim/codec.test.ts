import { describe, expect, it } from 'vitest';
import { SentenceDecoder, decodeLength, encodeLength, encodeSentence, encodeWord } from '../../lab/routeros/api/codec';

describe('RouterOS API word length', () => {
  const cases: { length: number; bytes: number[] }[] = [
    { length: 0, bytes: [0x00] },
    { length: 0x7f, bytes: [0x7f] },
    { length: 0x80, bytes: [0x80, 0x80] },
    { length: 0x3fff, bytes: [0xbf, 0xff] },
    { length: 0x4000, bytes: [0xc0, 0x40, 0x00] },
    { length: 0x1fffff, bytes: [0xdf, 0xff, 0xff] },
    { length: 0x200000, bytes: [0xe0, 0x20, 0x00, 0x00] },
    { length: 0xfffffff, bytes: [0xef, 0xff, 0xff, 0xff] },
    { length: 0x10000000, bytes: [0xf0, 0x10, 0x00, 0x00, 0x00] },
    { length: 0xffffffff, bytes: [0xf0, 0xff, 0xff, 0xff, 0xff] },
  ];
  for (const { length, bytes } of cases) {
    it(`encodes ${length} in ${bytes.length} byte(s) and decodes it back`, () => {
      const encoded = encodeLength(length);
      expect([...encoded]).toEqual(bytes);
      expect(decodeLength(encoded)).toEqual({ kind: 'length', length, size: bytes.length });
    });
  }

  it('reports an incomplete prefix instead of guessing', () => {
    expect(decodeLength(Buffer.from([0xc0, 0x40]))).toEqual({ kind: 'incomplete' });
    expect(decodeLength(Buffer.from([0xf0, 0, 0]))).toEqual({ kind: 'incomplete' });
  });

  it('refuses control bytes as lengths', () => {
    expect(decodeLength(Buffer.from([0xf8])).kind).toBe('invalid');
    expect(decodeLength(Buffer.from([0xff])).kind).toBe('invalid');
  });

  it('refuses lengths that cannot be encoded', () => {
    expect(() => encodeLength(-1)).toThrow(RangeError);
    expect(() => encodeLength(2 ** 32)).toThrow(RangeError);
  });
});

describe('sentence decoder', () => {
  it('reassembles sentences split at every byte boundary', () => {
    const words = ['/ip/firewall/nat/print', '=.proplist=.id,comment', '.tag=7', '=comment=' + 'x'.repeat(300)];
    const bytes = Buffer.concat([encodeSentence(words), encodeSentence(['/quit'])]);
    const decoder = new SentenceDecoder();
    const got: string[][] = [];
    for (let i = 0; i < bytes.length; i++) {
      for (const e of decoder.push(bytes.subarray(i, i + 1))) if (e.kind === 'sentence') got.push(e.words);
    }
    expect(got).toEqual([words, ['/quit']]);
  });

  it('counts bytes and keeps them: a UTF-8 word comes back as the same bytes', () => {
    const word = Buffer.from('=comment=Zürich ☎', 'utf8').toString('latin1');
    const encoded = encodeWord(word);
    expect(encoded[0]).toBe(word.length);
    const events = new SentenceDecoder().push(Buffer.concat([encoded, Buffer.from([0])]));
    expect(events).toEqual([{ kind: 'sentence', words: [word] }]);
  });

  it('decodes a word that needs the 3-byte prefix', () => {
    const word = '=source=' + 'a'.repeat(0x5000);
    const events = new SentenceDecoder().push(encodeSentence([word]));
    expect(events).toEqual([{ kind: 'sentence', words: [word] }]);
  });

  it('fails once on a word larger than its limit and then stays silent', () => {
    const decoder = new SentenceDecoder(10);
    const events = decoder.push(encodeSentence(['x'.repeat(11)]));
    expect(events).toHaveLength(1);
    expect(events[0]?.kind).toBe('error');
    expect(decoder.push(encodeSentence(['ok']))).toEqual([]);
  });

  it('fails on a control byte in place of a length', () => {
    const events = new SentenceDecoder().push(Buffer.from([0xf9, 0x00]));
    expect(events[0]?.kind).toBe('error');
  });
});
