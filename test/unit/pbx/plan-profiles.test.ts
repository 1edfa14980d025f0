/**
 * The internal profile's NAT settings and the external profile's review (plan/plan-profiles.ts),
 * change by change and sentence by sentence. From FreeSWITCH (signalwire/freeswitch @cc93a683,
 * src/mod/endpoints/mod_sofia/sofia.c): a single-value param read again overwrites the one before
 * (the last enabled row wins), `apply-nat-acl` rows add up (:5708-5719) and an entry `none` empties
 * the list parsed before it (:5708-5712). FS PBX's Lua emits only enabled rows (sofia.conf.lua:88-95).
 * Plain data: the stock PBX fixture.
 */
import { describe, expect, it } from 'vitest';
import { newOutcome } from '../../../electron/pbx/plan/plan-outcome';
import { planInternalProfile, reviewProfile } from '../../../electron/pbx/plan/plan-profiles';
import type { PbxState, SettingRow } from '../../../electron/pbx/model/state';
import { PROFILE, stockPbx } from './fixtures/stock';

const ACL_WHY =
  'Lets FreeSWITCH recognise phones behind NAT (private addresses) and answer them at their public address.';
const AGGRESSIVE_WHY =
  'Makes the internal profile look for NAT in every request, so remote phones behind NAT keep working.';

const internal = (state: PbxState) => state.profiles.find((p) => p.sip_profile_uuid === PROFILE.internal)!;
const external = (state: PbxState) => state.profiles.find((p) => p.sip_profile_uuid === PROFILE.external)!;

function rows(state: PbxState, name: string): SettingRow[] {
  return state.settings.filter((r) => r.sip_profile_uuid === PROFILE.internal && r.sip_profile_setting_name === name);
}

function extra(state: PbxState, n: number, name: string, value: string | null, enabled = 'true'): SettingRow {
  const row: SettingRow = {
    ...state.settings[0]!,
    sip_profile_setting_uuid: `a0000000-0000-4000-8000-0000000005${String(n).padStart(2, '0')}`,
    sip_profile_uuid: PROFILE.internal,
    sip_profile_setting_name: name,
    sip_profile_setting_value: value,
    sip_profile_setting_enabled: enabled,
  };
  state.settings.push(row);
  return row;
}

function planned(state: PbxState) {
  const out = newOutcome();
  planInternalProfile(state, internal(state), out);
  return out;
}

describe('the internal profile on a stock PBX', () => {
  it('is settled as it is, setting by setting', () => {
    const out = planned(stockPbx());
    expect(out.changes).toEqual([]);
    expect(out.warnings).toEqual([]);
    expect(out.settled).toEqual([
      {
        path: 'v_sip_profile_settings',
        item: 'internal aggressive-nat-detection',
        value: 'true',
        message: 'internal aggressive-nat-detection is already true.',
      },
      {
        path: 'v_sip_profile_settings',
        item: 'internal apply-nat-acl',
        value: 'nat.auto',
        message: 'internal apply-nat-acl is already nat.auto.',
      },
    ]);
  });
});

describe('a single-value setting (aggressive-nat-detection)', () => {
  it('sets each enabled row that differs, and only those', () => {
    const state = stockPbx();
    const [first] = rows(state, 'aggressive-nat-detection');
    first!.sip_profile_setting_value = 'false';
    extra(state, 1, 'aggressive-nat-detection', 'true');
    const out = planned(state);
    expect(out.changes).toEqual([
      {
        target: 'pbx',
        path: 'v_sip_profile_settings',
        action: 'set',
        key: first!.sip_profile_setting_uuid,
        before: { sip_profile_setting_value: 'false' },
        after: { sip_profile_setting_value: 'true' },
        reason: AGGRESSIVE_WHY,
        label: 'internal › aggressive-nat-detection',
      },
    ]);
    expect(out.settled.map((s) => s.item)).toEqual(['internal apply-nat-acl']);
  });

  it('enables the first disabled row with the value when no row is enabled', () => {
    const state = stockPbx();
    const [first] = rows(state, 'aggressive-nat-detection');
    first!.sip_profile_setting_enabled = 'false';
    first!.sip_profile_setting_value = 'false';
    extra(state, 1, 'aggressive-nat-detection', 'true', 'false');
    expect(planned(state).changes).toEqual([
      expect.objectContaining({
        key: first!.sip_profile_setting_uuid,
        before: { sip_profile_setting_value: 'false', sip_profile_setting_enabled: 'false' },
        after: { sip_profile_setting_value: 'true', sip_profile_setting_enabled: 'true' },
        reason: AGGRESSIVE_WHY,
        label: 'internal › aggressive-nat-detection',
      }),
    ]);
  });

  it('adds an enabled row when the profile has none', () => {
    const state = stockPbx();
    state.settings = state.settings.filter((r) => !rows(state, 'aggressive-nat-detection').includes(r));
    expect(planned(state).changes).toEqual([
      {
        target: 'pbx',
        path: 'v_sip_profile_settings',
        action: 'add',
        before: null,
        after: {
          sip_profile_uuid: PROFILE.internal,
          sip_profile_setting_name: 'aggressive-nat-detection',
          sip_profile_setting_value: 'true',
          sip_profile_setting_enabled: 'true',
          sip_profile_setting_description: null,
        },
        reason: AGGRESSIVE_WHY,
        label: 'internal › aggressive-nat-detection',
      },
    ]);
  });
});

