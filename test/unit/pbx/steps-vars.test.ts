/**
 * The steps after the PBX transaction (plan/steps.ts) when variables or single-value settings
 * change: which profiles a new vars.xml reaches (those whose enabled rows read $${external_*_ip}),
 * which of them move ext-sip-ip (their gateways' Contact was built from the old one and a rescan
 * keeps it: FreeSWITCH sofia.c:3783-3789, :4133-4197, so they are taken back first), and when a
 * rescan is not enough (auto-nat sets no address: sofia.c:5151-5152, :5247-5248; a removed or
 * disabled row keeps its running value). Line numbers: signalwire/freeswitch @cc93a683,
 * src/mod/endpoints/mod_sofia/sofia.c. Plain data: the stock PBX fixture and hand-made changes.
 */
import { describe, expect, it } from 'vitest';
import type { PbxChange } from '../../../electron/pbx/model/change';
import type { PbxState, SettingRow } from '../../../electron/pbx/model/state';
import { applyPbxChanges } from '../../../electron/pbx/plan/apply-rows';
import { registeringGateways, restartReason, stepsFor } from '../../../electron/pbx/plan/steps';
import { PROFILE, renderedVarsXml, stockPbx } from './fixtures/stock';

const PUBLIC = 'autonat:203.0.113.2';

function varChange(state: PbxState, name: string, value: string): PbxChange {
  const row = state.vars.find((v) => v.var_name === name)!;
  return {
    id: `pbx-${name}`,
    target: 'pbx',
    path: 'v_vars',
    action: 'set',
    key: row.var_uuid,
    before: { var_value: row.var_value },
    after: { var_value: value },
    reason: 'test',
  };
}

function settingRow(state: PbxState, profile: string, name: string): SettingRow {
  return state.settings.find((r) => r.sip_profile_uuid === profile && r.sip_profile_setting_name === name)!;
}

function settingChange(
  state: PbxState,
  profile: string,
  name: string,
  after: Record<string, string | null>,
): PbxChange {
  const row = settingRow(state, profile, name);
  const before = Object.fromEntries(Object.keys(after).map((k) => [k, row[k] ?? null]));
  return {
    id: `pbx-${name}`,
    target: 'pbx',
    path: 'v_sip_profile_settings',
    action: 'set',
    key: row.sip_profile_setting_uuid,
    before,
    after,
    reason: 'test',
  };
}

/** The stock PBX with a registering trunk loaded on each running profile. */
function withGateways(): PbxState {
  const state = stockPbx();
  state.running = (state.running ?? []).map((r) => ({
    ...r,
    gateways: [{ name: `${r.name}-trunk`, state: 'REGED' }],
  }));
  return state;
}

/** Steps for changes made to `before`, with vars.xml rendered from the rows after them, as plan.ts does. */
function planned(before: PbxState, changes: PbxChange[], extra: { staleProfiles?: string[] } = {}) {
  const after = applyPbxChanges(before, changes);
  return stepsFor({ before, after, changes, varsXml: renderedVarsXml(after.vars, 'pbx'), ...extra });
}

const commands = (steps: ReturnType<typeof stepsFor>['steps']) =>
  steps.map((s) =>
    s.kind === 'fs-cli' ? s.command : s.kind === 'delete-cache-file' ? `delete ${s.path}` : `write ${s.path}`,
  );

const SOFIA_CACHE = 'delete /var/cache/fusionpbx/configuration.sofia.conf.pbx';

