/**
 * Runs scripts: each statement becomes the same command the API would
 * execute (so traps and permissions match), `[find …]` and `[… get …]`
 * substitutions are evaluated against the live model, `:delay` waits.
 */
import { type CommandServices, executeCommand } from '../commands';
import { type Actor, type Op, formatId } from '../model/router';
import { parseDurationMs } from '../model/values';
import { type Token, parseScript } from './parser';

const MAX_STATEMENTS = 10_000;
const MAX_DELAY_MS = 24 * 3600_000;
const VERBS = new Set([
  'add',
  'set',
  'remove',
  'enable',
  'disable',
  'move',
  'unset',
  'print',
  'find',
  'get',
  'run',
  'export',
  // https://help.mikrotik.com/docs/display/ROS/Certificates: `/certificate sign <name>` in the CLI.
  'sign',
]);

class ScriptError extends Error {}

interface RunContext {
  actor: Actor;
  path: string[];
  budget: { statements: number };
  signal: { stopped: boolean };
  /** Where `:put` prints: the terminal of an SSH command; scheduler scripts print nowhere. */
  print?: (line: string) => void;
}

type Arg = { key?: string; value: Token };

function tokenText(t: Token): string | undefined {
  return t.kind === 'bare' || t.kind === 'string' ? t.text : undefined;
}

/** Groups `key=` + glued value tokens into key/value arguments. */
function toArgs(tokens: readonly Token[]): Arg[] {
  const args: Arg[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'bare' && t.text.endsWith('=') && t.text.length > 1) {
      const next = tokens[i + 1];
      if (next && next.glued) {
        args.push({ key: t.text.slice(0, -1), value: next });
        i++;
      } else {
        args.push({ key: t.text.slice(0, -1), value: { kind: 'string', text: '', glued: true } });
      }
    } else {
      args.push({ value: t });
    }
  }
  return args;
}

export class ScriptRunner {
  private readonly running = new Set<{ stopped: boolean }>();

  constructor(private readonly s: CommandServices) {}

  /** Stops every running script at its next statement. */
  stopAll(): void {
    for (const r of this.running) r.stopped = true;
  }

  async runByRef(ref: string, actor: Actor): Promise<Op<void>> {
    const found = this.s.model.resolve('/system/script', ref);
    if (!found.ok) return found;
    const script = found.value[0]!;
    const policy = (script.fields.policy ?? '').split(',').filter((p) => p !== '');
    if (script.fields['dont-require-permissions'] !== 'true' && policy.some((p) => !actor.policies.has(p))) {
      return { ok: false, trap: { message: 'not enough permissions (9)' } };
    }
    this.s.model.touch('/system/script', script.id, {
      'run-count': String(Number(script.fields['run-count'] ?? '0') + 1),
      'last-started': new Date().toISOString().replace('T', ' ').slice(0, 19),
    });
    const runAs: Actor = { name: actor.name, policies: new Set(policy) };
    return this.runSource(script.fields.source ?? '', runAs);
  }

  async runSource(source: string, actor: Actor, print?: (line: string) => void): Promise<Op<void>> {
    const parsed = parseScript(source);
    if (!parsed.ok) return { ok: false, trap: { message: parsed.message } };
    const signal = { stopped: false };
    this.running.add(signal);
    try {
      await this.block(parsed.statements, {
        actor,
        path: [],
        budget: { statements: 0 },
        signal,
        ...(print ? { print } : {}),
      });
      return { ok: true, value: undefined };
    } catch (e) {
      if (e instanceof ScriptError) return { ok: false, trap: { message: e.message } };
      throw e;
    } finally {
      this.running.delete(signal);
    }
  }

  private async block(statements: readonly Token[][], ctx: RunContext): Promise<void> {
    for (const st of statements) {
      if (ctx.signal.stopped) throw new ScriptError('interrupted');
      if (++ctx.budget.statements > MAX_STATEMENTS) throw new ScriptError('script too long');
      await this.statement(st, ctx);
    }
  }