describe('a setting whose rows add up (apply-nat-acl)', () => {
  it('changes the first enabled row that is not none, saying why it is not a second row', () => {
    const state = stockPbx();
    const [acl] = rows(state, 'apply-nat-acl');
    acl!.sip_profile_setting_value = 'rfc1918.auto';
    extra(state, 1, 'apply-nat-acl', 'lan.auto');
    const out = planned(state);
    expect(out.changes).toEqual([
      {
        target: 'pbx',
        path: 'v_sip_profile_settings',
        action: 'set',
        key: acl!.sip_profile_setting_uuid,
        before: { sip_profile_setting_value: 'rfc1918.auto' },
        after: { sip_profile_setting_value: 'nat.auto' },
        reason: `${ACL_WHY} The rows add up, so the existing one is changed rather than a second one added.`,
        label: 'internal › apply-nat-acl',
      },
    ]);
  });

  it('warns about an enabled none row (any case) and changes another row, never the none one', () => {
    const state = stockPbx();
    const [acl] = rows(state, 'apply-nat-acl');
    acl!.sip_profile_setting_value = 'NONE';
    const other = extra(state, 1, 'apply-nat-acl', 'lan.auto');
    const out = planned(state);
    expect(out.warnings).toEqual([
      {
        code: 'nat-acl-none',
        target: 'pbx',
        message:
          'internal apply-nat-acl has an enabled row "none", which wipes the nat.auto entry when FreeSWITCH reads it after it (the order is not fixed). Disable that row in FS PBX (Advanced › SIP Profiles › internal).',
      },
    ]);
    expect(out.changes.map((c) => c.key)).toEqual([other.sip_profile_setting_uuid]);
  });

  it('with only a none row enabled, enables a disabled row holding the value before any other disabled one', () => {
    const state = stockPbx();
    const [acl] = rows(state, 'apply-nat-acl');
    acl!.sip_profile_setting_value = 'none';
    const offOther = extra(state, 1, 'apply-nat-acl', 'lan.auto', 'false');
    const offWanted = extra(state, 2, 'apply-nat-acl', 'nat.auto', 'false');
    const out = planned(state);
    expect(out.changes).toEqual([
      expect.objectContaining({
        key: offWanted.sip_profile_setting_uuid,
        after: { sip_profile_setting_value: 'nat.auto', sip_profile_setting_enabled: 'true' },
        reason: ACL_WHY,
        label: 'internal › apply-nat-acl',
      }),
    ]);
    expect(out.warnings.map((w) => w.code)).toEqual(['nat-acl-none']);
    // Without that one, the first disabled row is enabled with the value.
    state.settings = state.settings.filter((r) => r !== offWanted);
    expect(planned(state).changes).toEqual([
      expect.objectContaining({
        key: offOther.sip_profile_setting_uuid,
        before: { sip_profile_setting_value: 'lan.auto', sip_profile_setting_enabled: 'false' },
        after: { sip_profile_setting_value: 'nat.auto', sip_profile_setting_enabled: 'true' },
      }),
    ]);
    // With no other row at all, one is added.
    state.settings = state.settings.filter((r) => r !== offOther);
    expect(planned(state).changes).toEqual([
      expect.objectContaining({
        action: 'add',
        after: expect.objectContaining({
          sip_profile_setting_name: 'apply-nat-acl',
          sip_profile_setting_value: 'nat.auto',
        }),
      }),
    ]);
  });

  it('settles the value when an enabled row has it, naming the other enabled rows that add up, but not none', () => {
    const state = stockPbx();
    extra(state, 1, 'apply-nat-acl', 'lan.auto');
    extra(state, 2, 'apply-nat-acl', 'wan.auto');
    extra(state, 3, 'apply-nat-acl', 'none');
    extra(state, 4, 'apply-nat-acl', 'wan.auto', 'false');
    const out = planned(state);
    expect(out.changes).toEqual([]);
    expect(out.settled.map((s) => s.item)).toContain('internal apply-nat-acl');
    expect(out.warnings).toEqual([
      expect.objectContaining({ code: 'nat-acl-none' }),
      {
        code: 'nat-acl-cumulative',
        target: 'pbx',
        message: 'internal apply-nat-acl also has lan.auto, wan.auto: these rows add up; check they are wanted.',
      },
    ]);
  });
});

