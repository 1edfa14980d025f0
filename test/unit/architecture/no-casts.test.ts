/**
 * Stored and imported data is parsed, never cast (issue 22): in the store, the bundle, the site
 * layer and the API handlers no `as T` or `<T>x` assertion may name a type, except to `unknown`
 * or `const`, and the error narrowing of a caught value. The one file allowed more is the SQLite
 * adapter, which types the driver's statements, not data (its rows are parsed by the callers).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../../..');
const FOLDERS = ['electron/store', 'electron/bundle', 'electron/site', 'electron/api/handlers'];
const ADAPTERS = new Set(['electron/store/sqlite.ts']);
const ALLOWED_TYPES = new Set(['unknown', 'unknown[]', 'const', 'NodeJS.ErrnoException', 'Error']);

function files(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every type assertion in a source text, as `file:line as Type`. */
export function castsIn(path: string, text: string): string[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) {
      const type = node.type.getText(source);
      if (!ALLOWED_TYPES.has(type)) {
        const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        found.push(`${path}:${line} as ${type}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('stored and imported data is parsed, never cast', () => {
  it('holds in the store, the bundle, the site layer and the handlers', () => {
    const checked = FOLDERS.flatMap(files).map((f) => relative(root, join(root, f)));
    expect(checked.length).toBeGreaterThan(40);
    const casts = checked
      .filter((f) => !ADAPTERS.has(f))
      .flatMap((f) => castsIn(f, readFileSync(join(root, f), 'utf8')));
    expect(casts).toEqual([]);
  });

  it('finds a cast where there is one, and lets the allowed ones be', () => {
    expect(castsIn('x.ts', 'const plan = JSON.parse(text) as SitePlan;')).toEqual(['x.ts:1 as SitePlan']);
    expect(castsIn('x.ts', 'const run = <RunRecord>row;')).toEqual(['x.ts:1 as RunRecord']);
    expect(castsIn('x.ts', 'const a = [1] as const; const b = x as unknown; const c = e as Error;')).toEqual([]);
  });
});
