import { describe, expect, it } from 'vitest';
import { applyPbxChanges } from '../../../electron/pbx/plan/apply-rows';
import { planPbx, type PbxPlan } from '../../../electron/pbx/plan/plan';
import { planPbxRestore } from '../../../electron/pbx/restore/restore';
import type { PbxState } from '../../../electron/pbx/model/state';
import { PROFILE, stockPbx } from './fixtures/stock';

function plan(state: PbxState): PbxPlan {
  const result = planPbx(state, { publicIp: '203.0.113.2', mediaMode: 'proxy', extensions: [] });
  if (!result.ok) throw new Error('refused');
  return result.plan;
}

/** What the wizard's apply leaves behind: the rows, the vars.xml it wrote, profiles restarted. */
function applied(state: PbxState, p: PbxPlan): PbxState {
  const after = applyPbxChanges(state, p.changes);
  const write = p.steps.find((s) => s.kind === 'write-file');
  if (write?.kind === 'write-file') after.varsXml = write.content;
  after.running = (after.running ?? []).map((r) => ({
    ...r,
    info: { ...r.info, 'ext-rtp-ip': '203.0.113.2', 'ext-sip-ip': '203.0.113.2' },
  }));
  return after;
}

function data(state: PbxState) {
  return { settings: state.settings, vars: state.vars, extensions: state.extensions, varsXml: state.varsXml };
}

describe('planPbxRestore', () => {
  it('brings every row back exactly, NULL and empty text apart, and then plans nothing', () => {
    const snapshot = stockPbx();
    const current = applied(snapshot, plan(snapshot));
    const restore = planPbxRestore(snapshot, current);
    const ext = restore.changes.filter((c) => c.path === 'v_extensions').map((c) => c.after?.sip_bypass_media);
    expect(ext).toEqual(['bypass-media', 'bypass-media-after-bridge', 'bypass-media']);
    const back = applyPbxChanges(current, restore.changes);
    back.varsXml = snapshot.varsXml;
    expect(data(back)).toEqual(data(snapshot));
    expect(planPbxRestore(snapshot, back).changes).toEqual([]);
  });

  it('writes the snapshot’s vars.xml back byte for byte and rescans the profiles that use it', () => {
    const snapshot = stockPbx();
    snapshot.varsXml = `${snapshot.varsXml}<!-- edited by hand, kept as is -->\n`;
    const current = applied(snapshot, plan(snapshot));
    const restore = planPbxRestore(snapshot, current);
    const write = restore.steps.find((s) => s.kind === 'write-file');
    expect(write?.kind === 'write-file' && write.content).toBe(snapshot.varsXml);
    expect(restore.profileActions).toEqual({ internal: 'rescan', external: 'rescan' });
  });

  it('deletes a row the wizard inserted and restarts, since a rescan keeps the running value', () => {
    const snapshot = stockPbx();
    snapshot.settings = snapshot.settings.filter(
      (r) => !(r.sip_profile_uuid === PROFILE.internal && r.sip_profile_setting_name === 'aggressive-nat-detection'),
    );
    const p = plan(snapshot);
    const current = applied(snapshot, p);
    // Only the setting is restored here: vars and extensions already match the snapshot.
    current.vars = snapshot.vars;
    current.varsXml = snapshot.varsXml;
    current.extensions = snapshot.extensions;
    current.running = snapshot.running;
    const restore = planPbxRestore(snapshot, current);
    expect(restore.changes.map((c) => [c.path, c.action, c.before?.sip_profile_setting_name])).toEqual([
      ['v_sip_profile_settings', 'remove', 'aggressive-nat-detection'],
    ]);
    expect(restore.profileActions).toEqual({ internal: 'restart' });
    const commands = restore.steps.map((s) => (s.kind === 'fs-cli' ? s.command : s.kind));
    expect(commands).toEqual(['reloadxml', 'delete-cache-file', 'sofia profile internal restart']);
  });

  it('rescans when restoring a value that a rescan re-applies', () => {
    const snapshot = stockPbx();
    const current = structuredClone(snapshot);
    const row = current.settings.find(
      (r) => r.sip_profile_uuid === PROFILE.internal && r.sip_profile_setting_name === 'aggressive-nat-detection',
    )!;
    row.sip_profile_setting_value = 'false';
    const restore = planPbxRestore(snapshot, current);
    expect(restore.changes).toHaveLength(1);
    expect(restore.profileActions).toEqual({ internal: 'rescan' });
  });

  it('rescans when restoring an ACL entry: a rescan rebuilds the ACL list (sofia.c:4692-4711)', () => {
    const snapshot = stockPbx();
    const current = structuredClone(snapshot);
    const acl = current.settings.find((r) => r.sip_profile_setting_name === 'apply-nat-acl')!;
    acl.sip_profile_setting_value = 'rfc1918.auto';
    const restore = planPbxRestore(snapshot, current);
    expect(restore.changes).toHaveLength(1);
    expect(Object.values(restore.profileActions)).toEqual(['rescan']);
  });

  it('re-inserts a managed row deleted since the snapshot with its original uuid and values', () => {
    const snapshot = stockPbx();
    const current = structuredClone(snapshot);
    const index = current.settings.findIndex(
      (r) => r.sip_profile_uuid === PROFILE.internal && r.sip_profile_setting_name === 'apply-nat-acl',
    );
    const gone = current.settings.splice(index, 1)[0]!;
    const restore = planPbxRestore(snapshot, current);
    expect(restore.changes).toEqual([expect.objectContaining({ action: 'add', after: gone })]);
    expect(data(applyPbxChanges(current, restore.changes)).settings).toEqual(expect.arrayContaining(snapshot.settings));
  });

  it('restores NULL where the snapshot had NULL and empty text where it had empty text', () => {
    const snapshot = stockPbx();
    const current = structuredClone(snapshot);
    current.extensions[0]!.sip_bypass_media = '';
    current.extensions[2]!.sip_bypass_media = null;
    const restore = planPbxRestore(snapshot, current);
    expect(restore.changes.map((c) => c.after)).toEqual([{ sip_bypass_media: null }, { sip_bypass_media: '' }]);
  });

  it('keeps rows someone else added, with a warning: they are not the wizard’s to delete', () => {
    const snapshot = stockPbx();
    const current = structuredClone(snapshot);
    current.vars.push({ ...current.vars[0]!, var_uuid: 'c0000000-0000-4000-8000-000000000001', var_name: 'their_var' });
    expect(planPbxRestore(snapshot, current).changes).toEqual([]);
    expect(planPbxRestore(snapshot, current).warnings.map((w) => w.code)).toEqual(['foreign-row-kept']);
  });

  it('restarts a profile whose running values still differ after the database is back', () => {
    const snapshot = stockPbx();
    const current = structuredClone(snapshot);
    current.running = current.running!.map((r) =>
      r.name === 'external' ? { ...r, info: { ...r.info, 'ext-rtp-ip': '203.0.113.2' } } : r,
    );
    const restore = planPbxRestore(snapshot, current);
    expect(restore.changes).toEqual([]);
    expect(restore.profileActions).toEqual({ external: 'rescan' });
  });

  it('rewrites vars.xml left half-written by an interrupted run', () => {
    const snapshot = stockPbx();
    const current = structuredClone(snapshot);
    current.varsXml = '<!-- truncated';
    const restore = planPbxRestore(snapshot, current);
    expect(restore.steps[0]).toMatchObject({ kind: 'write-file', content: snapshot.varsXml });
  });
});
