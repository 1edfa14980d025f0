/**
 * The NAT variables in v_vars (plan/plan-vars.ts ensureVar) and whether vars.xml on disk says the
 * same (varsXmlDisagrees), rule by rule: FS PBX writes vars.xml from the enabled v_vars rows of this
 * switch (SwitchVariableService.php:151-203, hostname NULL, '' or the switchname) and FreeSWITCH
 * reads the file, not the table. Plain data: the stock PBX fixture.
 */
import { describe, expect, it } from 'vitest';
import { newOutcome } from '../../../electron/pbx/plan/plan-outcome';
import { ensureVar, varsXmlDisagrees } from '../../../electron/pbx/plan/plan-vars';
import type { PbxState, VarRow } from '../../../electron/pbx/model/state';
import { renderedVarsXml, stockPbx } from './fixtures/stock';

const TARGET = 'autonat:203.0.113.2';
const WHY =
  'external_sip_ip is the address FreeSWITCH puts in SIP and SDP for callers outside; it defaults to the LAN address, which breaks NAT. autonat: tells FreeSWITCH to use the public address for outside callers only.';

function sipRows(state: PbxState): VarRow[] {
  return state.vars.filter((v) => v.var_name === 'external_sip_ip');
}

function extraRow(state: PbxState, n: number, extra: Partial<VarRow>): VarRow {
  return { ...sipRows(state)[0]!, var_uuid: `b0000000-0000-4000-8000-0000000002${n}0`, ...extra };
}

describe('ensureVar', () => {
  it('settles a variable whose every enabled row already has the value, saying so', () => {
    const state = stockPbx();
    sipRows(state)[0]!.var_value = TARGET;
    state.vars.push(extraRow(state, 1, { var_value: 'other', var_enabled: 'false' }));
    const out = newOutcome();
    ensureVar(state, 'external_sip_ip', TARGET, out);
    expect(out.changes).toEqual([]);
    expect(out.settled).toEqual([
      { path: 'v_vars', item: 'external_sip_ip', value: TARGET, message: `external_sip_ip is already ${TARGET}.` },
    ]);
  });

  it('sets every enabled row of this switch that differs, and only those, with the reason and the name as label', () => {
    const state = stockPbx();
    const first = sipRows(state)[0]!;
    state.vars.push(extraRow(state, 1, { var_value: TARGET }));
    state.vars.push(extraRow(state, 2, { var_value: 'x', var_hostname: 'pbx' }));
    state.vars.push(extraRow(state, 3, { var_value: 'y', var_hostname: 'other-node' }));
    const out = newOutcome();
    ensureVar(state, 'external_sip_ip', TARGET, out);
    expect(out.settled).toEqual([]);
    expect(out.changes).toEqual([
      {
        target: 'pbx',
        path: 'v_vars',
        action: 'set',
        key: first.var_uuid,
        before: { var_value: '$${local_ip_v4}' },
        after: { var_value: TARGET },
        reason: WHY,
        label: 'external_sip_ip',
      },
      expect.objectContaining({ key: 'b0000000-0000-4000-8000-000000000220', after: { var_value: TARGET } }),
    ]);
  });

  it('enables the first disabled row when none is enabled, rather than adding one', () => {
    const state = stockPbx();
    const first = sipRows(state)[0]!;
    first.var_enabled = 'false';
    state.vars.push(extraRow(state, 1, { var_enabled: 'no' }));
    const out = newOutcome();
    ensureVar(state, 'external_sip_ip', TARGET, out);
    expect(out.changes).toEqual([
      expect.objectContaining({
        action: 'set',
        key: first.var_uuid,
        before: { var_value: '$${local_ip_v4}', var_enabled: 'false' },
        after: { var_value: TARGET, var_enabled: 'true' },
        reason: WHY,
      }),
    ]);
  });

  it('adds the variable in the IP Address category after the highest numbered order there', () => {
    const state = stockPbx();
    state.vars = state.vars.filter((v) => v.var_name !== 'external_sip_ip');
    state.vars.push(
      {
        ...state.vars[0]!,
        var_uuid: 'b0000000-0000-4000-8000-000000000301',
        var_category: 'IP Address',
        var_order: '7',
      },
      {
        ...state.vars[0]!,
        var_uuid: 'b0000000-0000-4000-8000-000000000302',
        var_category: 'IP Address',
        var_order: 'x',
      },
      {
        ...state.vars[0]!,
        var_uuid: 'b0000000-0000-4000-8000-000000000303',
        var_category: 'IP Address',
        var_order: null,
      },
      { ...state.vars[0]!, var_uuid: 'b0000000-0000-4000-8000-000000000304', var_category: 'Codecs', var_order: '40' },
    );
    // A row for another switch does not count as present.
    state.vars.push(extraRow(stockPbx(), 9, { var_hostname: 'other-node' }));
    const out = newOutcome();
    ensureVar(state, 'external_sip_ip', TARGET, out);
    expect(out.changes).toEqual([
      {
        target: 'pbx',
        path: 'v_vars',
        action: 'add',
        before: null,
        after: {
          var_category: 'IP Address',
          var_name: 'external_sip_ip',
          var_value: TARGET,
          var_command: 'set',
          var_hostname: null,
          var_enabled: 'true',
          var_order: '8',
          var_description: null,
        },
        reason: WHY,
        label: 'external_sip_ip',
      },
    ]);
  });

  it('adds it at order 0 when the IP Address category has no numbered row', () => {
    const state = stockPbx();
    state.vars = state.vars.filter((v) => v.var_category !== 'IP Address');
    // A row without an order is not numbered (NULL, not 0).
    state.vars.push({
      ...state.vars[0]!,
      var_uuid: 'b0000000-0000-4000-8000-000000000305',
      var_category: 'IP Address',
      var_order: null,
    });
    const out = newOutcome();
    ensureVar(state, 'external_rtp_ip', TARGET, out);
    expect(out.changes[0]!.after).toMatchObject({ var_name: 'external_rtp_ip', var_order: '0' });
  });
});

describe('varsXmlDisagrees', () => {
  it('is true only when a NAT variable differs between the file on disk and the rendered one', () => {
    const state = stockPbx();
    const rows = structuredClone(state.vars);
    expect(varsXmlDisagrees(state, renderedVarsXml(rows, 'pbx'))).toBe(false);
    rows.find((v) => v.var_name === 'call_debug')!.var_value = 'true';
    expect(varsXmlDisagrees(state, renderedVarsXml(rows, 'pbx'))).toBe(false);
    for (const name of ['external_rtp_ip', 'external_sip_ip']) {
      const changed = structuredClone(state.vars);
      changed.find((v) => v.var_name === name)!.var_value = TARGET;
      expect(varsXmlDisagrees(state, renderedVarsXml(changed, 'pbx')), name).toBe(true);
    }
  });

  it('is false when vars.xml could not be read (nothing to compare)', () => {
    const state = stockPbx();
    state.varsXml = null;
    expect(varsXmlDisagrees(state, '<X-PRE-PROCESS cmd="set" data="external_sip_ip=x" />')).toBe(false);
  });
});
