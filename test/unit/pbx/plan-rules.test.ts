/**
 * The PBX planner's own rules (plan/plan.ts), around the parts it calls: its refusals word for
 * word, the warnings it adds itself (a public address that is private or CGNAT, an RTP range the
 * router forwards otherwise), the caller's fresh uuids for inserted rows, the plan's facts and the
 * review of the external profile only. Plain data: the stock PBX fixture.
 */
import { describe, expect, it } from 'vitest';
import { planPbx, type PbxPlanInputs } from '../../../electron/pbx/plan/plan';
import type { PbxState } from '../../../electron/pbx/model/state';
import { PROFILE, stockPbx } from './fixtures/stock';

const INPUTS: PbxPlanInputs = { publicIp: '203.0.113.2', mediaMode: 'leave', extensions: [] };

function planned(state: PbxState, inputs: Partial<PbxPlanInputs> = {}) {
  const result = planPbx(state, { ...INPUTS, ...inputs });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.plan;
}

const ID1 = 'c0000000-0000-4000-8000-000000000001';
const ID2 = 'c0000000-0000-4000-8000-000000000002';

describe('planPbx refuses', () => {
  it('a public address that is not an IPv4 address, and a PBX without an enabled internal profile, both at once', () => {
    const state = stockPbx();
    state.profiles = state.profiles.map((p) =>
      p.sip_profile_name === 'internal' ? { ...p, sip_profile_enabled: 'false' } : p,
    );
    // Refused before the extensions are looked at: an unknown one is not named as well.
    expect(planPbx(state, { ...INPUTS, publicIp: '203.0.113', mediaMode: 'proxy', extensions: ['9999'] })).toEqual({
      ok: false,
      errors: [
        {
          code: 'invalid_input',
          field: 'options.publicIp',
          message: '"203.0.113" is not an IPv4 address; enter the public address.',
        },
        {
          code: 'invalid_input',
          field: 'pbx',
          message: 'This PBX has no enabled "internal" SIP profile; it does not look like a stock FS PBX.',
        },
      ],
    });
  });

  it('an extension the technician named that the PBX does not have, and nothing else', () => {
    const result = planPbx(stockPbx(), { ...INPUTS, mediaMode: 'proxy', extensions: ['9999'] });
    expect(result).toEqual({
      ok: false,
      errors: [
        { code: 'invalid_input', field: 'options.extensions.0', message: 'There is no extension 9999 on this PBX.' },
      ],
    });
  });

  it('a fresh row id that is not a uuid', () => {
    const state = stockPbx();
    state.vars = state.vars.filter((v) => v.var_name !== 'external_sip_ip');
    for (const id of [`x${ID1}`, `${ID1}x`]) {
      expect(planPbx(state, { ...INPUTS, newIds: [id] }).ok, id).toBe(false);
    }
    expect(planPbx(state, { ...INPUTS, newIds: ['not-a-uuid'] })).toEqual({
      ok: false,
      errors: [{ code: 'internal', message: 'A fresh row id is not a uuid.', detail: 'not-a-uuid' }],
    });
  });

  it('a plan that would change a row the wizard does not manage (a NAT variable asking for exec-set)', () => {
    const state = stockPbx();
    state.vars = state.vars.map((v) => (v.var_name === 'external_sip_ip' ? { ...v, var_command: 'exec-set' } : v));
    const result = planPbx(state, INPUTS);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      {
        code: 'invalid_input',
        field: 'pbx',
        message:
          'A row the plan would change is not one the wizard manages (a NAT variable asking for a command other than set, or an unusual value): correct it in FS PBX and plan again.',
        detail: 'v_vars: columns or values the wizard does not write',
      },
    ]);
  });

  it('a vars.xml it cannot write safely, with the renderer’s reason', () => {
    const state = stockPbx();
    state.vars = state.vars.map((v) => (v.var_name === 'default_country' ? { ...v, var_value: 'U"S' } : v));
    const result = planPbx(state, INPUTS);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.message)).toEqual([expect.stringContaining('"default_country"')]);
  });
});