describe('a NAT variable changes', () => {
  it('writes vars.xml, reloads, clears the sofia cache, takes back the trunks of each profile whose ext-sip-ip reads it, then rescans', () => {
    const before = withGateways();
    const change = varChange(before, 'external_sip_ip', PUBLIC);
    const after = applyPbxChanges(before, [change]);
    const varsXml = renderedVarsXml(after.vars, 'pbx');
    const plan = stepsFor({ before, after, changes: [change], varsXml });
    expect(plan.steps).toEqual([
      {
        kind: 'write-file',
        path: '/etc/freeswitch/vars.xml',
        content: varsXml,
        owner: 'www-data',
        group: 'www-data',
        why: 'FreeSWITCH reads the variables from vars.xml, which FS PBX writes from v_vars.',
      },
      {
        kind: 'fs-cli',
        command: 'reloadxml',
        why: 'Loads vars.xml into FreeSWITCH’s variables before the SIP profile configuration is generated again.',
      },
      {
        kind: 'delete-cache-file',
        path: '/var/cache/fusionpbx/configuration.sofia.conf.pbx',
        why: 'FS PBX caches the generated SIP profile configuration, with the variables of that moment, and never expires it.',
      },
      {
        kind: 'fs-cli',
        command: 'sofia profile internal killgw internal-trunk',
        why:
          'A rescan keeps a loaded gateway with the Contact it built from the old ext-sip-ip (FreeSWITCH sofia.c:3783-3789, :4133-4197); ' +
          'removing it lets the rescan load it again with the new address, without dropping calls, as FS PBX does (GatewayService.php:104-109, :148).',
      },
      {
        kind: 'fs-cli',
        command: 'sofia profile internal rescan',
        why: 'Re-reads the profile’s settings (ext-rtp-ip, ext-sip-ip, NAT detection) without dropping calls.',
      },
      expect.objectContaining({ command: 'sofia profile external killgw external-trunk' }),
      expect.objectContaining({ command: 'sofia profile external rescan' }),
    ]);
    expect(plan.profileActions).toEqual({ internal: 'rescan', external: 'rescan' });
    expect(plan.warnings).toEqual([]);
  });

  it('rescans without taking trunks back when only external_rtp_ip changes (ext-sip-ip reads the other variable)', () => {
    const before = withGateways();
    const plan = planned(before, [varChange(before, 'external_rtp_ip', PUBLIC)]);
    expect(commands(plan.steps)).toEqual([
      'write /etc/freeswitch/vars.xml',
      'reloadxml',
      SOFIA_CACHE,
      'sofia profile internal rescan',
      'sofia profile external rescan',
    ]);
  });

  it('counts a changed row even when vars.xml on disk already gives its new value (a hand edit FreeSWITCH may not have loaded)', () => {
    const before = withGateways();
    const change = varChange(before, 'external_sip_ip', PUBLIC);
    const after = applyPbxChanges(before, [change]);
    const varsXml = renderedVarsXml(after.vars, 'pbx');
    before.varsXml = varsXml;
    const plan = stepsFor({ before, after, changes: [change], varsXml });
    expect(commands(plan.steps)).toContain('sofia profile external killgw external-trunk');
    expect(commands(plan.steps)).toContain('sofia profile internal killgw internal-trunk');
  });

  it('names the variable of a row renamed to external_sip_ip by its name before and after', () => {
    const before = withGateways();
    const row = before.vars.find((v) => v.var_name === 'call_debug')!;
    const change: PbxChange = {
      id: 'pbx-rename',
      target: 'pbx',
      path: 'v_vars',
      action: 'set',
      key: row.var_uuid,
      before: { var_name: 'call_debug' },
      after: { var_name: 'external_sip_ip' },
      reason: 'test',
    };
    // vars.xml on disk already says so: only the row's names can tell ext-sip-ip moves.
    const after = applyPbxChanges(before, [change]);
    before.varsXml = renderedVarsXml(after.vars, 'pbx');
    const plan = stepsFor({ before, after, changes: [change], varsXml: before.varsXml });
    expect(commands(plan.steps)).toContain('sofia profile external killgw external-trunk');
  });

  it('takes trunks back when a new external_sip_ip row is added', () => {
    const before = withGateways();
    const gone = before.vars.find((v) => v.var_name === 'external_sip_ip')!;
    before.vars = before.vars.filter((v) => v !== gone);
    const add: PbxChange = {
      id: 'pbx-add',
      target: 'pbx',
      path: 'v_vars',
      action: 'add',
      before: null,
      after: { ...gone, var_uuid: 'b0000000-0000-4000-8000-000000000099', var_value: PUBLIC },
      reason: 'test',
    };
    const after = applyPbxChanges(before, [add]);
    before.varsXml = renderedVarsXml(after.vars, 'pbx');
    const plan = stepsFor({ before, after, changes: [add], varsXml: before.varsXml });
    expect(commands(plan.steps)).toContain('sofia profile external killgw external-trunk');
  });

  it('reads the variable names a change touches even when vars.xml on disk could not be read', () => {
    const before = withGateways();
    before.varsXml = null;
    const plan = planned(before, [varChange(before, 'external_sip_ip', PUBLIC)]);
    expect(commands(plan.steps)).toContain('sofia profile external killgw external-trunk');
    const rtpOnly = planned(before, [varChange(before, 'external_rtp_ip', PUBLIC)]);
    expect(commands(rtpOnly.steps).filter((c) => c.includes('killgw'))).toEqual([]);
  });

  it('reaches only profiles whose enabled rows read an external variable (FreeSWITCH not answering: every such profile)', () => {
    const before = withGateways();
    before.running = null;
    // A disabled row is not in the generated profile (FS PBX's Lua selects enabled rows only, sofia.conf.lua:90).
    before.settings.push({
      ...settingRow(before, PROFILE.internal, 'ext-rtp-ip'),
      sip_profile_setting_uuid: 'a0000000-0000-4000-8000-000000000900',
      sip_profile_uuid: PROFILE.internalV6,
      sip_profile_setting_enabled: 'false',
    });
    const plan = planned(before, [varChange(before, 'external_rtp_ip', PUBLIC)]);
    expect(commands(plan.steps)).toEqual([
      'write /etc/freeswitch/vars.xml',
      'reloadxml',
      SOFIA_CACHE,
      'sofia profile internal rescan',
      'sofia profile external rescan',
    ]);
    expect(registeringGateways(before, 'external')).toEqual([]);
  });

  it('moves ext-sip-ip only on a profile whose own enabled ext-sip-ip row reads the variable', () => {
    // external's ext-sip-ip a literal address: a new external_sip_ip does not reach it (ext-rtp-ip still does).
    const literal = withGateways();
    settingRow(literal, PROFILE.external, 'ext-sip-ip').sip_profile_setting_value = '203.0.113.2';
    const plan = planned(literal, [varChange(literal, 'external_sip_ip', PUBLIC)]);
    expect(commands(plan.steps).filter((c) => c.includes('killgw'))).toEqual([
      'sofia profile internal killgw internal-trunk',
    ]);
    expect(plan.profileActions).toEqual({ internal: 'rescan', external: 'rescan' });

    // external's ext-sip-ip row disabled: no ext-sip-ip there at all.
    const disabled = withGateways();
    settingRow(disabled, PROFILE.external, 'ext-sip-ip').sip_profile_setting_enabled = 'false';
    const plan2 = planned(disabled, [varChange(disabled, 'external_sip_ip', PUBLIC)]);
    expect(commands(plan2.steps).filter((c) => c.includes('killgw'))).toEqual([
      'sofia profile internal killgw internal-trunk',
    ]);
  });
});

