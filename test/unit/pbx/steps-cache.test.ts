/**
 * The steps after the PBX transaction (plan/steps.ts) where a mistake would clear the wrong
 * file or leave the old configuration running: which cache entries go and how (FS PBX's file
 * cache or memcache, directory.lua:160 keys by domain name, ExtensionsController.php:1043 by
 * user_context), names too odd to put in a path or an fs_cli command, profiles not running,
 * and the restart that FreeSWITCH may refuse for 10 s (mod_sofia.c:3760-3763). Plain data:
 * the stock PBX fixture and hand-made changes.
 */
import { describe, expect, it } from 'vitest';
import type { PbxChange } from '../../../electron/pbx/model/change';
import type { PbxState } from '../../../electron/pbx/model/state';
import { RESTART_REFUSED, registeringGateways, stepsFor } from '../../../electron/pbx/plan/steps';
import { stockPbx } from './fixtures/stock';

const E1001 = 'e0000000-0000-4000-8000-000000000001';
const E1002 = 'e0000000-0000-4000-8000-000000000002';

const extensionChange = (key: string): PbxChange => ({
  id: `pbx-${key.slice(-3)}`,
  target: 'pbx',
  path: 'v_extensions',
  action: 'set',
  key,
  before: { sip_bypass_media: 'bypass-media' },
  after: { sip_bypass_media: 'proxy-media' },
  reason: 'test',
});

function settingChange(state: PbxState, profile: string, name: string, value: string): PbxChange {
  const profileUuid = state.profiles.find((p) => p.sip_profile_name === profile)!.sip_profile_uuid;
  const row = state.settings.find((r) => r.sip_profile_uuid === profileUuid && r.sip_profile_setting_name === name)!;
  return {
    id: 'pbx-setting',
    target: 'pbx',
    path: 'v_sip_profile_settings',
    action: 'set',
    key: row.sip_profile_setting_uuid,
    before: { sip_profile_setting_value: row.sip_profile_setting_value },
    after: { sip_profile_setting_value: value },
    reason: 'test',
  };
}

function withSetting(state: PbxState, change: PbxChange): PbxState {
  const after = structuredClone(state);
  after.settings = after.settings.map((r) =>
    r.sip_profile_setting_uuid === change.key
      ? { ...r, sip_profile_setting_value: change.after!.sip_profile_setting_value! }
      : r,
  );
  return after;
}

const kinds = (steps: ReturnType<typeof stepsFor>['steps']) =>
  steps.map((s) =>
    s.kind === 'fs-cli' ? s.command : s.kind === 'delete-cache-file' ? `delete ${s.path}` : `write ${s.path}`,
  );

describe('the directory cache after an extension changes', () => {
  it('deletes the cached file for each name and alias, under the domain name and the user context, each once', () => {
    const state = stockPbx();
    state.extensions = state.extensions.map((e) => (e.extension_uuid === E1002 ? { ...e, user_context: 'office' } : e));
    const plan = stepsFor({ before: state, after: state, changes: [extensionChange(E1002), extensionChange(E1002)] });
    expect(kinds(plan.steps)).toEqual([
      'delete /var/cache/fusionpbx/directory.1002@pbx.example.com',
      'delete /var/cache/fusionpbx/directory.2002@pbx.example.com',
      'delete /var/cache/fusionpbx/directory.1002@office',
      'delete /var/cache/fusionpbx/directory.2002@office',
    ]);
    expect(plan.warnings).toEqual([]);
    expect(plan.steps[0]!.why).toMatch(/next REGISTER or call/);
  });

  it('asks memcache instead when FS PBX caches there, and writes no path', () => {
    const state = stockPbx();
    state.cache = { method: 'memcache', location: '127.0.0.1:11211' };
    expect(kinds(stepsFor({ before: state, after: state, changes: [extensionChange(E1001)] }).steps)).toEqual([
      'memcache delete directory:1001@pbx.example.com',
    ]);
  });

  it('keeps a trailing slash of the cache folder out of the path', () => {
    const state = stockPbx();
    state.cache = { method: 'file', location: '/var/cache/fusionpbx/' };
    expect(kinds(stepsFor({ before: state, after: state, changes: [extensionChange(E1001)] }).steps)).toEqual([
      'delete /var/cache/fusionpbx/directory.1001@pbx.example.com',
    ]);
  });

  it('deletes nothing under a cache folder that is not a plain absolute path, and says why', () => {
    for (const location of ['/var/cache/../../etc', 'relative/cache', '/var/cache fusion']) {
      const state = stockPbx();
      state.cache = { method: 'file', location };
      const plan = stepsFor({ before: state, after: state, changes: [extensionChange(E1001)] });
      expect(plan.steps).toEqual([]);
      expect(plan.warnings.map((w) => w.code)).toEqual(['unsafe-extension-name']);
    }
  });

  it('clears nothing for a name with a slash, a backslash, a space or a control character', () => {
    for (const extension of ['10/01', '10\\01', '10 01', '10\u000101', '10\u007f']) {
      const state = stockPbx();
      state.extensions = state.extensions.map((e) => (e.extension_uuid === E1001 ? { ...e, extension } : e));
      const plan = stepsFor({ before: state, after: state, changes: [extensionChange(E1001)] });
      expect(plan.steps).toEqual([]);
      expect(plan.warnings).toEqual([
        {
          code: 'unsafe-extension-name',
          target: 'pbx',
          message: 'An extension has unusual characters in its name; its change applies once FS PBX clears its cache.',
        },
      ]);
    }
  });

  it('ignores changes to rows it does not know and to other tables', () => {
    const state = stockPbx();
    const unknown = { ...extensionChange(E1001), key: 'e0000000-0000-4000-8000-000000009999' };
    expect(stepsFor({ before: state, after: state, changes: [unknown] }).steps).toEqual([]);
  });
});

