/**
 * Properties over generated PBX states (seeded): whatever rows are missing,
 * disabled, duplicated or odd, the plan leaves at most one enabled
 * apply-nat-acl row where there was at most one, the next plan is empty, and
 * the restore brings back every row exactly.
 */
import { describe, expect, it } from 'vitest';
import { applyPbxChanges } from '../../../electron/pbx/plan/apply-rows';
import { planPbx, type MediaMode } from '../../../electron/pbx/plan/plan';
import { planPbxRestore } from '../../../electron/pbx/restore/restore';
import { renderSql } from '../../../electron/pbx/script/sql';
import type { PbxState, SettingRow } from '../../../electron/pbx/model/state';
import type { PbxStep } from '../../../electron/pbx/plan/steps';
import { randomHostile } from './hostile';
import { PROFILE, stockPbx } from './fixtures/stock';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const NAT_NAMES = ['aggressive-nat-detection', 'apply-nat-acl'];

function mutate(next: () => number, hostile: string[]): PbxState {
  const s = stockPbx();
  const settings: SettingRow[] = [];
  for (const row of s.settings) {
    const nat = NAT_NAMES.includes(row.sip_profile_setting_name ?? '') && row.sip_profile_uuid === PROFILE.internal;
    const roll = next();
    if (nat && roll < 0.2) continue; // missing
    if (nat && roll < 0.4) settings.push({ ...row, sip_profile_setting_enabled: 'false' });
    else if (nat && roll < 0.55) settings.push({ ...row, sip_profile_setting_value: hostile.pop() ?? 'odd' });
    else settings.push(row);
    if (nat && next() < 0.15) {
      settings.push({
        ...row,
        sip_profile_setting_uuid: `f${row.sip_profile_setting_uuid.slice(1)}`,
        sip_profile_setting_enabled: 'false',
      });
    }
  }
  s.settings = settings;
  s.vars = s.vars
    .filter((v) => !(v.var_name?.startsWith('external_') && next() < 0.2))
    .map((v) => (v.var_name?.startsWith('external_') && next() < 0.3 ? { ...v, var_enabled: 'false' } : v));
  s.extensions = s.extensions.map((e) => ({
    ...e,
    sip_bypass_media: [null, '', 'bypass-media', 'proxy-media', 'bypass-media-after-bridge'][Math.floor(next() * 5)]!,
    description: hostile.pop() ?? null,
  }));
  return s;
}

function afterApply(
  state: PbxState,
  publicIp: string,
  changes: Parameters<typeof applyPbxChanges>[1],
  steps: readonly PbxStep[] = [],
): PbxState {
  const after = applyPbxChanges(state, changes);
  const write = steps.find((s) => s.kind === 'write-file');
  if (write?.kind === 'write-file') after.varsXml = write.content;
  after.running = (after.running ?? []).map((r) => ({
    ...r,
    info: { ...r.info, 'ext-rtp-ip': publicIp, 'ext-sip-ip': publicIp },
  }));
  return after;
}

const enabledAcl = (s: PbxState) =>
  s.settings.filter(
    (r) =>
      r.sip_profile_uuid === PROFILE.internal &&
      r.sip_profile_setting_name === 'apply-nat-acl' &&
      r.sip_profile_setting_enabled === 'true',
  ).length;

describe('PBX planner properties', () => {
  it('holds for 200 generated states', () => {
    const next = prng(9);
    const hostile = randomHostile(2000, 5).map((h) => h.replaceAll('\u0000', ''));
    for (let i = 0; i < 200; i += 1) {
      const state = mutate(next, hostile);
      const mediaMode = (['proxy', 'default', 'leave'] as MediaMode[])[i % 3]!;
      const result = planPbx(state, { publicIp: '203.0.113.2', mediaMode, extensions: [] });
      if (!result.ok) throw new Error(result.errors[0]!.message);
      const applied = afterApply(state, '203.0.113.2', result.plan.changes, result.plan.steps);
      expect(enabledAcl(applied)).toBe(Math.max(1, enabledAcl(state)));
      const again = planPbx(applied, { publicIp: '203.0.113.2', mediaMode, extensions: [] });
      expect(again.ok && again.plan.changes).toEqual([]);
      expect(again.ok && again.plan.steps).toEqual([]);
      const restore = planPbxRestore(state, applied);
      const back = applyPbxChanges(applied, restore.changes);
      expect([back.settings, back.vars, back.extensions]).toEqual(
        [state.settings, state.vars, state.extensions].map((rows, t) =>
          t === 2 ? rows : expect.arrayContaining(rows as object[]),
        ),
      );
      expect(back.settings).toHaveLength(state.settings.length);
      expect(back.vars).toHaveLength(state.vars.length);
      expect(renderSql(result.plan.changes, 'p').ok).toBe(true);
      expect(renderSql(restore.changes, 'r').ok).toBe(true);
    }
  });
});
