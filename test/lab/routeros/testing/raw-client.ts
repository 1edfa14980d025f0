/** A minimal RouterOS API client for tests that must see every reply word (tags, !empty, !fatal). */
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { SentenceDecoder, encodeSentence } from '../api/codec';

export class RawApiClient {
  private readonly decoder = new SentenceDecoder();
  private readonly queue: string[][] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const e of this.decoder.push(chunk)) if (e.kind === 'sentence') this.queue.push(e.words);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static open(host: string, port: number, tls = false): Promise<RawApiClient> {
    return new Promise((resolve, reject) => {
      const socket = tls
        ? tlsConnect({ host, port, rejectUnauthorized: false }, () => resolve(new RawApiClient(socket)))
        : tcpConnect({ host, port }, () => resolve(new RawApiClient(socket)));
      socket.once('error', reject);
    });
  }

  send(...words: string[]): void {
    this.socket.write(encodeSentence(words));
  }

  /** Next sentence, or undefined if the connection closed first. */
  async next(timeoutMs = 5000): Promise<string[] | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.closed) return undefined;
      if (Date.now() > deadline) throw new Error('timed out waiting for a reply');
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return this.queue.shift();
  }

  /** Sends a command and collects sentences up to and including `!done` (or `!fatal`). */
  async call(...words: string[]): Promise<string[][]> {
    this.send(...words);
    const out: string[][] = [];
    for (let i = 0; i < 10_000; i++) {
      const s = await this.next();
      if (!s) return out;
      out.push(s);
      if (s[0] === '!done' || s[0] === '!fatal') return out;
    }
    return out;
  }

  close(): void {
    this.socket.destroy();
  }
}

export function attrs(sentence: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of sentence.slice(1)) {
    if (!w.startsWith('=')) continue;
    const eq = w.indexOf('=', 1);
    out[w.slice(1, eq)] = w.slice(eq + 1);
  }
  return out;
}