describe('vars.xml rewritten without a row change (it disagreed with v_vars)', () => {
  function rewritten(disk: Record<string, string>) {
    const before = withGateways();
    for (const [name, value] of Object.entries(disk)) before.vars.find((v) => v.var_name === name)!.var_value = value;
    const onDisk = renderedVarsXml(before.vars, 'pbx');
    const rows = withGateways();
    for (const name of ['external_rtp_ip', 'external_sip_ip'])
      rows.vars.find((v) => v.var_name === name)!.var_value = PUBLIC;
    rows.varsXml = onDisk;
    const varsXml = renderedVarsXml(rows.vars, 'pbx');
    return stepsFor({ before: rows, after: rows, changes: [], varsXml, rewriteVars: true });
  }

  it('takes trunks back when the file on disk gives external_sip_ip another value', () => {
    const plan = rewritten({ external_sip_ip: '$${local_ip_v4}' });
    expect(commands(plan.steps)).toEqual([
      'write /etc/freeswitch/vars.xml',
      'reloadxml',
      SOFIA_CACHE,
      'sofia profile internal killgw internal-trunk',
      'sofia profile internal rescan',
      'sofia profile external killgw external-trunk',
      'sofia profile external rescan',
    ]);
  });

  it('only rescans when the file differs in external_rtp_ip alone', () => {
    const plan = rewritten({ external_rtp_ip: '$${local_ip_v4}', external_sip_ip: PUBLIC });
    expect(commands(plan.steps).filter((c) => c.includes('killgw'))).toEqual([]);
    expect(plan.profileActions).toEqual({ internal: 'rescan', external: 'rescan' });
  });

  it('counts every variable as changed when the file on disk could not be read', () => {
    const state = withGateways();
    state.varsXml = null;
    const plan = stepsFor({
      before: state,
      after: state,
      changes: [],
      varsXml: renderedVarsXml(state.vars, 'pbx'),
      rewriteVars: true,
    });
    expect(commands(plan.steps).filter((c) => c.includes('killgw'))).toEqual([
      'sofia profile internal killgw internal-trunk',
      'sofia profile external killgw external-trunk',
    ]);
  });
});