describe('the external profile’s review', () => {
  it('lists every reviewed setting: rows as they are, a missing one with what applies instead', () => {
    const state = stockPbx();
    const review = reviewProfile(state, external(state));
    expect(review.map((r) => r.name)).toEqual([
      'sip-ip',
      'sip-port',
      'rtp-ip',
      'ext-sip-ip',
      'ext-rtp-ip',
      'aggressive-nat-detection',
      'apply-nat-acl',
      'local-network-acl',
      'apply-inbound-acl',
      'NDLB-force-rport',
    ]);
    expect(review.find((r) => r.name === 'aggressive-nat-detection')).toEqual({
      name: 'aggressive-nat-detection',
      value: null,
      enabled: false,
      note: 'No row: fine for trunks, which are not behind NAT.',
    });
    expect(review.find((r) => r.name === 'NDLB-force-rport')).toEqual({
      name: 'NDLB-force-rport',
      value: null,
      enabled: false,
      note: 'No row: FreeSWITCH’s default applies.',
    });
    expect(review.find((r) => r.name === 'ext-sip-ip')).toEqual({
      name: 'ext-sip-ip',
      value: '$${external_sip_ip}',
      enabled: true,
      note: 'OK.',
    });
  });

  it('says when ext-sip-ip or ext-rtp-ip does not read the FS PBX variable, and that a disabled row is ignored', () => {
    const state = stockPbx();
    const row = (name: string) =>
      state.settings.find((r) => r.sip_profile_uuid === PROFILE.external && r.sip_profile_setting_name === name)!;
    row('ext-sip-ip').sip_profile_setting_value = '203.0.113.2';
    row('ext-rtp-ip').sip_profile_setting_value = null;
    Object.assign(row('sip-ip'), { sip_profile_setting_enabled: 'false' });
    const review = reviewProfile(state, external(state));
    const note = (name: string) => review.find((r) => r.name === name)!.note;
    const notVar = 'Not the FS PBX variable: the external_*_ip fix does not reach this profile.';
    expect(note('ext-sip-ip')).toBe(notVar);
    expect(note('ext-rtp-ip')).toBe(notVar);
    expect(review.find((r) => r.name === 'sip-ip')).toEqual({
      name: 'sip-ip',
      value: '$${local_ip_v4}',
      enabled: false,
      note: 'Disabled row: ignored.',
    });
    // A literal address elsewhere is fine; a disabled ext row is only ignored.
    row('ext-sip-ip').sip_profile_setting_enabled = 'false';
    expect(reviewProfile(state, external(state)).find((r) => r.name === 'ext-sip-ip')!.note).toBe(
      'Disabled row: ignored.',
    );
    row('sip-port').sip_profile_setting_value = '5999';
    expect(reviewProfile(state, external(state)).find((r) => r.name === 'sip-port')!.note).toBe('OK.');
    // Either variable counts.
    row('ext-rtp-ip').sip_profile_setting_value = 'autonat:$${external_sip_ip}';
    expect(reviewProfile(state, external(state)).find((r) => r.name === 'ext-rtp-ip')!.note).toBe('OK.');
  });
});
