/**
 * RouterOS API queries: a stack machine over `?` words. `?name=value`,
 * `?=name=value`, `?<name=value`, `?>name=value` push a comparison, `?name`
 * pushes "has name", `?-name` "lacks name"; `?#ops` combines the stack with
 * `|` (or), `&` (and), `!` (not), `.` (dup) and digits (copy an entry).
 * What is left on the stack is and-ed together.
 */

export type Item = Readonly<Record<string, string>>;
type Predicate = (item: Item) => boolean;

export type CompiledQuery = { ok: true; matches: Predicate } | { ok: false; message: string };

function normalise(v: string): string {
  if (v === 'yes') return 'true';
  if (v === 'no') return 'false';
  return v;
}

function compare(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparison(word: string): Predicate | undefined {
  let body = word.slice(1);
  let op: '=' | '<' | '>' = '=';
  if (body.startsWith('=') || body.startsWith('<') || body.startsWith('>')) {
    op = body[0] as '=' | '<' | '>';
    body = body.slice(1);
  }
  const eq = body.indexOf('=');
  if (body.startsWith('-') && eq === -1) {
    const name = body.slice(1);
    return (item) => !(name in item);
  }
  if (eq === -1) {
    if (op !== '=') return undefined;
    return (item) => body in item;
  }
  const name = body.slice(0, eq);
  const value = normalise(body.slice(eq + 1));
  if (name === '') return undefined;
  return (item) => {
    const have = item[name];
    if (op === '=') return (have ?? '') === value && (have !== undefined || value === '');
    if (have === undefined) return false;
    const c = compare(have, value);
    return op === '<' ? c < 0 : c > 0;
  };
}

export function compileQuery(words: readonly string[]): CompiledQuery {
  // The stack holds predicates; operations combine them lazily.
  const stack: Predicate[] = [];
  for (const word of words) {
    if (word.startsWith('?#')) {
      for (const op of word.slice(2)) {
        if (op === '!') {
          const a = stack.pop();
          if (!a) return { ok: false, message: 'invalid query' };
          stack.push((i) => !a(i));
        } else if (op === '&' || op === '|') {
          const b = stack.pop();
          const a = stack.pop();
          if (!a || !b) return { ok: false, message: 'invalid query' };
          stack.push(op === '&' ? (i) => a(i) && b(i) : (i) => a(i) || b(i));
        } else if (op === '.') {
          const a = stack[stack.length - 1];
          if (!a) return { ok: false, message: 'invalid query' };
          stack.push(a);
        } else if (op >= '0' && op <= '9') {
          const a = stack[Number(op)];
          if (!a) return { ok: false, message: 'invalid query' };
          stack.push(a);
        } else {
          return { ok: false, message: 'invalid query' };
        }
      }
      continue;
    }
    const p = comparison(word);
    if (!p) return { ok: false, message: 'invalid query' };
    stack.push(p);
  }
  return { ok: true, matches: (item) => stack.every((p) => p(item)) };
}
