import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../lab/routeros/api/query';

const items: Record<string, string>[] = [
  { '.id': '*1', chain: 'input', action: 'accept', protocol: 'icmp', disabled: 'false' },
  { '.id': '*2', chain: 'input', action: 'drop', disabled: 'true' },
  { '.id': '*3', chain: 'forward', action: 'drop', disabled: 'false', bytes: '1500' },
];

function ids(...words: string[]): string[] {
  const q = compileQuery(words);
  if (!q.ok) throw new Error(q.message);
  return items.filter(q.matches).map((i) => i['.id'] ?? '');
}

describe('API query stack', () => {
  it('ands plain comparisons', () => expect(ids('?chain=input', '?action=drop')).toEqual(['*2']));
  it('accepts the ?= form and yes/no for booleans', () => expect(ids('?=disabled=yes')).toEqual(['*2']));
  it('tests presence and absence', () => {
    expect(ids('?protocol')).toEqual(['*1']);
    expect(ids('?-protocol')).toEqual(['*2', '*3']);
  });
  it('ors with ?#|', () => expect(ids('?protocol=icmp', '?chain=forward', '?#|')).toEqual(['*1', '*3']));
  it('negates with ?#!', () => expect(ids('?chain=input', '?#!')).toEqual(['*3']));
  it('combines several operations in one word', () =>
    expect(ids('?chain=input', '?action=drop', '?#&!')).toEqual(['*1', '*3']));
  it('compares numbers with ?< and ?>', () => {
    expect(ids('?>bytes=1000')).toEqual(['*3']);
    expect(ids('?<bytes=1000')).toEqual([]);
  });
  it('matches everything without queries', () => expect(ids()).toEqual(['*1', '*2', '*3']));
  it('refuses a stack underflow instead of guessing', () => {
    expect(compileQuery(['?#|']).ok).toBe(false);
    expect(compileQuery(['?chain=input', '?#x']).ok).toBe(false);
  });
});
