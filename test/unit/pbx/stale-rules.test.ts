/**
 * Profiles running stale NAT addresses although the configuration is right (plan/stale.ts): the
 * cached sofia.conf of an earlier run or a reloadxml that never happened leave FreeSWITCH with the
 * old ext-rtp-ip / ext-sip-ip (FS PBX's Lua caches the resolved XML, sofia.conf.lua:256-263, :308),
 * which `sofia xmlstatus profile <name>` shows. Only profiles FreeSWITCH loads here (enabled exactly
 * 'true', hostname NULL, '' or the switchname: sofia.conf.lua:88-95) whose enabled rows read the
 * variables count. Plain data: the stock PBX fixture.
 */
import { describe, expect, it } from 'vitest';
import { staleProfiles } from '../../../electron/pbx/plan/stale';
import type { PbxState } from '../../../electron/pbx/model/state';
import { PROFILE, stockPbx } from './fixtures/stock';

const PUBLIC = '203.0.113.2';
const TARGET = `autonat:${PUBLIC}`;

/** The rows after the plan: both NAT variables autonat:<public>. */
function fixed(state: PbxState): PbxState {
  const after = structuredClone(state);
  for (const v of after.vars)
    if (v.var_name === 'external_rtp_ip' || v.var_name === 'external_sip_ip') v.var_value = TARGET;
  return after;
}

function running(state: PbxState, info: Record<string, Record<string, string>>): PbxState {
  state.running = Object.entries(info).map(([name, i]) => ({ name, info: i }));
  return state;
}

describe('staleProfiles', () => {
  it('names each loaded profile reading the variables whose running ext-rtp-ip or ext-sip-ip is neither the address nor autonat:', () => {
    const state = stockPbx();
    expect(staleProfiles(state, fixed(state), PUBLIC)).toEqual(['internal', 'external']);
    running(state, {
      internal: { 'ext-rtp-ip': PUBLIC, 'ext-sip-ip': '192.168.88.10' },
      external: { 'ext-rtp-ip': '192.168.88.10', 'ext-sip-ip': TARGET },
    });
    expect(staleProfiles(state, fixed(state), PUBLIC)).toEqual(['internal', 'external']);
  });

  it('names none that already run the address, in either form, or that show no address', () => {
    const state = running(stockPbx(), {
      internal: { 'ext-rtp-ip': PUBLIC, 'ext-sip-ip': PUBLIC },
      external: { 'ext-rtp-ip': TARGET, 'ext-sip-ip': TARGET },
      'internal-ipv6': {},
    });
    state.profiles.find((p) => p.sip_profile_name === 'internal-ipv6')!.sip_profile_enabled = 'true';
    expect(staleProfiles(state, fixed(state), PUBLIC)).toEqual([]);
    running(state, { internal: { 'sip-ip': '192.168.88.10' } });
    expect(staleProfiles(state, fixed(state), PUBLIC)).toEqual([]);
  });

  it('names none while the variables after the plan are not both autonat:<address>, enabled, for this switch', () => {
    const state = stockPbx();
    const cases: ((after: PbxState) => void)[] = [
      (a) => (a.vars.find((v) => v.var_name === 'external_rtp_ip')!.var_value = PUBLIC),
      (a) => (a.vars.find((v) => v.var_name === 'external_sip_ip')!.var_value = 'autonat:198.51.100.1'),
      (a) => (a.vars.find((v) => v.var_name === 'external_sip_ip')!.var_enabled = 'false'),
      (a) => (a.vars.find((v) => v.var_name === 'external_rtp_ip')!.var_hostname = 'other-node'),
      (a) => (a.vars = a.vars.filter((v) => v.var_name !== 'external_sip_ip')),
    ];
    for (const spoil of cases) {
      const after = fixed(state);
      spoil(after);
      expect(staleProfiles(state, after, PUBLIC), spoil.toString()).toEqual([]);
    }
    const forThisSwitch = fixed(state);
    forThisSwitch.vars.find((v) => v.var_name === 'external_rtp_ip')!.var_hostname = 'pbx';
    expect(staleProfiles(state, forThisSwitch, PUBLIC)).toEqual(['internal', 'external']);
  });

  it('names none when FreeSWITCH did not answer', () => {
    const state = stockPbx();
    state.running = null;
    expect(staleProfiles(state, fixed(state), PUBLIC)).toEqual([]);
  });

  it('skips a running profile FreeSWITCH would not load from these rows, or whose enabled rows do not read the variables', () => {
    const disabled = stockPbx();
    disabled.profiles.find((p) => p.sip_profile_name === 'external')!.sip_profile_enabled = 'false';
    expect(staleProfiles(disabled, fixed(disabled), PUBLIC)).toEqual(['internal']);

    const elsewhere = stockPbx();
    elsewhere.profiles.find((p) => p.sip_profile_name === 'external')!.sip_profile_hostname = 'other-node';
    expect(staleProfiles(elsewhere, fixed(elsewhere), PUBLIC)).toEqual(['internal']);

    const unknown = running(stockPbx(), { gone: { 'ext-rtp-ip': '192.168.88.10' } });
    expect(staleProfiles(unknown, fixed(unknown), PUBLIC)).toEqual([]);

    const literal = stockPbx();
    for (const r of literal.settings) {
      if (r.sip_profile_uuid !== PROFILE.external) continue;
      if (r.sip_profile_setting_name === 'ext-rtp-ip') r.sip_profile_setting_value = '198.51.100.7';
      if (r.sip_profile_setting_name === 'ext-sip-ip') r.sip_profile_setting_enabled = 'false';
    }
    expect(staleProfiles(literal, fixed(literal), PUBLIC)).toEqual(['internal']);
  });

  it('counts a profile reading only one of the two variables', () => {
    const state = stockPbx();
    for (const r of state.settings) {
      if (r.sip_profile_uuid === PROFILE.external && r.sip_profile_setting_name === 'ext-rtp-ip') {
        r.sip_profile_setting_value = '198.51.100.7';
      }
    }
    expect(staleProfiles(state, fixed(state), PUBLIC)).toEqual(['internal', 'external']);
    for (const r of state.settings) {
      if (r.sip_profile_uuid === PROFILE.external && r.sip_profile_setting_name === 'ext-sip-ip') {
        r.sip_profile_setting_value = '198.51.100.7';
        r.sip_profile_setting_enabled = 'true';
      }
      if (r.sip_profile_uuid === PROFILE.external && r.sip_profile_setting_name === 'ext-rtp-ip') {
        r.sip_profile_setting_value = '$${external_rtp_ip}';
      }
    }
    expect(staleProfiles(state, fixed(state), PUBLIC)).toEqual(['internal', 'external']);
  });
});
