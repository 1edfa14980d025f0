/**
 * A plan's changes applied to a state value as the database would (plan/apply-rows.ts) and the
 * `set` drafts the planner's parts make (plan/plan-outcome.ts setColumns): what the restart rules,
 * the rendered vars.xml and the "second plan is empty" proof are computed from. Plain data.
 */
import { describe, expect, it } from 'vitest';
import type { PbxChange } from '../../../electron/pbx/model/change';
import { applyPbxChanges } from '../../../electron/pbx/plan/apply-rows';
import { newOutcome, setColumns } from '../../../electron/pbx/plan/plan-outcome';
import { stockPbx } from './fixtures/stock';

const base = { target: 'pbx' as const, reason: 'test' };

describe('applyPbxChanges', () => {
  it('sets columns of the row by its key, in each table, leaving the other columns and the input alone', () => {
    const state = stockPbx();
    const v = state.vars.find((r) => r.var_name === 'external_sip_ip')!;
    const s = state.settings[0]!;
    const e = state.extensions[1]!;
    const changes: PbxChange[] = [
      { ...base, id: '1', path: 'v_vars', action: 'set', key: v.var_uuid, before: {}, after: { var_value: 'x' } },
      {
        ...base,
        id: '2',
        path: 'v_sip_profile_settings',
        action: 'set',
        key: s.sip_profile_setting_uuid,
        before: {},
        after: { sip_profile_setting_enabled: 'false' },
      },
      {
        ...base,
        id: '3',
        path: 'v_extensions',
        action: 'set',
        key: e.extension_uuid,
        before: {},
        after: { sip_bypass_media: null },
      },
    ];
    const next = applyPbxChanges(state, changes);
    expect(next.vars.find((r) => r.var_uuid === v.var_uuid)).toEqual({ ...v, var_value: 'x' });
    expect(next.settings[0]).toEqual({ ...s, sip_profile_setting_enabled: 'false' });
    expect(next.extensions[1]).toEqual({ ...e, sip_bypass_media: null });
    expect(state).toEqual(stockPbx());
    expect(next.vars.length).toBe(state.vars.length);
  });

  it('removes the row by its key and ignores a key no row has', () => {
    const state = stockPbx();
    const gone = state.vars[2]!;
    const next = applyPbxChanges(state, [
      { ...base, id: '1', path: 'v_vars', action: 'remove', key: gone.var_uuid, before: {}, after: null },
      { ...base, id: '2', path: 'v_vars', action: 'remove', key: 'nope', before: {}, after: null },
      { ...base, id: '3', path: 'v_vars', action: 'set', key: 'nope', before: {}, after: { var_value: 'y' } },
    ]);
    expect(next.vars).toEqual(state.vars.filter((r) => r !== gone));
  });

  it('inserts rows at the end with a stand-in uuid numbered in order, unless the row names its own', () => {
    const state = stockPbx();
    const next = applyPbxChanges(state, [
      { ...base, id: '1', path: 'v_vars', action: 'add', before: null, after: { var_name: 'a' } },
      {
        ...base,
        id: '2',
        path: 'v_sip_profile_settings',
        action: 'add',
        before: null,
        after: { sip_profile_setting_name: 'b' },
      },
      {
        ...base,
        id: '3',
        path: 'v_vars',
        action: 'add',
        before: null,
        after: { var_uuid: 'b0000000-0000-4000-8000-00000000abcd', var_name: 'c' },
      },
    ]);
    expect(next.vars.slice(-2)).toEqual([
      { var_uuid: '00000000-0000-4000-8000-000000000001', var_name: 'a' },
      { var_uuid: 'b0000000-0000-4000-8000-00000000abcd', var_name: 'c' },
    ]);
    expect(next.settings.at(-1)).toEqual({
      sip_profile_setting_uuid: '00000000-0000-4000-8000-000000000002',
      sip_profile_setting_name: 'b',
    });
  });
});

describe('setColumns', () => {
  it('takes the row’s current value of each column it sets as before, NULL for a column the row lacks', () => {
    const row = { var_uuid: 'u', var_value: 'old', var_enabled: null };
    expect(
      setColumns('v_vars', 'u', row, { var_value: 'new', var_enabled: 'true', var_order: '3' }, 'why', 'name'),
    ).toEqual({
      target: 'pbx',
      path: 'v_vars',
      action: 'set',
      key: 'u',
      before: { var_value: 'old', var_enabled: null, var_order: null },
      after: { var_value: 'new', var_enabled: 'true', var_order: '3' },
      reason: 'why',
      label: 'name',
    });
  });

  it('carries no label unless given one', () => {
    const draft = setColumns('v_vars', 'u', { var_value: '' }, { var_value: 'x' }, 'why');
    expect('label' in draft).toBe(false);
    expect(draft.before).toEqual({ var_value: '' });
    expect('label' in setColumns('v_vars', 'u', {}, {}, 'why', '')).toBe(false);
  });

  it('starts an outcome empty', () => {
    expect(newOutcome()).toEqual({ changes: [], settled: [], warnings: [], errors: [] });
  });
});
