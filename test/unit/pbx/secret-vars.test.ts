import { describe, expect, it } from 'vitest';
import { planPbxRestore } from '../../../electron/pbx/restore/restore';
import {
  isSecretVar,
  REDACTED_VALUE,
  redactSecretVars,
  withSecretsFrom,
} from '../../../electron/pbx/model/secret-vars';
import type { PbxState } from '../../../electron/pbx/model/state';
import { renderedVarsXml, stockPbx } from './fixtures/stock';

const SECRET = 'Tr0ub4dor&3';

/** A stock PBX whose v_vars hold FS PBX's default_password, as a real install does. */
function withDefaultPassword(value = SECRET): PbxState {
  const state = stockPbx();
  const template = state.vars[0]!;
  // Written by hand: the wizard itself refuses to write a value holding `&` (vars-xml.ts).
  state.varsXml = `${renderedVarsXml(state.vars, state.switchname)}<X-PRE-PROCESS cmd="set" data="default_password=${value}" />\n`;
  state.vars = [
    ...state.vars,
    { ...template, var_uuid: 'b0000000-0000-4000-8000-000000000099', var_name: 'default_password', var_value: value },
  ];
  return state;
}

describe('secret switch variables', () => {
  it('are told by their names', () => {
    expect(['default_password', 'voicemail_password', 'api_key', 'xml_rpc_secret'].every(isSecretVar)).toBe(true);
    expect(['external_rtp_ip', 'domain', 'global_codec_prefs'].some(isSecretVar)).toBe(false);
  });

  it('leave the laptop redacted: in the rows and in vars.xml', () => {
    const bundled = redactSecretVars(withDefaultPassword());
    expect(JSON.stringify(bundled)).not.toContain(SECRET);
    expect(bundled.vars.find((v) => v.var_name === 'default_password')?.var_value).toBe(REDACTED_VALUE);
    expect(bundled.varsXml).toContain(`default_password=${REDACTED_VALUE}`);
    expect(bundled.vars.find((v) => v.var_name === 'external_rtp_ip')?.var_value).toBe('$${local_ip_v4}');
  });

  it('are left as the PBX holds them now by a restore from a redacted snapshot', () => {
    const snapshot = redactSecretVars(withDefaultPassword());
    const now = withDefaultPassword('changed-since');
    now.vars = now.vars.map((v) => (v.var_name === 'external_rtp_ip' ? { ...v, var_value: 'autonat:203.0.113.2' } : v));
    const plan = planPbxRestore(withSecretsFrom(snapshot, now), now);
    expect(JSON.stringify(plan)).not.toContain(REDACTED_VALUE);
    expect(plan.changes.some((c) => JSON.stringify(c).includes('default_password'))).toBe(false);
    // What is not secret is still put back.
    expect(plan.changes.some((c) => JSON.stringify(c.after).includes('$${local_ip_v4}'))).toBe(true);
  });

  it('change nothing in a snapshot that was never redacted', () => {
    const local = withDefaultPassword();
    expect(withSecretsFrom(local, withDefaultPassword('other'))).toBe(local);
  });
});
