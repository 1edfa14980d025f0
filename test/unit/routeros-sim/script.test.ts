import { describe, expect, it } from 'vitest';
import { quoteValue } from '../../lab/routeros/export';
import { parseScript, type Token } from '../../lab/routeros/script/parser';

function statements(src: string): Token[][] {
  const p = parseScript(src);
  if (!p.ok) throw new Error(p.message);
  return p.statements;
}

const text = (t: Token | undefined) => (t && (t.kind === 'bare' || t.kind === 'string') ? t.text : undefined);

describe('script parser', () => {
  it('splits statements on newlines and semicolons, skipping comments', () => {
    const s = statements('# header\n/ip firewall nat ; print\n\n:delay 1s');
    expect(s.map((st) => st.map(text))).toEqual([['/ip', 'firewall', 'nat'], ['print'], [':delay', '1s']]);
  });

  it('keeps key= glued to a quoted value and unescapes it', () => {
    const [st] = statements('add comment="a \\"b\\" \\$c \\\\ d" list=x');
    expect(st?.map((t) => [t.kind, text(t), t.glued])).toEqual([
      ['bare', 'add', false],
      ['bare', 'comment=', false],
      ['string', 'a "b" $c \\ d', true],
      ['bare', 'list=', false],
      ['bare', 'x', true],
    ]);
  });

  it('parses [find where …] substitutions and { } blocks', () => {
    const [st] = statements(':do { remove [find where comment~"^fspbx"] } on-error={}');
    const block = st?.[1];
    expect(block?.kind).toBe('block');
    const inner = block?.kind === 'block' ? block.statements[0] : [];
    const sub = inner?.[1];
    expect(sub?.kind === 'sub' && sub.tokens.map(text)).toEqual(['find', 'where', 'comment~', '^fspbx']);
  });

  it('joins continued lines', () => {
    expect(statements('add list=a \\\n  address=1.2.3.4').map((st) => st.map(text))).toEqual([
      ['add', 'list=', 'a', 'address=', '1.2.3.4'],
    ]);
  });

  it('reports unbalanced input as a syntax error instead of throwing', () => {
    for (const bad of ['add comment="open', 'remove [find', ':do { x', 'x ]']) {
      const p = parseScript(bad);
      expect(p.ok, bad).toBe(false);
    }
    expect(parseScript('x'.repeat(70_000)).ok).toBe(false);
  });

  it('reads back every value the export quoting writes', () => {
    const hostile = ['plain', 'two words', 'q"uote', '$(reboot)', 'back\\slash', 'new\nline', 'Zürich ☎', '?;[]{}', ''];
    // Values are held as bytes (one char per byte), as the router stores them.
    for (const value of hostile.map((t) => Buffer.from(t, 'utf8').toString('latin1'))) {
      const [st] = statements(`set comment=${quoteValue(value)}`);
      expect(text(st?.[2]) ?? '', JSON.stringify(value)).toBe(value);
    }
  });
});
