/**
 * One API connection: login (plain ≥ 6.43 and the legacy MD5 challenge),
 * tagged commands answered concurrently, `/quit`, and the fault injection
 * that reliability tests need.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Reply } from '../commands';
import type { Actor } from '../model/router';
import { SentenceDecoder, encodeSentence } from './codec';
import { type ApiRequest, parseRequest } from './request';

export interface Faults {
  /** Close the connection once this many reply sentences have been sent. */
  closeAfterSentences?: number;
  /** Wait this long before answering each command. */
  replyDelayMs?: number;
  /** Every login fails with RouterOS's wrong-password trap. */
  refuseLogin?: boolean;
  /** Answer this command word (e.g. `/ip/firewall/nat/add`) with `!fatal` and close. */
  fatalOn?: string;
  /**
   * A lab fault, not a RouterOS behaviour: `/system/script/add` and `set` keep only the first
   * this many bytes of `source` and answer as if all were kept. No public source gives the
   * longest source RouterOS keeps or says what it does beyond it, so the simulator enforces no
   * limit of its own; a test that needs a router which cut a script injects this, by name.
   */
  keepScriptSourceBytes?: number;
}

/** The request with `source` cut as the keepScriptSourceBytes fault says (other requests unchanged). */
function withCutSource(req: ApiRequest, keep: number | undefined): ApiRequest {
  if (keep === undefined || (req.command !== '/system/script/add' && req.command !== '/system/script/set')) return req;
  return { ...req, params: req.params.map(([k, v]): [string, string] => [k, k === 'source' ? v.slice(0, keep) : v]) };
}

export interface SessionDeps {
  /** RouterOS before 6.43 answers a plain login with a challenge. */
  legacyLoginOnly: boolean;
  checkPassword(name: string, password: string): Actor | undefined;
  passwordOf(name: string): string | undefined;
  actor(name: string): Actor | undefined;
  execute(req: ApiRequest, actor: Actor): Promise<Reply[]>;
  faults(): Faults;
  onClose(): void;
  /** A login succeeded (for /user/active). */
  onLogin?(actor: Actor): void;
}

export const LOGIN_FAILED = 'invalid user name or password (6)';

export function replyWords(reply: Reply, tag: string | undefined): string[] {
  const words: string[] = [reply.kind];
  if (reply.kind === '!re') for (const [k, v] of Object.entries(reply.attrs)) words.push(`=${k}=${v}`);
  if (reply.kind === '!done' && reply.ret !== undefined) words.push(`=ret=${reply.ret}`);
  if (reply.kind === '!trap') {
    if (reply.category !== undefined) words.push(`=category=${reply.category}`);
    words.push(`=message=${reply.message}`);
  }
  if (tag !== undefined) words.push(`.tag=${tag}`);
  return words;
}

export function legacyResponse(password: string, challengeHex: string): string {
  const md5 = createHash('md5');
  md5.update(Buffer.from([0]));
  md5.update(Buffer.from(password, 'latin1')); // words are bytes (see codec.ts)
  md5.update(Buffer.from(challengeHex, 'hex'));
  return '00' + md5.digest('hex');
}

export class ApiSession {
  private actor: Actor | undefined;
  private challenge: string | undefined;
  private sent = 0;
  private closed = false;
  private readonly decoder = new SentenceDecoder();

  constructor(
    private readonly socket: Duplex,
    private readonly deps: SessionDeps,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  private onData(chunk: Buffer): void {
    for (const event of this.decoder.push(chunk)) {
      if (event.kind === 'error') {
        this.fatal(`malformed sentence: ${event.reason}`);
        return;
      }
      if (event.words.length === 0) continue; // An empty sentence is a keep-alive.
      void this.handle(parseRequest(event.words));
    }
  }

  private write(replies: Reply[], tag: string | undefined): void {
    for (const reply of replies) {
      if (this.closed) return;
      this.socket.write(encodeSentence(replyWords(reply, tag)));
      this.sent++;
      const limit = this.deps.faults().closeAfterSentences;
      if (limit !== undefined && this.sent >= limit) {
        this.socket.destroy();
        this.close();
        return;
      }
    }
  }

  private fatal(message: string): void {
    if (this.closed) return;
    this.socket.end(encodeSentence(['!fatal', message]));
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.deps.onClose();
  }

  private async handle(req: ApiRequest): Promise<void> {
    const faults = this.deps.faults();
    if (faults.replyDelayMs) await new Promise((r) => setTimeout(r, faults.replyDelayMs));
    if (this.closed) return;
    if (faults.fatalOn !== undefined && req.command === faults.fatalOn) {
      this.fatal('session terminated on request');
      return;
    }
    if (req.command === '/quit') {
      this.fatal('session terminated on request');
      return;
    }
    if (req.command === '/login') {
      this.write(this.login(req), req.tag);
      return;
    }
    if (!this.actor) {
      this.write([{ kind: '!trap', message: 'not logged in' }, { kind: '!done' }], req.tag);
      return;
    }
    if (req.command === '/cancel') {
      this.write([{ kind: '!done' }], req.tag);
      return;
    }
    let replies: Reply[];
    try {
      replies = await this.deps.execute(withCutSource(req, faults.keepScriptSourceBytes), this.actor);
    } catch (caught) {
      // A simulator bug must look like a router error, not kill the process.
      replies = [{ kind: '!trap', message: `failure: ${String(caught)}`, category: 4 }, { kind: '!done' }];
    }
    this.write(replies, req.tag);
  }

  private login(req: ApiRequest): Reply[] {
    const p = new Map(req.params);
    const name = p.get('name');
    const password = p.get('password');
    const response = p.get('response');
    const failed: Reply[] = [{ kind: '!trap', message: LOGIN_FAILED }, { kind: '!done' }];
    if (name === undefined || (password === undefined && response === undefined) || this.deps.legacyLoginOnly) {
      if (name !== undefined && response !== undefined && this.challenge !== undefined) {
        return this.legacy(name, response, this.challenge) ?? failed;
      }
      this.challenge = randomBytes(16).toString('hex');
      return [{ kind: '!done', ret: this.challenge }];
    }
    if (response !== undefined) {
      if (this.challenge === undefined) return failed;
      return this.legacy(name, response, this.challenge) ?? failed;
    }
    if (this.deps.faults().refuseLogin) return failed;
    const actor = this.deps.checkPassword(name, password ?? '');
    if (!actor || !actor.policies.has('api')) return failed;
    this.actor = actor;
    this.deps.onLogin?.(actor);
    return [{ kind: '!done' }];
  }

  private legacy(name: string, response: string, challenge: string): Reply[] | undefined {
    this.challenge = undefined;
    if (this.deps.faults().refuseLogin) return undefined;
    const password = this.deps.passwordOf(name);
    if (password === undefined || response.toLowerCase() !== legacyResponse(password, challenge)) return undefined;
    const actor = this.deps.actor(name);
    if (!actor || !actor.policies.has('api')) return undefined;
    this.actor = actor;
    this.deps.onLogin?.(actor);
    return [{ kind: '!done' }];
  }
}
