/**
 * Parses the subset of RouterOS script syntax the wizard writes: statements
 * separated by newlines or `;`, command paths (`/ip firewall nat add …` or
 * `/ip/firewall/nat/add …`), `key=value` with quoted strings and escapes,
 * `[ … ]` substitutions such as `[find where comment="x"]`, `{ … }` blocks,
 * comments, and line continuation.
 */

export type Token =
  | { kind: 'bare'; text: string; glued: boolean }
  | { kind: 'string'; text: string; glued: boolean }
  | { kind: 'sub'; tokens: Token[]; glued: boolean }
  | { kind: 'block'; statements: Token[][]; glued: boolean };

export type Parsed = { ok: true; statements: Token[][] } | { ok: false; message: string };

/** Scripts are bounded so that a hostile source cannot exhaust the simulator. */
export const MAX_SOURCE = 64 * 1024;
const MAX_DEPTH = 32;

class Cursor {
  pos = 0;
  constructor(readonly src: string) {}
  peek(o = 0): string {
    return this.src[this.pos + o] ?? '';
  }
  eof(): boolean {
    return this.pos >= this.src.length;
  }
}

class ParseError extends Error {}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v', _: ' ' };

function readString(c: Cursor): string {
  c.pos++; // opening quote
  let out = '';
  const bytes: number[] = [];
  const flush = () => {
    // \HH escapes are bytes, kept as bytes (latin1 chars), like every value the simulator holds.
    if (bytes.length) out += Buffer.from(bytes).toString('latin1');
    bytes.length = 0;
  };
  for (;;) {
    if (c.eof()) throw new ParseError('unterminated string');
    const ch = c.peek();
    if (ch === '"') {
      c.pos++;
      flush();
      return out;
    }
    if (ch === '\\') {
      const next = c.peek(1);
      if (/^[0-9A-Fa-f]$/.test(next) && /^[0-9A-Fa-f]$/.test(c.peek(2))) {
        bytes.push(parseInt(next + c.peek(2), 16));
        c.pos += 3;
        continue;
      }
      flush();
      if (next === '\n') out += '';
      else if (next === '\r' && c.peek(2) === '\n') c.pos++;
      else out += ESCAPES[next] ?? next;
      c.pos += 2;
      continue;
    }
    flush();
    out += ch;
    c.pos++;
  }
}

function skipBlanks(c: Cursor): boolean {
  let skipped = false;
  for (;;) {
    const ch = c.peek();
    if (ch === ' ' || ch === '\t') {
      c.pos++;
      skipped = true;
    } else if (ch === '\\' && (c.peek(1) === '\n' || (c.peek(1) === '\r' && c.peek(2) === '\n'))) {
      c.pos += c.peek(1) === '\r' ? 3 : 2;
      skipped = true;
    } else {
      return skipped;
    }
  }
}

function readStatements(c: Cursor, close: '' | '}' | ']', depth: number): Token[][] {
  if (depth > MAX_DEPTH) throw new ParseError('nesting too deep');
  const statements: Token[][] = [];
  let current: Token[] = [];
  const end = () => {
    if (current.length) statements.push(current);
    current = [];
  };
  for (;;) {
    const skipped = skipBlanks(c);
    const glued = !skipped && current.length > 0;
    if (c.eof()) {
      if (close !== '') throw new ParseError(`missing ${close}`);
      end();
      return statements;
    }
    const ch = c.peek();
    if (close !== '' && ch === close) {
      c.pos++;
      end();
      return statements;
    }
    if (ch === '}' || ch === ']') throw new ParseError(`unexpected ${ch}`);
    if (ch === '\n' || ch === '\r' || ch === ';') {
      c.pos++;
      end();
      continue;
    }
    if (ch === '#' && current.length === 0) {
      while (!c.eof() && c.peek() !== '\n') c.pos++;
      continue;
    }
    if (ch === '"') {
      current.push({ kind: 'string', text: readString(c), glued });
      continue;
    }
    if (ch === '[') {
      c.pos++;
      const inner = readStatements(c, ']', depth + 1);
      if (inner.length > 1) throw new ParseError('only one command per substitution is supported');
      current.push({ kind: 'sub', tokens: inner[0] ?? [], glued });
      continue;
    }
    if (ch === '{') {
      c.pos++;
      current.push({ kind: 'block', statements: readStatements(c, '}', depth + 1), glued });
      continue;
    }
    let text = '';
    while (!c.eof() && !/[\s;"[\]{}]/.test(c.peek())) {
      text += c.peek();
      c.pos++;
      // `key=` followed by a quote, bracket or brace: the value starts there.
      if (text.endsWith('=')) break;
    }
    current.push({ kind: 'bare', text, glued });
  }
}

export function parseScript(source: string): Parsed {
  if (source.length > MAX_SOURCE) return { ok: false, message: 'script too long' };
  try {
    return { ok: true, statements: readStatements(new Cursor(source), '', 0) };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, message: `syntax error (${e.message})` };
    throw e;
  }
}
