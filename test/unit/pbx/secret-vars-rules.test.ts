/**
 * The secret switch variables (pbx/model/secret-vars.ts) rule by rule: what a bundle's snapshot
 * carries redacted, what a restore from it takes from the PBX as it is now, and which values are
 * searched for in free text. FS PBX keeps `default_password` and friends in v_vars and writes them
 * into vars.xml as `<X-PRE-PROCESS cmd="set" data="name=value" />` lines (SwitchVariableService.php
 * :151-203). Plain data: the stock PBX fixture with secret rows added.
 */
import { describe, expect, it } from 'vitest';
import {
  hideSecretValues,
  REDACTED_VALUE,
  redactSecretVars,
  secretValues,
  withSecretsFrom,
} from '../../../electron/pbx/model/secret-vars';
import type { PbxState, VarRow } from '../../../electron/pbx/model/state';
import { stockPbx } from './fixtures/stock';

function secretRow(n: number, name: string, value: string | null): VarRow {
  return {
    ...stockPbx().vars[0]!,
    var_uuid: `b0000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`,
    var_category: 'Defaults',
    var_name: name,
    var_value: value,
  };
}

function withSecrets(rows: VarRow[]): PbxState {
  const state = stockPbx();
  state.vars = [...state.vars, ...rows];
  state.varsXml = `${state.varsXml}${rows.map((r) => `<X-PRE-PROCESS cmd="set" data="${r.var_name}=${r.var_value}" />\n`).join('')}`;
  return state;
}

describe('a snapshot as a bundle carries it', () => {
  it('redacts each secret row and its vars.xml line, and leaves every other row, line and field as it was', () => {
    const state = withSecrets([secretRow(1, 'default_password', 'Tr0ub4dor3'), secretRow(2, 'voicemail_pin', '123')]);
    const bundled = redactSecretVars(state);
    expect(bundled.vars.map((v) => v.var_value)).toEqual([
      ...stockPbx().vars.map((v) => v.var_value),
      REDACTED_VALUE,
      REDACTED_VALUE,
    ]);
    // Rows that are not secret are the very same objects: nothing else is touched.
    expect(bundled.vars.slice(0, 9).every((v, i) => v === state.vars[i])).toBe(true);
    expect(bundled.varsXml).toContain(`data="default_password=${REDACTED_VALUE}"`);
    // A 3-digit PIN goes too: found by its name, however short.
    expect(bundled.varsXml).toContain(`data="voicemail_pin=${REDACTED_VALUE}"`);
    expect(bundled.varsXml).toContain('data="external_rtp_ip=$${local_ip_v4}"');
    expect({ ...bundled, vars: state.vars, varsXml: state.varsXml }).toEqual(state);
    // The input is not changed.
    expect(state.vars.at(-1)!.var_value).toBe('123');
  });

  it('keeps a vars.xml that could not be read as unread', () => {
    const state = withSecrets([secretRow(1, 'default_password', 'Tr0ub4dor3')]);
    state.varsXml = null;
    expect(redactSecretVars(state).varsXml).toBeNull();
  });
});

describe('a restore from a redacted snapshot', () => {
  it('takes each redacted value from the PBX now, leaves out a row the PBX no longer has, keeps every other row of the snapshot', () => {
    const snapshot = redactSecretVars(
      withSecrets([secretRow(1, 'default_password', 'old-secret'), secretRow(2, 'api_key', 'old-key-123')]),
    );
    snapshot.vars = snapshot.vars.map((v) => (v.var_name === 'call_debug' ? { ...v, var_value: 'true' } : v));
    const now = withSecrets([secretRow(1, 'default_password', 'new-secret')]);
    const completed = withSecretsFrom(snapshot, now);
    expect(completed.vars.map((v) => [v.var_name, v.var_value])).toEqual([
      ...snapshot.vars.slice(0, 9).map((v) => [v.var_name, v.var_value]),
      ['default_password', 'new-secret'],
    ]);
    // The snapshot's own value where it was not redacted, not the PBX's.
    expect(completed.vars.find((v) => v.var_name === 'call_debug')!.var_value).toBe('true');
    // vars.xml is rendered again from the rows, never from redacted text.
    expect(completed.varsXml).toBeNull();
    expect({ ...completed, vars: snapshot.vars, varsXml: snapshot.varsXml }).toEqual(snapshot);
  });
});

describe('the secret values searched for in free text', () => {
  it('are the values of secret names, four characters or more, never the redaction mark or NULL', () => {
    const state = withSecrets([
      secretRow(1, 'default_password', 'abcd'),
      secretRow(2, 'api_key', 'abc'),
      secretRow(3, 'ldap_bind_pw', REDACTED_VALUE),
      secretRow(4, 'xml_rpc_secret', null),
      secretRow(5, 'voicemail_password', 'hunter22'),
    ]);
    state.vars.push({ ...secretRow(6, 'domain_name_long', 'pbx.example.com') });
    expect(secretValues(state)).toEqual(['abcd', 'hunter22']);
  });

  it('are hidden wherever they stand, and a secret name’s vars.xml value goes however short', () => {
    const text = 'curl -u admin:hunter22 http://127.0.0.1/\n<X-PRE-PROCESS cmd="set" data="voicemail_pin=123" />';
    const hidden = hideSecretValues(text, ['hunter22']);
    expect(hidden).not.toContain('hunter22');
    expect(hidden).not.toContain('=123"');
    expect(hidden).toContain(`data="voicemail_pin=${REDACTED_VALUE}"`);
    expect(hidden).toContain('http://127.0.0.1/');
  });
});
