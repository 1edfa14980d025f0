/**
 * A small RouterOS API client: one socket (plain or TLS), every command
 * tagged, each answer delivered at its `!done`. Only documented sentences are
 * sent (https://manual.mikrotik.com/docs/developer-guides/api.md): `/login`
 * and the caller's commands; no keep-alive words.
 *
 * - `!trap` is followed by `!done` for the same command (api.md "!trap";
 *   go-routeros PR #16): the command fails with the first trap's message once
 *   its `!done` arrives, so the stream stays in step.
 * - `!empty` (RouterOS 7.18+, api.md "Reply word") carries nothing.
 * - `!fatal` ends the connection.
 * - Login: `/login =name= =password=` (6.43+); a reply with `=ret=` is an
 *   older router asking for the MD5 challenge (api.md "Initial login").
 */
import { createHash } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { encodeSentence, parseReply, SentenceReader, wordBytes, type Reply } from './wire';

export type Row = Record<string, string>;

/** Why the connection ended, as the socket or the router said it. */
export class LinkLost extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** The router refused the command (`!trap`). */
export class Trap extends Error {
  constructor(
    message: string,
    readonly category: string | undefined,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  host: string;
  port: number;
  /** TLS options; absent = plain API. */
  tls?: ConnectionOptions;
  /** Called with the TLS socket once the handshake is done, before anything is sent; throw to refuse. */
  checkPeer?: (socket: TLSSocket) => void;
}

interface Pending {
  rows: Row[];
  trap?: Trap;
  resolve: (rows: Row[]) => void;
  reject: (error: Error) => void;
}

export class ApiClient {
  private readonly pending = new Map<string, Pending>();
  private readonly reader = new SentenceReader();
  private nextTag = 1;
  private lost: LinkLost | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => this.lose(new LinkLost(e.message, e.code)));
    socket.on('close', () => this.lose(new LinkLost('The router closed the API connection.', 'closed')));
  }

  /** Opens the socket (and TLS); resolves once it can carry words. Rejects with the socket's own error. */
  static open(options: ClientOptions): Promise<ApiClient> {
    return new Promise((resolve, reject) => {
      const socket: Socket = options.tls
        ? tlsConnect({ ...options.tls, host: options.host, port: options.port })
        : netConnect({ host: options.host, port: options.port });
      const fail = (e: Error): void => {
        socket.destroy();
        reject(e);
      };
      socket.once('error', fail);
      socket.once(options.tls ? 'secureConnect' : 'connect', () => {
        socket.off('error', fail);
        try {
          if (options.tls) options.checkPeer?.(socket as TLSSocket);
        } catch (refused) {
          socket.destroy();
          reject(refused as Error);
          return;
        }
        resolve(new ApiClient(socket));
      });
    });
  }

  private lose(error: LinkLost): void {
    this.lost ??= error;
    for (const p of this.pending.values()) p.reject(this.lost);
    this.pending.clear();
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let sentences: string[][];
    try {
      sentences = this.reader.push(chunk);
    } catch (caught) {
      this.lose(new LinkLost(`The router's answer could not be read: ${(caught as Error).message}`, 'framing'));
      return;
    }
    for (const words of sentences) this.onReply(parseReply(words));
  }

  private onReply(reply: Reply): void {
    if (reply.kind === '!fatal') {
      this.lose(new LinkLost(`The router ended the API session: ${reply.attrs.message ?? ''}`.trim(), 'fatal'));
      return;
    }
    // Replies for a command given up on (timed out) still arrive: they are dropped.
    const pending = reply.tag === undefined ? undefined : this.pending.get(reply.tag);
    if (!pending) return;
    if (reply.kind === '!re') pending.rows.push(reply.attrs);
    else if (reply.kind === '!trap') pending.trap ??= new Trap(reply.attrs.message ?? '', reply.attrs.category);
    else if (reply.kind === '!done') {
      this.pending.delete(reply.tag!);
      // `!done =ret=…` (an add's new .id) is a row, as callers read it.
      if (Object.keys(reply.attrs).length > 0) pending.rows.push(reply.attrs);
      if (pending.trap) pending.reject(pending.trap);
      else pending.resolve(pending.rows);
    }
    // `!empty` and any future reply word carry nothing a command needs.
  }

  /** Sends one command; resolves with its rows at `!done`, rejects with Trap or LinkLost. */
  command(path: string, words: readonly string[] = []): { tag: string; answer: Promise<Row[]> } {
    const tag = String(this.nextTag++);
    const answer = new Promise<Row[]>((resolve, reject) => {
      if (this.lost) {
        reject(this.lost);
        return;
      }
      const sentence = encodeSentence([path, ...words, `.tag=${tag}`]);
      this.pending.set(tag, { rows: [], resolve, reject });
      this.socket.write(sentence);
    });
    return { tag, answer };
  }

  /** Stops waiting for a command (its late replies are dropped). */
  forget(tag: string): void {
    this.pending.delete(tag);
  }

  /** Logs in; rejects with Trap on refused credentials. */
  async login(name: string, password: string): Promise<void> {
    const rows = await this.command('/login', [`=name=${name}`, `=password=${password}`]).answer;
    const challenge = rows.find((r) => r.ret !== undefined)?.ret;
    if (challenge === undefined) return;
    // Before 6.43: answer the challenge with "00" + md5(0x00 + password + challenge bytes).
    const md5 = createHash('md5');
    md5.update(Buffer.from([0]));
    md5.update(wordBytes(password));
    md5.update(Buffer.from(challenge, 'hex'));
    await this.command('/login', [`=name=${name}`, `=response=00${md5.digest('hex')}`]).answer;
  }

  get closed(): LinkLost | undefined {
    return this.lost;
  }

  /** Closes the socket (after what was written has been sent). */
  async close(): Promise<void> {
    if (this.lost) return;
    const gone = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), 1000);
    await gone;
    clearTimeout(timer);
  }
}