  private async statement(tokens: readonly Token[], ctx: RunContext): Promise<string | undefined> {
    const first = tokens[0];
    if (!first) return undefined;
    if (first.kind === 'bare' && first.text.startsWith(':')) return this.builtin(first.text, tokens.slice(1), ctx);
    return this.command(tokens, ctx);
  }

  private async builtin(name: string, rest: readonly Token[], ctx: RunContext): Promise<string | undefined> {
    switch (name) {
      case ':delay': {
        const text = rest[0] ? await this.value(rest[0], ctx) : '1s';
        const ms = parseDurationMs(text);
        if (ms === undefined) throw new ScriptError('invalid value for argument delay');
        const until = Date.now() + Math.min(ms, MAX_DELAY_MS);
        // Sleep in slices so that stopping the simulator ends the wait promptly.
        while (Date.now() < until && !ctx.signal.stopped) {
          await new Promise((r) => setTimeout(r, Math.min(200, until - Date.now())));
        }
        return undefined;
      }
      case ':put': {
        // https://help.mikrotik.com/docs/display/ROS/Scripting "put - Put supplied argument into console".
        const text = rest[0] ? await this.value(rest[0], ctx) : '';
        ctx.print?.(text);
        return undefined;
      }
      case ':len': {
        // Scripting "len - Return number of elements in array": a `find` result is the list of ids it matched.
        const text = rest[0] ? await this.value(rest[0], ctx) : '';
        return String(text === '' ? 0 : text.split(',').length);
      }
      case ':log':
      case ':local':
      case ':global':
        return undefined;
      case ':do': {
        const body = rest[0];
        if (body?.kind !== 'block') throw new ScriptError('syntax error (:do needs a block)');
        const args = toArgs(rest.slice(1));
        const onError = args.find((a) => a.key === 'on-error')?.value;
        try {
          await this.block(body.statements, ctx);
        } catch (e) {
          if (!(e instanceof ScriptError) || ctx.signal.stopped || onError?.kind !== 'block') throw e;
          await this.block(onError.statements, ctx);
        }
        return undefined;
      }
      default:
        throw new ScriptError(`bad command name ${name.slice(1)}`);
    }
  }

