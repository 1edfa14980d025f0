import { describe, expect, it } from 'vitest';
import {
  encodeLength,
  encodeSentence,
  MAX_WORD_BYTES,
  parseReply,
  SentenceReader,
  UnsendableWord,
  wordBytes,
} from '../../../electron/routeros/api/wire';

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

/** A hostile or broken router, on the product's own reader (the lab's simulator has its own copy). */
describe('RouterOS API words from a hostile router', () => {
  it('ends the connection at a word longer than 16 MiB, before buffering it', () => {
    const reader = new SentenceReader();
    // 0xf0 then a 4-byte length: one byte over the limit, and none of the word sent.
    const header = Buffer.from([0xf0, 0, 0, 0, 0]);
    header.writeUInt32BE(MAX_WORD_BYTES + 1, 1);
    expect(() => reader.push(header)).toThrow(`a word of ${MAX_WORD_BYTES + 1} bytes`);
    const fourByte = Buffer.from([0xe0, 0, 0, 0]);
    fourByte.writeUInt32BE((0xe0000000 | (MAX_WORD_BYTES + 1)) >>> 0);
    expect(() => new SentenceReader().push(fourByte)).toThrow(/a word of 16777217 bytes/);
  });

  it('waits for a word of exactly 16 MiB instead of refusing it', () => {
    const header = Buffer.from([0xe0, 0, 0, 0]);
    header.writeUInt32BE((0xe0000000 | MAX_WORD_BYTES) >>> 0);
    expect(new SentenceReader().push(header)).toEqual([]);
  });

  it('refuses a control byte (0xf1–0xff) where a word length belongs, naming the byte', () => {
    for (const byte of [0xf1, 0xf7, 0xf8, 0xff]) {
      const reader = new SentenceReader();
      expect(() => reader.push(Buffer.from([byte, 1, 2, 3, 4, 5])), byte.toString(16)).toThrow(
        `byte 0x${byte.toString(16)} where a word length belongs`,
      );
    }
    // After a complete word, too: the check runs at every length position.
    const stream = Buffer.concat([encodeSentence(['!done']).subarray(0, 6), Buffer.from([0xf8])]);
    expect(() => new SentenceReader().push(stream)).toThrow(/byte 0xf8/);
  });

  it('encodes each length size at its boundaries, as the API manual gives them', () => {
    const cases: [number, number[]][] = [
      [0, [0x00]],
      [0x7f, [0x7f]],
      [0x80, [0x80, 0x80]],
      [0x3fff, [0xbf, 0xff]],
      [0x4000, [0xc0, 0x40, 0x00]],
      [0x1fffff, [0xdf, 0xff, 0xff]],
      [0x200000, [0xe0, 0x20, 0x00, 0x00]],
      [0xfffffff, [0xef, 0xff, 0xff, 0xff]],
      [0x10000000, [0xf0, 0x10, 0x00, 0x00, 0x00]],
    ];
    for (const [length, bytes] of cases) expect([...encodeLength(length)], `length ${length}`).toEqual(bytes);
  });

  it('reads a 2- and 3-byte length whose first byte carries high bits', () => {
    // 0x81 0x02 = 0x102 (258); 0xc1 0x00 0x03 = 0x10003: the first byte's low bits count.
    const word = 'b'.repeat(0x102);
    const [words] = new SentenceReader().push(
      Buffer.concat([Buffer.from([0x81, 0x02]), Buffer.from(word), Buffer.from([0])]),
    );
    expect(words).toEqual([word]);
    const big = 'c'.repeat(0x10003);
    const [bigWords] = new SentenceReader().push(
      Buffer.concat([Buffer.from([0xc1, 0x00, 0x03]), Buffer.from(big), Buffer.from([0])]),
    );
    expect(bigWords![0]!.length).toBe(0x10003);
  });

  it('keeps a partial length until its last byte arrives', () => {
    const reader = new SentenceReader();
    expect(reader.push(Buffer.from([0x80]))).toEqual([]);
    expect(reader.push(Buffer.from([0x81]))).toEqual([]);
    expect(reader.push(Buffer.from('x'.repeat(0x81)))).toEqual([]);
    expect(reader.push(Buffer.from([0]))).toEqual([['x'.repeat(0x81)]]);
  });

  it('refuses a character above U+00FF anywhere in a word, and sends U+00FF as one byte', () => {
    expect(() => wordBytes('abc\u0100')).toThrow(UnsendableWord);
    expect(() => wordBytes('abc\u0100')).toThrow('a word holds a character that is not a single byte');
    expect(() => wordBytes('\u0100abc')).toThrow(UnsendableWord);
    expect([...wordBytes('\u00ff')]).toEqual([0xff]);
  });
});

describe('RouterOS API replies', () => {
  it('reads kind, tag and attributes; a value may hold "="; a bare word is kept only on !fatal', () => {
    expect(parseReply(['!re', '=.id=*1', '=comment=a=b', '.tag=4', 'stray', '=noequals'])).toEqual({
      kind: '!re',
      tag: '4',
      attrs: { '.id': '*1', comment: 'a=b' },
    });
    expect(parseReply(['!fatal', 'not logged in'])).toEqual({ kind: '!fatal', attrs: { message: 'not logged in' } });
    expect(parseReply([])).toEqual({ kind: '', attrs: {} });
  });
});
