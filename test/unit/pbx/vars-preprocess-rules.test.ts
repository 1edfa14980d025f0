/**
 * vars.xml read as FreeSWITCH's preprocessor reads it (plan/plan-vars.ts varsXmlValues), rule by
 * rule from signalwire/freeswitch @cc93a683 src/switch_xml.c: a line holding <include>, </include>
 * or <? is skipped (:1511-1513); inside an old `<!--#` comment lines are skipped until one holding
 * `-->`, whose rest is read (:1515-1523, :1608-1623); `X-pre-process` (any case) counts only right
 * after a '<' (:1525-1528); cmd, '=' and a quote are looked for in that order from there, then
 * data the same way, each value up to the next quote (:1538-1572); only `set` sets, the name cut
 * at the first '=' with its trailing spaces trimmed and the value's leading spaces (:1574-1591).
 */
import { describe, expect, it } from 'vitest';
import { varsXmlValues } from '../../../electron/pbx/plan/plan-vars';

const set = (data: string) => `<X-PRE-PROCESS cmd="set" data="${data}"/>`;
const values = (...lines: string[]) => Object.fromEntries(varsXmlValues(lines.join('\n')));

describe('varsXmlValues', () => {
  it('skips every line holding <include>, </include> or <?, whatever else it holds', () => {
    expect(
      values(`<?xml version="1.0"?>${set('a=1')}`, `<include>${set('b=1')}`, `</include>${set('c=1')}`, set('d=1')),
    ).toEqual({ d: '1' });
  });

  it('reads the rest of the line that closes an old-style comment, even when --> starts it', () => {
    expect(values('<!--# opened', set('a=inside'), `-->${set('a=after')}`)).toEqual({ a: 'after' });
    expect(values('<!--# opened', `${set('b=inside')} --> ${set('b=after')}`)).toEqual({ b: 'after' });
    // Every line before the closing one is skipped, however it starts.
    expect(values('<!--# opened', `   ${set('d=inside')}`, '-->')).toEqual({});
    // A one-line old-style comment closes itself: the next line is read.
    expect(values('<!--# one line -->', set('c=1'))).toEqual({ c: '1' });
  });

  it('runs X-pre-process in any case only right after a <', () => {
    expect(values('<x-pre-process cmd="set" data="a=1"/>', `[X-PRE-PROCESS cmd="set" data="b=1"/>`)).toEqual({
      a: '1',
    });
  });

  it('finds cmd and data after X-pre-process, with spaces around =, and not in text before it', () => {
    expect(values('<X-PRE-PROCESS cmd = "set" data = "a=1"/>')).toEqual({ a: '1' });
    expect(values(`<!-- cmd="exec" --><X-PRE-PROCESS cmd="set" data="b=2"/>`)).toEqual({ b: '2' });
  });

  it('sets only for cmd set (any case), and only data holding an =', () => {
    expect(
      values(
        '<X-PRE-PROCESS cmd="exec-set" data="a=echo x"/>',
        '<X-PRE-PROCESS cmd="env-set" data="b=HOME"/>',
        '<X-PRE-PROCESS cmd="SET" data="c=1"/>',
        set('lonely'),
        '<X-PRE-PROCESS cmd="set"/>',
      ),
    ).toEqual({ c: '1' });
  });

  it('trims only the name’s trailing spaces and the value’s leading spaces; the last line for a name wins', () => {
    expect(values(set('my var  =  x y '), set('z=1'), set('z=2'), set('w=a b'))).toEqual({
      'my var': 'x y ',
      z: '2',
      w: 'a b',
    });
  });
});