describe('setting changes: rescan, restart or take trunks back', () => {
  it('restarts a profile whose ext-rtp-ip row is disabled: a rescan keeps the running value', () => {
    const before = stockPbx();
    const change = settingChange(before, PROFILE.internal, 'ext-rtp-ip', { sip_profile_setting_enabled: 'false' });
    const plan = planned(before, [change]);
    expect(plan.profileActions).toEqual({ internal: 'restart' });
    expect(plan.steps.at(-1)).toMatchObject({
      command: 'sofia profile internal restart',
      why: 'Restart needed: a rescan keeps the running ext-rtp-ip when its row is removed or disabled. Calls on this profile drop.',
    });
  });

  it('restarts for ext-sip-ip auto-nat in any case (strcasecmp, sofia.c:5247-5248: no address is set)', () => {
    for (const value of ['auto-nat', 'AUTO-NAT']) {
      const before = stockPbx();
      const plan = planned(before, [
        settingChange(before, PROFILE.external, 'ext-sip-ip', { sip_profile_setting_value: value }),
      ]);
      expect(plan.profileActions).toEqual({ external: 'restart' });
      expect(plan.steps.at(-1)).toMatchObject({
        why: 'Restart needed: ext-sip-ip auto-nat sets no address, so a rescan keeps the old one. Calls on this profile drop.',
      });
    }
  });

  it('keeps the first reason when two changes of one profile each need a restart, and a later rescan-only change does not cancel it', () => {
    const before = stockPbx();
    const plan = planned(before, [
      settingChange(before, PROFILE.internal, 'sip-ip', { sip_profile_setting_value: '192.168.88.11' }),
      settingChange(before, PROFILE.internal, 'NDLB-force-rport', { sip_profile_setting_value: 'true' }),
      settingChange(before, PROFILE.internal, 'apply-nat-acl', { sip_profile_setting_value: 'rfc1918.auto' }),
    ]);
    expect(plan.profileActions).toEqual({ internal: 'restart' });
    expect(plan.steps.at(-1)).toMatchObject({
      why: 'Restart needed: sip-ip is bound when the profile starts; a rescan does not change it. Calls on this profile drop.',
    });
  });

  it('takes no trunk back for a setting other than ext-sip-ip', () => {
    const before = withGateways();
    const plan = planned(before, [
      settingChange(before, PROFILE.external, 'apply-nat-acl', { sip_profile_setting_value: 'rfc1918.auto' }),
    ]);
    expect(commands(plan.steps)).toEqual(['reloadxml', SOFIA_CACHE, 'sofia profile external rescan']);
  });

  it('ignores a change to a setting row neither state has, and rescans for a removed row without a name', () => {
    const state = stockPbx();
    const ghost: PbxChange = {
      id: 'pbx-ghost',
      target: 'pbx',
      path: 'v_sip_profile_settings',
      action: 'remove',
      key: 'a0000000-0000-4000-8000-000000009999',
      before: { sip_profile_setting_value: 'x' },
      after: null,
      reason: 'test',
    };
    expect(stepsFor({ before: state, after: state, changes: [ghost] })).toEqual({
      steps: [],
      warnings: [],
      profileActions: {},
    });

    // FS PBX's Lua writes no param for a row without a name (nemerald-voip/fspbx @24614c4e
    // sofia.conf.lua:278): it set nothing, so removing it needs no restart.
    const nameless = stockPbx();
    nameless.settings.push({
      ...settingRow(nameless, PROFILE.internal, 'context'),
      sip_profile_setting_uuid: 'a0000000-0000-4000-8000-000000000901',
      sip_profile_setting_name: null,
    });
    const remove: PbxChange = { ...ghost, key: 'a0000000-0000-4000-8000-000000000901' };
    const plan = planned(nameless, [remove]);
    expect(plan.profileActions).toEqual({ internal: 'rescan' });
  });

  it('reloads a stale profile and takes its trunks back; a stale name no profile has is skipped', () => {
    const state = withGateways();
    const plan = stepsFor({ before: state, after: state, changes: [], staleProfiles: ['external', 'gone'] });
    expect(commands(plan.steps)).toEqual([
      'reloadxml',
      SOFIA_CACHE,
      'sofia profile external killgw external-trunk',
      'sofia profile external rescan',
    ]);
  });

  it('warns with the whole sentence for a profile whose name is odd', () => {
    const before = stockPbx();
    const change = settingChange(before, PROFILE.internal, 'apply-nat-acl', { sip_profile_setting_value: 'x' });
    const after = applyPbxChanges(before, [change]);
    after.profiles = after.profiles.map((p) =>
      p.sip_profile_name === 'internal' ? { ...p, sip_profile_name: 'a b' } : p,
    );
    expect(stepsFor({ before, after, changes: [change] }).warnings).toEqual([
      {
        code: 'unsafe-profile-name',
        target: 'pbx',
        message: 'A SIP profile name has unusual characters; rescan it by hand.',
      },
    ]);
  });

  it('keeps a trailing slash of the cache folder out of the sofia.conf path', () => {
    const before = stockPbx();
    before.cache = { method: 'file', location: '/var/cache/fusionpbx/' };
    const plan = planned(before, [
      settingChange(before, PROFILE.internal, 'apply-nat-acl', { sip_profile_setting_value: 'x' }),
    ]);
    expect(commands(plan.steps)).toContain(SOFIA_CACHE);
  });
});

