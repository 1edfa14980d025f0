/**
 * RouterOS API framing (https://manual.mikrotik.com/docs/developer-guides/api.md,
 * "API sentences", "Word length"): a sentence is length-prefixed words ended
 * by a zero-length word. Words are bytes: RouterOS has no text encoding
 * (librouteros issue #30), so a word is carried as a latin1 string, one char
 * per byte, and what is read goes back byte for byte. Pure.
 */

/** A word longer than this ends the connection: a peer cannot make the wizard buffer gigabytes. */
export const MAX_WORD_BYTES = 16 * 1024 * 1024;

/** A word the wire cannot carry as bytes (a character above U+00FF). */
export class UnsendableWord extends Error {
  constructor(readonly word: string) {
    super('a word holds a character that is not a single byte');
  }
}

export function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  if (length < 0x4000) return Buffer.from([((length >> 8) & 0x3f) | 0x80, length & 0xff]);
  if (length < 0x200000) return Buffer.from([((length >> 16) & 0x1f) | 0xc0, (length >> 8) & 0xff, length & 0xff]);
  if (length < 0x10000000) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE((length | 0xe0000000) >>> 0);
    return b;
  }
  const b = Buffer.alloc(5);
  b[0] = 0xf0;
  b.writeUInt32BE(length >>> 0, 1);
  return b;
}

/** One word's bytes: every char must be one byte (U+0000–U+00FF). */
export function wordBytes(word: string): Buffer {
  for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) > 0xff) throw new UnsendableWord(word);
  return Buffer.from(word, 'latin1');
}

/** The whole sentence in one buffer, so it leaves in one write. */
export function encodeSentence(words: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const word of words) {
    const body = wordBytes(word);
    parts.push(encodeLength(body.length), body);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

type LengthRead = { length: number; size: number } | 'incomplete' | 'invalid';

function readLength(buf: Buffer, at: number): LengthRead {
  if (at >= buf.length) return 'incomplete';
  const first = buf[at]!;
  const size = first < 0x80 ? 1 : first < 0xc0 ? 2 : first < 0xe0 ? 3 : first < 0xf0 ? 4 : first === 0xf0 ? 5 : 0;
  if (size === 0) return 'invalid';
  if (at + size > buf.length) return 'incomplete';
  switch (size) {
    case 1:
      return { length: first, size };
    case 2:
      return { length: buf.readUInt16BE(at) & 0x3fff, size };
    case 3:
      return { length: ((first & 0x1f) << 16) | buf.readUInt16BE(at + 1), size };
    case 4:
      return { length: buf.readUInt32BE(at) & 0x0fffffff, size };
    default:
      return { length: buf.readUInt32BE(at + 1), size };
  }
}

/**
 * Feed it the bytes as they come, in pieces of any size; it returns the
 * sentences completed so far. A sentence is complete only at its zero-length
 * word, never earlier.
 */
export class SentenceReader {
  private buffer: Buffer = Buffer.alloc(0);
  private words: string[] = [];

  /** Throws on bytes that cannot be API framing; the connection is then unusable. */
  push(chunk: Buffer): string[][] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const sentences: string[][] = [];
    let at = 0;
    for (;;) {
      const read = readLength(this.buffer, at);
      if (read === 'incomplete') break;
      if (read === 'invalid') throw new Error(`byte 0x${this.buffer[at]!.toString(16)} where a word length belongs`);
      if (read.length > MAX_WORD_BYTES) throw new Error(`a word of ${read.length} bytes`);
      const end = at + read.size + read.length;
      if (end > this.buffer.length) break;
      if (read.length === 0) {
        sentences.push(this.words);
        this.words = [];
      } else {
        this.words.push(this.buffer.toString('latin1', at + read.size, end));
      }
      at = end;
    }
    this.buffer = this.buffer.subarray(at);
    return sentences;
  }
}

/** A reply sentence: its kind, its `.tag`, and its `=name=value` attributes. */
export interface Reply {
  kind: string;
  tag?: string;
  attrs: Record<string, string>;
}

export function parseReply(words: readonly string[]): Reply {
  const [kind = '', ...rest] = words;
  const reply: Reply = { kind, attrs: {} };
  for (const word of rest) {
    if (word.startsWith('.tag=')) reply.tag = word.slice(5);
    else if (word.startsWith('=')) {
      const eq = word.indexOf('=', 1);
      if (eq > 0) reply.attrs[word.slice(1, eq)] = word.slice(eq + 1);
    }
    // `!fatal` carries its reason as a bare word.
    else if (kind === '!fatal') reply.attrs.message = word;
  }
  return reply;
}
