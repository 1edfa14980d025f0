/**
 * vars.xml read as FreeSWITCH's preprocessor reads it (signalwire/freeswitch switch_xml.c:1483-1600):
 * a line holding <X-PRE-PROCESS runs even inside an ordinary <!-- --> comment (:1525), so a
 * commented override still sets the variable, and the wizard must see it to rewrite the file.
 */
import { describe, expect, it } from 'vitest';
import { varsXmlDisagrees, varsXmlValues } from '../../../electron/pbx/plan/plan-vars';
import { stockPbx } from './fixtures/stock';

const line = (data: string) => `<X-PRE-PROCESS cmd="set" data="${data}"/>`;

describe('vars.xml as the preprocessor runs it', () => {
  it('runs a set line inside an ordinary comment, last one wins', () => {
    const xml = [
      '<include>',
      line('external_sip_ip=203.0.113.2'),
      `<!-- ${line('external_sip_ip=192.168.88.10')} -->`,
      '</include>',
    ].join('\n');
    expect(varsXmlValues(xml).get('external_sip_ip')).toBe('192.168.88.10');
  });

  it('skips lines inside an old-style <!--# comment, and the <include> lines', () => {
    const xml = [
      '<include>' + line('a=skipped'),
      line('a=1'),
      '<!--# old comment',
      line('a=2'),
      '-->',
      line('b = x '),
    ].join('\n');
    const values = varsXmlValues(xml);
    expect(values.get('a')).toBe('1');
    // The name loses its trailing spaces, the value its leading ones only (switch_xml.c:1570-1585).
    expect(values.get('b')).toBe('x ');
  });

  it('a commented override of a NAT variable makes the file disagree with v_vars, so it is rewritten', () => {
    const state = stockPbx();
    const rendered = state.varsXml!;
    expect(varsXmlDisagrees(state, rendered)).toBe(false);
    const overridden = `${rendered}<!-- ${line('external_sip_ip=198.51.100.99')} -->\n`;
    expect(varsXmlDisagrees({ ...state, varsXml: overridden }, rendered)).toBe(true);
  });
});