describe('the SIP profile cache and the profiles', () => {
  it('rescans after reloadxml and the sofia.conf cache file, which FS PBX names after the switch', () => {
    const state = stockPbx();
    const change = settingChange(state, 'internal', 'apply-nat-acl', 'nat.auto');
    const plan = stepsFor({ before: state, after: withSetting(state, change), changes: [change] });
    expect(kinds(plan.steps)).toEqual([
      'reloadxml',
      'delete /var/cache/fusionpbx/configuration.sofia.conf.pbx',
      'sofia profile internal rescan',
    ]);
    expect(plan.profileActions).toEqual({ internal: 'rescan' });
  });

  it('deletes the memcache key of sofia.conf when FS PBX caches there', () => {
    const state = stockPbx();
    state.cache = { method: 'memcache', location: '127.0.0.1:11211' };
    const change = settingChange(state, 'internal', 'apply-nat-acl', 'nat.auto');
    expect(kinds(stepsFor({ before: state, after: withSetting(state, change), changes: [change] }).steps)).toContain(
      'memcache delete configuration:sofia.conf:pbx',
    );
  });

  it('leaves the sofia cache to the technician when the switch name or the cache folder is odd', () => {
    const odd = stockPbx();
    odd.switchname = 'pbx;rm';
    const change = settingChange(odd, 'internal', 'apply-nat-acl', 'nat.auto');
    const plan = stepsFor({ before: odd, after: withSetting(odd, change), changes: [change] });
    expect(kinds(plan.steps)).toEqual(['reloadxml', 'sofia profile internal rescan']);
    expect(plan.warnings).toEqual([
      {
        code: 'unsafe-switchname',
        target: 'pbx',
        message: 'The switch name has unusual characters; clear the sofia cache by hand (FS PBX: Flush Cache).',
      },
    ]);
    const dots = stockPbx();
    dots.cache = { method: 'file', location: '/var/cache/../etc' };
    const plan2 = stepsFor({ before: dots, after: withSetting(dots, change), changes: [change] });
    expect(kinds(plan2.steps)).toEqual(['reloadxml', 'sofia profile internal rescan']);
    expect(plan2.warnings).toEqual([
      {
        code: 'unsafe-cache-location',
        target: 'pbx',
        message: 'The cache location is unusual; clear the cache by hand.',
      },
    ]);
  });

  it('restarts where a rescan cannot apply the change, retrying while FreeSWITCH refuses within 10 s', () => {
    const state = stockPbx();
    const change = settingChange(state, 'internal', 'sip-ip', '192.168.88.11');
    const plan = stepsFor({ before: state, after: withSetting(state, change), changes: [change] });
    expect(plan.profileActions).toEqual({ internal: 'restart' });
    expect(plan.steps.at(-1)).toEqual({
      kind: 'fs-cli',
      command: 'sofia profile internal restart',
      why: 'Restart needed: sip-ip is bound when the profile starts; a rescan does not change it. Calls on this profile drop.',
      retry: { whileOutputIncludes: RESTART_REFUSED, attempts: 6, delaySeconds: 5 },
      waitRunning: 'internal',
    });
  });

  it('skips a profile FreeSWITCH is not running, and one whose name is odd, saying so', () => {
    const state = stockPbx();
    const change = settingChange(state, 'internal', 'apply-nat-acl', 'nat.auto');
    const stopped = structuredClone(state);
    stopped.running = (stopped.running ?? []).filter((r) => r.name !== 'internal');
    expect(kinds(stepsFor({ before: stopped, after: withSetting(state, change), changes: [change] }).steps)).toEqual([
      'reloadxml',
      'delete /var/cache/fusionpbx/configuration.sofia.conf.pbx',
    ]);
    const odd = withSetting(state, change);
    odd.profiles = odd.profiles.map((p) =>
      p.sip_profile_name === 'internal' ? { ...p, sip_profile_name: 'in ternal' } : p,
    );
    const plan = stepsFor({ before: state, after: odd, changes: [change] });
    expect(kinds(plan.steps)).toEqual(['reloadxml', 'delete /var/cache/fusionpbx/configuration.sofia.conf.pbx']);
    expect(plan.warnings.map((w) => w.code)).toEqual(['unsafe-profile-name']);
  });

  it('takes back each registering gateway before the rescan that moves ext-sip-ip, never one with an odd name', () => {
    const state = stockPbx();
    state.running = (state.running ?? []).map((r) =>
      r.name === 'external'
        ? {
            ...r,
            gateways: [
              { name: 'carrier-a', state: 'REGED' },
              { name: 'carrier-b', state: 'NOREG' },
              { name: 'carrier;c', state: 'FAILED' },
            ],
          }
        : r,
    );
    expect(registeringGateways(state, 'external')).toEqual(['carrier-a']);
    expect(registeringGateways(state, 'nowhere')).toEqual([]);
    const change = settingChange(state, 'external', 'ext-sip-ip', 'autonat:203.0.113.2');
    const plan = stepsFor({ before: state, after: withSetting(state, change), changes: [change] });
    expect(kinds(plan.steps).slice(-2)).toEqual([
      'sofia profile external killgw carrier-a',
      'sofia profile external rescan',
    ]);
  });
});