describe('planPbx on its own', () => {
  it('names inserted rows with the caller’s fresh ids in plan order, and leaves set changes and spare ids alone', () => {
    const state = stockPbx();
    state.vars = state.vars.filter((v) => v.var_name !== 'external_rtp_ip' && v.var_name !== 'external_sip_ip');
    const p = planned(state, { newIds: [ID1, ID2, 'c0000000-0000-4000-8000-000000000003'] });
    expect(p.changes.map((c) => [c.id, c.action, (c.after as Record<string, unknown>).var_uuid])).toEqual([
      ['pbx-001', 'add', ID1],
      ['pbx-002', 'add', ID2],
    ]);
    // Upper case is a uuid too.
    expect(planned(state, { newIds: [ID1.toUpperCase(), ID2] }).changes[0]!.after).toMatchObject({
      var_uuid: ID1.toUpperCase(),
    });
    // Without ids the database makes them.
    expect(planned(state).changes.map((c) => 'var_uuid' in (c.after as object))).toEqual([false, false]);
  });

  it('warns when the public address is private or CGNAT, never for a public one', () => {
    for (const publicIp of ['192.168.1.20', '10.1.2.3', '172.16.0.9', '100.64.0.1']) {
      const w = planned(stockPbx(), { publicIp }).warnings.filter((x) => x.code === 'public-ip-private');
      expect(w, publicIp).toEqual([
        {
          code: 'public-ip-private',
          target: 'pbx',
          message: `${publicIp} is not a public address: phones outside would be told to send audio to an address they cannot reach.`,
        },
      ]);
    }
    expect(planned(stockPbx()).warnings.map((w) => w.code)).not.toContain('public-ip-private');
  });

  it('warns when the router forwards another RTP range, at either end, and says which file set FreeSWITCH’s', () => {
    const state = stockPbx();
    const mismatch = (start: number, end: number) =>
      planned(state, { routerRtp: { start, end } }).warnings.filter((w) => w.code === 'rtp-range-mismatch');
    expect(mismatch(16384, 32768)).toEqual([]);
    expect(mismatch(16384, 32000)).toEqual([
      {
        code: 'rtp-range-mismatch',
        target: 'pbx',
        message: 'The router forwards RTP 16384-32000 but FreeSWITCH uses 16384-32768 (default): audio would be lost.',
      },
    ]);
    expect(mismatch(10000, 32768)).toHaveLength(1);
    expect(planned(state).warnings.map((w) => w.code)).not.toContain('rtp-range-mismatch');
  });

  it('states the facts it was made from and reviews only the external profiles', () => {
    const state = stockPbx();
    state.cache = { method: 'memcache', location: '127.0.0.1:11211' };
    state.rtp = { start: 20000, end: 30000, source: 'switch.conf.xml' };
    const p = planned(state);
    expect(p.facts).toEqual({
      'pbx.publicIp': '203.0.113.2',
      'pbx.rtp': '20000-30000 (switch.conf.xml)',
      'pbx.switchname': 'pbx',
      'pbx.cache': 'memcache 127.0.0.1:11211',
    });
    expect(p.review.map((r) => r.profile)).toEqual(['external']);
    expect(p.review[0]!.settings.find((s) => s.name === 'sip-port')!.value).toBe('5080');
  });

  it('keeps the parts’ warnings, the renderer’s and the steps’ in one list', () => {
    const state = stockPbx();
    state.firewall = null;
    state.switchname = 'pbx;x';
    state.vars.push({
      ...state.vars[0]!,
      var_uuid: 'b0000000-0000-4000-8000-000000000077',
      var_name: 'pwned',
      var_command: 'exec-set',
    });
    const codes = planned(state).warnings.map((w) => w.code);
    expect(codes).toEqual(['host-firewall-unknown', 'vars-command-left-out', 'unsafe-switchname']);
  });

  it('plans the internal profiles’ settings on every enabled internal profile', () => {
    const state = stockPbx();
    state.settings = state.settings.filter(
      (r) => !(r.sip_profile_uuid === PROFILE.internal && r.sip_profile_setting_name === 'apply-nat-acl'),
    );
    const p = planned(state);
    expect(p.changes.filter((c) => c.path === 'v_sip_profile_settings').map((c) => c.label)).toEqual([
      'internal › apply-nat-acl',
    ]);
  });
});