describe('restartReason, rule by rule', () => {
  it('restarts for a reparsed row removed or disabled, naming an unnamed row "a setting"', () => {
    expect(restartReason(null, ['x'], [])).toBe(
      'a rescan keeps the running a setting when its row is removed or disabled',
    );
    expect(restartReason('aggressive-nat-detection', [], [])).toBeUndefined();
    expect(restartReason('aggressive-nat-detection', [], ['true'])).toBeUndefined();
  });

  it('treats auto-nat as no address only for ext-rtp-ip and ext-sip-ip (sofia.c:5151, :5247), in any case', () => {
    expect(restartReason('ext-rtp-ip', ['$${external_rtp_ip}'], ['auto-nat'])).toBe(
      'ext-rtp-ip auto-nat sets no address, so a rescan keeps the old one',
    );
    expect(restartReason('ext-sip-ip', ['$${external_sip_ip}'], [null, 'Auto-NAT'])).toBe(
      'ext-sip-ip auto-nat sets no address, so a rescan keeps the old one',
    );
    // Elsewhere the word is an ordinary value: a reparsed one applies on a rescan.
    expect(restartReason('local-network-acl', ['localnet.auto'], ['auto-nat'])).toBeUndefined();
    expect(restartReason('ext-sip-ip', ['x'], ['autonat:203.0.113.2'])).toBeUndefined();
  });
});

describe('the directory cache of an extension whose domain row is gone', () => {
  it('clears it under its user context only, never under a missing domain name', () => {
    const state = stockPbx();
    const e1001 = state.extensions.find((e) => e.extension === '1001')!;
    e1001.domain_uuid = 'd0000000-0000-4000-8000-000000000099';
    const change: PbxChange = {
      id: 'pbx-ext',
      target: 'pbx',
      path: 'v_extensions',
      action: 'set',
      key: e1001.extension_uuid,
      before: { sip_bypass_media: null },
      after: { sip_bypass_media: 'proxy-media' },
      reason: 'test',
    };
    expect(commands(stepsFor({ before: state, after: state, changes: [change] }).steps)).toEqual([
      'delete /var/cache/fusionpbx/directory.1001@pbx.example.com',
    ]);
    e1001.user_context = null;
    expect(stepsFor({ before: state, after: state, changes: [change] }).steps).toEqual([]);
  });
});
