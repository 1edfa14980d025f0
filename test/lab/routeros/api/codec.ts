/**
 * RouterOS API framing: a sentence is a list of length-prefixed words ended by
 * an empty word. The length prefix has five sizes (1–4 bytes with marker bits,
 * or 0xF0 followed by a 4-byte length). Words are bytes: RouterOS has no text
 * encoding and stores what it is sent ("MikroTik just stores bytes",
 * https://github.com/luqasz/librouteros/issues/30), so the simulator keeps
 * each word as a latin1 string, one char per byte, and sends it back as is.
 */

/** A word longer than this is refused: a peer cannot make the simulator buffer gigabytes. */
export const MAX_WORD_BYTES = 16 * 1024 * 1024;

export function encodeLength(length: number): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) {
    throw new RangeError(`word length out of range: ${length}`);
  }
  if (length < 0x80) return Buffer.from([length]);
  if (length < 0x4000) {
    const v = length | 0x8000;
    return Buffer.from([(v >> 8) & 0xff, v & 0xff]);
  }
  if (length < 0x200000) {
    const v = length | 0xc00000;
    return Buffer.from([(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
  }
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

export function encodeWord(word: string): Buffer {
  const body = Buffer.from(word, 'latin1');
  return Buffer.concat([encodeLength(body.length), body]);
}

export function encodeSentence(words: readonly string[]): Buffer {
  return Buffer.concat([...words.map(encodeWord), Buffer.from([0])]);
}

export type LengthRead =
  { kind: 'length'; length: number; size: number } | { kind: 'incomplete' } | { kind: 'invalid'; reason: string };

/** Reads one length prefix at `offset`; control bytes (0xF8–0xFF) are not lengths. */
export function decodeLength(buf: Buffer, offset = 0): LengthRead {
  if (offset >= buf.length) return { kind: 'incomplete' };
  const first = buf[offset] as number;
  let size: number;
  if ((first & 0x80) === 0x00) size = 1;
  else if ((first & 0xc0) === 0x80) size = 2;
  else if ((first & 0xe0) === 0xc0) size = 3;
  else if ((first & 0xf0) === 0xe0) size = 4;
  else if (first === 0xf0) size = 5;
  else return { kind: 'invalid', reason: `control byte 0x${first.toString(16)} where a word length was expected` };
  if (offset + size > buf.length) return { kind: 'incomplete' };
  let length: number;
  switch (size) {
    case 1:
      length = first;
      break;
    case 2:
      length = buf.readUInt16BE(offset) & 0x3fff;
      break;
    case 3:
      length = ((first & 0x1f) << 16) | buf.readUInt16BE(offset + 1);
      break;
    case 4:
      length = buf.readUInt32BE(offset) & 0x0fffffff;
      break;
    default:
      length = buf.readUInt32BE(offset + 1);
  }
  return { kind: 'length', length, size };
}

export type DecoderEvent = { kind: 'sentence'; words: string[] } | { kind: 'error'; reason: string };

/**
 * Incremental decoder for a byte stream: feed chunks, get whole sentences.
 * After an error the stream is unusable (framing is lost) and the caller
 * should close the connection.
 */
export class SentenceDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  private words: string[] = [];
  private failed = false;

  constructor(private readonly maxWordBytes = MAX_WORD_BYTES) {}

  push(chunk: Buffer): DecoderEvent[] {
    if (this.failed) return [];
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const events: DecoderEvent[] = [];
    let offset = 0;
    for (;;) {
      const read = decodeLength(this.buffer, offset);
      if (read.kind === 'incomplete') break;
      if (read.kind === 'invalid') {
        this.failed = true;
        events.push({ kind: 'error', reason: read.reason });
        break;
      }
      if (read.length > this.maxWordBytes) {
        this.failed = true;
        events.push({ kind: 'error', reason: `word of ${read.length} bytes exceeds ${this.maxWordBytes}` });
        break;
      }
      const end = offset + read.size + read.length;
      if (end > this.buffer.length) break;
      if (read.length === 0) {
        events.push({ kind: 'sentence', words: this.words });
        this.words = [];
      } else {
        this.words.push(this.buffer.toString('latin1', offset + read.size, end));
      }
      offset = end;
    }
    this.buffer = this.buffer.subarray(offset);
    return events;
  }
}