  /** Splits leading path words from arguments and finds the menu + verb. */
  private resolveCommand(tokens: readonly Token[], ctx: RunContext): { menu: string[]; verb?: string; rest: Token[] } {
    const pathWords: string[] = [];
    let i = 0;
    let absolute = false;
    for (; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.kind !== 'bare' || t.text.includes('=')) break;
      if (i === 0 && t.text.startsWith('/')) absolute = true;
      const parts = t.text.split('/').filter((p) => p !== '');
      if (i > 0 && t.text.startsWith('/')) break;
      pathWords.push(...parts);
      if (parts.some((p) => VERBS.has(p))) {
        i++;
        break;
      }
    }
    const full = absolute ? pathWords : [...ctx.path, ...pathWords];
    const verbAt = full.findIndex((w) => VERBS.has(w));
    if (verbAt === -1) return { menu: full, rest: tokens.slice(i) as Token[] };
    return { menu: full.slice(0, verbAt), verb: full[verbAt], rest: tokens.slice(i) as Token[] };
  }

  private async command(tokens: readonly Token[], ctx: RunContext): Promise<string | undefined> {
    const { menu, verb, rest } = this.resolveCommand(tokens, ctx);
    const menuPath = '/' + menu.join('/');
    if (!verb) {
      if (rest.length === 0 && this.s.model.def(menuPath)) {
        ctx.path = menu;
        return undefined;
      }
      throw new ScriptError(`bad command name ${menu.join(' ') || tokenText(tokens[0]!) || ''}`);
    }
    if (!this.s.model.def(menuPath) && !(menuPath === '/' && verb === 'export')) {
      throw new ScriptError(`bad command name ${menu[menu.length - 1] ?? verb}`);
    }
    if (verb === 'find') return this.find(menuPath, rest, ctx);
    const params: [string, string][] = [];
    const positional: string[] = [];
    for (const arg of toArgs(rest)) {
      const value = await this.value(arg.value, ctx, menuPath);
      if (arg.key === undefined) positional.push(value);
      else params.push([arg.key, value]);
    }
    if (positional.length > 0) {
      if (verb === 'get' && positional.length === 2)
        params.push(['numbers', positional[0]!], ['value-name', positional[1]!]);
      else if (verb === 'get') params.push(['value-name', positional[0]!]);
      else if (verb === 'move' && positional.length === 2)
        params.push(['numbers', positional[0]!], ['destination', positional[1]!]);
      else if (verb === 'run') params.push(['number', positional[0]!]);
      else params.push(['numbers', positional.join(',')]);
    }
    const replies = await executeCommand(
      this.s,
      { menu: menuPath === '/' ? '' : menuPath, verb, params, queries: [] },
      ctx.actor,
    );
    for (const r of replies) if (r.kind === '!trap') throw new ScriptError(r.message);
    const doneReply = replies.find((r) => r.kind === '!done');
    return doneReply?.kind === '!done' ? doneReply.ret : undefined;
  }

  private async value(t: Token, ctx: RunContext, menuPath?: string): Promise<string> {
    if (t.kind === 'bare' || t.kind === 'string') {
      if (t.kind === 'bare' && t.text.startsWith('$')) throw new ScriptError('variables are not supported');
      return t.text;
    }
    if (t.kind === 'block') throw new ScriptError('unexpected block');
    const inner = t.tokens;
    const head = inner[0];
    // `[find …]` inside a menu command searches that menu.
    if (head?.kind === 'bare' && head.text === 'find' && menuPath) return this.find(menuPath, inner.slice(1), ctx);
    return (
      (await this.statement(inner, { ...ctx, path: menuPath ? menuPath.split('/').filter(Boolean) : ctx.path })) ?? ''
    );
  }

  /** `find [where] cond [and|or cond]…`: conditions are `f=v`, `f!=v`, `f~regex`, `f`, `!f`. */
  private async find(menuPath: string, tokens: readonly Token[], ctx: RunContext): Promise<string> {
    const conds: { join: 'and' | 'or'; test: (item: Record<string, string>) => boolean }[] = [];
    let join: 'and' | 'or' = 'and';
    const list = tokens[0]?.kind === 'bare' && tokens[0].text === 'where' ? tokens.slice(1) : tokens;
    for (let i = 0; i < list.length; i++) {
      const t = list[i]!;
      const text = tokenText(t);
      if (text === 'and' || text === '&&') {
        join = 'and';
        continue;
      }
      if (text === 'or' || text === '||') {
        join = 'or';
        continue;
      }
      if (t.kind !== 'bare') throw new ScriptError('syntax error (find condition)');
      const m = /^(!?)([\w.-]+)(=|!=|~)?(.*)$/.exec(t.text);
      if (!m) throw new ScriptError('syntax error (find condition)');
      const [, neg, field, op, inline] = m;
      let operand = inline ?? '';
      if (op && operand === '' && list[i + 1]?.glued) operand = await this.value(list[++i]!, ctx, menuPath);
      const norm = (x: string) => (x === 'yes' ? 'true' : x === 'no' ? 'false' : x);
      let test: (item: Record<string, string>) => boolean;
      if (!op) test = (item) => item[field!] === 'true';
      else if (op === '~') {
        let re: RegExp;
        try {
          re = new RegExp(operand);
        } catch {
          throw new ScriptError('invalid regular expression');
        }
        test = (item) => re.test(item[field!] ?? '');
      } else {
        const want = norm(operand);
        test = op === '=' ? (item) => (item[field!] ?? '') === want : (item) => (item[field!] ?? '') !== want;
      }
      const final = neg ? (item: Record<string, string>) => !test(item) : test;
      conds.push({ join, test: final });
      join = 'and';
    }
    const items = this.s.model.print(menuPath);
    const matched = items.filter((item) =>
      conds.reduce<boolean>(
        (acc, c, idx) => (idx === 0 ? c.test(item) : c.join === 'and' ? acc && c.test(item) : acc || c.test(item)),
        true,
      ),
    );
    const ids = matched.map((item, idx) => item['.id'] ?? formatId(idx + 1));
    return ids.join(',');
  }
}
