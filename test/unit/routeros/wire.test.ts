import { describe, expect, it } from 'vitest';
import { encodeSentence, parseReply, SentenceReader, UnsendableWord } from '../../../electron/routeros/api/wire';

const SENTENCES = [
  ['!re', '=.id=*1', `=comment=${'x'.repeat(200)}`, '.tag=7'],
  ['!done', '.tag=7'],
  ['!trap', '=message=no such command prefix', '.tag=8'],
  ['!done', '=ret=*2A', '.tag=9'],
];

describe('RouterOS API words', () => {
  it('reassembles sentences whatever the cut: every split point of the stream gives the same sentences', () => {
    const stream = Buffer.concat(SENTENCES.map(encodeSentence));
    for (let cut = 0; cut <= stream.length; cut++) {
      const reader = new SentenceReader();
      const got = [...reader.push(stream.subarray(0, cut)), ...reader.push(stream.subarray(cut))];
      expect(got, `cut at ${cut}`).toEqual(SENTENCES);
    }
  });

  it('delivers a sentence only at its closing zero, even byte by byte', () => {
    const reader = new SentenceReader();
    const bytes = encodeSentence(['!done', '.tag=1']);
    const got = [...bytes].map((b) => reader.push(Buffer.from([b])));
    expect(got.slice(0, -1).every((s) => s.length === 0)).toBe(true);
    expect(got.at(-1)).toEqual([['!done', '.tag=1']]);
  });

  it('carries words as bytes: what is read goes back byte for byte, UTF-8 or not', () => {
    const raw = Buffer.from([0x3d, 0x63, 0x3d, 0xc3, 0xb6, 0x81, 0xfc]); // "=c=" then UTF-8 ö, a lone 0x81, latin1 ü
    const sentence = Buffer.concat([Buffer.from([raw.length]), raw, Buffer.from([0])]);
    const [words] = new SentenceReader().push(sentence);
    expect(encodeSentence(words!)).toEqual(sentence);
    expect(parseReply(['!re', ...words!]).attrs.c).toBe('\u00c3\u00b6\u0081\u00fc');
  });

  it('refuses a word it cannot send as bytes instead of sending "?"', () => {
    expect(() => encodeSentence(['=comment=中'])).toThrow(UnsendableWord);
  });

  it('encodes every length size', () => {
    for (const n of [0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000]) {
      const word = 'a'.repeat(n);
      const [words] = new SentenceReader().push(encodeSentence([word]));
      expect(words![0]!.length).toBe(n);
    }
  });
});
