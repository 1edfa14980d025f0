import { describe, expect, it } from 'vitest';
import { applyPbxChanges } from '../../../electron/pbx/plan/apply-rows';
import { parseIptablesS } from '../../../electron/pbx/parse/parse';
import { MEDIA_TRADE_OFF, planPbx, type PbxPlan, type PbxPlanInputs } from '../../../electron/pbx/plan/plan';
import type { PbxState, SettingRow } from '../../../electron/pbx/model/state';
import { HOSTILE_EXTENSION, IPTABLES_STOCK, PROFILE, stockPbx } from './fixtures/stock';

const INPUTS: PbxPlanInputs = { publicIp: '203.0.113.2', mediaMode: 'proxy', extensions: [] };

function plan(state: PbxState, inputs: Partial<PbxPlanInputs> = {}): PbxPlan {
  const result = planPbx(state, { ...INPUTS, ...inputs });
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  return result.plan;
}

/** The state after applying, with FreeSWITCH restarted (running values follow the configuration). */
function appliedAndRestarted(state: PbxState, p: PbxPlan, publicIp = '203.0.113.2'): PbxState {
  const after = applyPbxChanges(state, p.changes);
  const write = p.steps.find((s) => s.kind === 'write-file');
  if (write?.kind === 'write-file') after.varsXml = write.content;
  after.running = (after.running ?? []).map((r) => ({
    ...r,
    info: { ...r.info, 'ext-rtp-ip': publicIp, 'ext-sip-ip': publicIp },
  }));
  return after;
}

function enabledRows(state: PbxState, profile: string, name: string): SettingRow[] {
  return state.settings.filter(
    (r) =>
      r.sip_profile_uuid === profile && r.sip_profile_setting_name === name && r.sip_profile_setting_enabled === 'true',
  );
}

describe('planPbx on a stock FS PBX', () => {
  const state = stockPbx();
  const p = plan(state);

  it('reports the internal NAT settings as already set and changes no profile row', () => {
    expect(p.settled.map((s) => s.item)).toEqual(
      expect.arrayContaining(['internal aggressive-nat-detection', 'internal apply-nat-acl']),
    );
    expect(p.changes.filter((c) => c.path === 'v_sip_profile_settings')).toEqual([]);
  });

  it('sets external_rtp_ip and external_sip_ip to autonat:<public IP>', () => {
    const vars = p.changes.filter((c) => c.path === 'v_vars');
    expect(vars.map((c) => [c.action, c.before, c.after])).toEqual([
      ['set', { var_value: '$${local_ip_v4}' }, { var_value: 'autonat:203.0.113.2' }],
      ['set', { var_value: '$${local_ip_v4}' }, { var_value: 'autonat:203.0.113.2' }],
    ]);
  });

  it('moves the bypass-media extensions (and only those) to Proxy Media, stating the trade-off', () => {
    const ext = p.changes.filter((c) => c.path === 'v_extensions');
    const byUuid = new Map(state.extensions.map((e) => [e.extension_uuid, e.extension]));
    expect(ext.map((c) => byUuid.get(c.key!))).toEqual(['1002', '1004', HOSTILE_EXTENSION]);
    for (const c of ext) {
      expect(c.after).toEqual({ sip_bypass_media: 'proxy-media' });
      expect(c.reason).toContain(MEDIA_TRADE_OFF);
    }
    expect(ext[1]!.before).toEqual({ sip_bypass_media: 'bypass-media-after-bridge' });
  });

  it('shows the external profile’s NAT settings for review', () => {
    const external = p.review.find((r) => r.profile === 'external')!;
    const byName = Object.fromEntries(external.settings.map((s) => [s.name, s]));
    expect(byName['ext-rtp-ip']).toMatchObject({ value: '$${external_rtp_ip}', enabled: true, note: 'OK.' });
    expect(byName['apply-nat-acl']).toMatchObject({ value: 'nat.auto', enabled: true });
    expect(byName['aggressive-nat-detection']).toMatchObject({ value: null, enabled: false });
    expect(byName['sip-port']?.value).toBe('5080');
  });

  it('lists the steps after the transaction in the order the sources require: vars.xml, reloadxml, cache, rescan', () => {
    const summary = p.steps.map((s) => (s.kind === 'fs-cli' ? `fs_cli ${s.command}` : `${s.kind} ${s.path}`));
    expect(summary).toEqual([
      'write-file /etc/freeswitch/vars.xml',
      'fs_cli reloadxml',
      'delete-cache-file /var/cache/fusionpbx/configuration.sofia.conf.pbx',
      'fs_cli sofia profile internal rescan',
      'fs_cli sofia profile external rescan',
      'delete-cache-file /var/cache/fusionpbx/directory.1002@pbx.example.com',
      'delete-cache-file /var/cache/fusionpbx/directory.2002@pbx.example.com',
      'delete-cache-file /var/cache/fusionpbx/directory.1004@pbx.example.com',
    ]);
    // mod_sofia re-parses ext-rtp-ip / ext-sip-ip on rescan (sofia.c:5144-5173): no call is dropped.
    expect(p.profileActions).toEqual({ internal: 'rescan', external: 'rescan' });
    // No step prints the generated sofia.conf (it carries trunk passwords).
    expect(p.steps.some((s) => s.kind === 'fs-cli' && s.command.startsWith('xml_locate'))).toBe(false);
  });

  it('writes vars.xml as FS PBX does, with the new values in place', () => {
    const write = p.steps[0]!;
    if (write.kind !== 'write-file') throw new Error('expected vars.xml first');
    expect(write.owner).toBe('www-data');
    expect(write.content).toContain('\n<!-- IP Address -->\n');
    expect(write.content).toContain('<X-PRE-PROCESS cmd="set" data="external_rtp_ip=autonat:203.0.113.2" />\n');
    expect(write.content).not.toContain('external_sip_ip=$${local_ip_v4}');
    expect(write.content.split('\n').filter((l) => l.startsWith('<X-PRE-PROCESS')).length).toBe(state.vars.length);
  });

  it('does not clear a cache path built from a hostile extension name, and says so', () => {
    expect(p.steps.some((s) => s.kind === 'delete-cache-file' && s.path.includes('touch'))).toBe(false);
    expect(p.warnings.map((w) => w.code)).toContain('unsafe-extension-name');
  });

  it('plans nothing the second time', () => {
    const again = plan(appliedAndRestarted(state, p));
    expect(again.changes).toEqual([]);
    expect(again.steps).toEqual([]);
    expect(again.settled.length).toBeGreaterThan(p.settled.length);
  });

  it('reloads profiles whose running values are stale even when the database is already right: reloadxml before the cache goes', () => {
    const after = applyPbxChanges(state, p.changes);
    const write = p.steps.find((s) => s.kind === 'write-file');
    if (write?.kind === 'write-file') after.varsXml = write.content;
    const again = plan(after);
    expect(again.changes).toEqual([]);
    expect(again.profileActions).toEqual({ internal: 'rescan', external: 'rescan' });
    const order = again.steps.map((s) => (s.kind === 'fs-cli' ? s.command : s.kind));
    expect(order.slice(0, 2)).toEqual(['reloadxml', 'delete-cache-file']);
  });

  it('rewrites vars.xml when it does not say what v_vars says, even with the rows right', () => {
    const after = applyPbxChanges(state, p.changes);
    after.running = appliedAndRestarted(state, p).running;
    const again = plan(after);
    expect(again.changes).toEqual([]);
    expect(again.steps.map((s) => (s.kind === 'fs-cli' ? s.command : s.kind)).slice(0, 3)).toEqual([
      'write-file',
      'reloadxml',
      'delete-cache-file',
    ]);
  });

  it('has no warnings on a stock host apart from the hostile extension', () => {
    expect(p.warnings.map((w) => w.code)).toEqual(['unsafe-extension-name']);
  });
});

describe('planPbx internal settings on a non-stock profile', () => {
  function withSettings(edit: (rows: SettingRow[]) => SettingRow[]): PbxState {
    const s = stockPbx();
    s.settings = edit(s.settings);
    return s;
  }
  const isAcl = (r: SettingRow): boolean =>
    r.sip_profile_uuid === PROFILE.internal && r.sip_profile_setting_name === 'apply-nat-acl';
  const isAggressive = (r: SettingRow): boolean =>
    r.sip_profile_uuid === PROFILE.internal && r.sip_profile_setting_name === 'aggressive-nat-detection';

  it('adds apply-nat-acl when the row is missing', () => {
    const s = withSettings((rows) => rows.filter((r) => !isAcl(r)));
    const p = plan(s);
    const add = p.changes.find((c) => c.path === 'v_sip_profile_settings')!;
    expect(add).toMatchObject({ action: 'add', after: { sip_profile_setting_value: 'nat.auto' } });
    // A new ACL entry is appended by a rescan (sofia.c:5708-5719).
    expect(p.profileActions.internal).toBe('rescan');
  });

  it('enables a disabled apply-nat-acl row instead of adding a second one', () => {
    const s = withSettings((rows) => rows.map((r) => (isAcl(r) ? { ...r, sip_profile_setting_enabled: 'false' } : r)));
    const p = plan(s);
    const change = p.changes.find((c) => c.path === 'v_sip_profile_settings')!;
    expect(change).toMatchObject({
      action: 'set',
      after: { sip_profile_setting_value: 'nat.auto', sip_profile_setting_enabled: 'true' },
    });
    expect(enabledRows(applyPbxChanges(s, p.changes), PROFILE.internal, 'apply-nat-acl')).toHaveLength(1);
  });

  it('changes an enabled apply-nat-acl with another value rather than stacking a second row', () => {
    const s = withSettings((rows) =>
      rows.map((r) => (isAcl(r) ? { ...r, sip_profile_setting_value: 'rfc1918.auto' } : r)),
    );
    const p = plan(s);
    expect(p.changes.filter((c) => c.path === 'v_sip_profile_settings').map((c) => c.action)).toEqual(['set']);
    // A rescan empties the NAT ACL list and fills it from the rows (sofia.c:4696): no restart, no dropped call.
    expect(p.profileActions.internal).toBe('rescan');
    expect(p.steps.some((st) => st.kind === 'fs-cli' && /restart/.test(st.command))).toBe(false);
    expect(enabledRows(applyPbxChanges(s, p.changes), PROFILE.internal, 'apply-nat-acl')).toHaveLength(1);
  });

  it('reports a duplicate enabled apply-nat-acl as cumulative but counts nat.auto as set', () => {
    const s = stockPbx();
    const acl = s.settings.find(isAcl)!;
    s.settings.push({
      ...acl,
      sip_profile_setting_uuid: 'f0000000-0000-4000-8000-000000000001',
      sip_profile_setting_value: 'rfc1918.auto',
    });
    const p = plan(s);
    expect(p.changes.filter((c) => c.path === 'v_sip_profile_settings')).toEqual([]);
    expect(p.warnings.map((w) => w.code)).toContain('nat-acl-cumulative');
  });

  it('sets aggressive-nat-detection back to true, or adds it when absent', () => {
    const off = withSettings((rows) =>
      rows.map((r) => (isAggressive(r) ? { ...r, sip_profile_setting_value: 'false' } : r)),
    );
    expect(plan(off).changes.find((c) => c.path === 'v_sip_profile_settings')).toMatchObject({
      action: 'set',
      before: { sip_profile_setting_value: 'false' },
      after: { sip_profile_setting_value: 'true' },
    });
    const none = withSettings((rows) => rows.filter((r) => !isAggressive(r)));
    const p = plan(none);
    expect(p.changes.find((c) => c.path === 'v_sip_profile_settings')).toMatchObject({ action: 'add' });
    expect(plan(appliedAndRestarted(none, p)).changes).toEqual([]);
  });
});

describe('planPbx variables', () => {
  it('adds a missing variable in the IP Address category after the others', () => {
    const s = stockPbx();
    s.vars = s.vars.filter((v) => v.var_name !== 'external_sip_ip');
    const add = plan(s).changes.find((c) => c.path === 'v_vars' && c.action === 'add')!;
    expect(add.after).toMatchObject({
      var_category: 'IP Address',
      var_name: 'external_sip_ip',
      var_order: '1',
      var_hostname: null,
    });
  });

  it('enables a disabled variable and ignores rows for another host', () => {
    const s = stockPbx();
    s.vars = s.vars.map((v) => (v.var_name === 'external_rtp_ip' ? { ...v, var_enabled: 'false' } : v));
    s.vars.push({
      ...s.vars[5]!,
      var_uuid: 'b0000000-0000-4000-8000-00000000ffff',
      var_hostname: 'other-node',
      var_value: 'x',
    });
    const changes = plan(s).changes.filter((c) => c.path === 'v_vars');
    expect(changes.map((c) => c.after)).toEqual([
      { var_value: 'autonat:203.0.113.2', var_enabled: 'true' },
      { var_value: 'autonat:203.0.113.2' },
    ]);
  });
});

describe('planPbx extensions', () => {
  const state = stockPbx();

  it('moves chosen extensions to the default media handling as NULL, counting empty text as default already', () => {
    const p = plan(state, { mediaMode: 'default', extensions: ['1002', '1003', '1005@pbx.example.com'] });
    const ext = p.changes.filter((c) => c.path === 'v_extensions');
    expect(ext.map((c) => [c.before, c.after])).toEqual([
      [{ sip_bypass_media: 'bypass-media' }, { sip_bypass_media: null }],
      [{ sip_bypass_media: 'proxy-media' }, { sip_bypass_media: null }],
    ]);
    expect(p.settled.map((s) => s.item)).toContain('1003@pbx.example.com');
  });

  it('leaves extensions alone when asked', () => {
    expect(plan(state, { mediaMode: 'leave' }).changes.filter((c) => c.path === 'v_extensions')).toEqual([]);
  });

  it('refuses an unknown extension, naming the field', () => {
    const result = planPbx(state, { ...INPUTS, extensions: ['1001', '9999'] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field)).toEqual(['options.extensions.1']);
  });

  it('selects a hostile extension by its exact name', () => {
    const p = plan(state, { extensions: [HOSTILE_EXTENSION] });
    expect(p.changes.filter((c) => c.path === 'v_extensions')).toHaveLength(1);
  });
});

describe('planPbx warnings and refusals', () => {
  it('warns when the host firewall drops a forwarded port', () => {
    const s = stockPbx();
    s.firewall = parseIptablesS(IPTABLES_STOCK.replace('--dport 16384:32768', '--dport 16384:20000'));
    const warning = plan(s).warnings.find((w) => w.code === 'host-firewall-drops');
    expect(warning?.message).toContain('20001-32768');
  });

  it('warns when event_guard blocks the router’s own address', () => {
    const p = plan(stockPbx(), { routerLanAddress: '192.0.2.66' });
    expect(p.warnings.map((w) => w.code)).toContain('host-firewall-blocks-router');
    expect(plan(stockPbx(), { routerLanAddress: '192.168.88.1' }).warnings.map((w) => w.code)).not.toContain(
      'host-firewall-blocks-router',
    );
  });

  it('warns about a profile bound to 127.0.0.1', () => {
    const s = stockPbx();
    s.running = [{ name: 'internal', info: { 'sip-ip': '127.0.0.1' } }];
    expect(plan(s).warnings.map((w) => w.code)).toContain('profile-on-loopback');
  });

  it('warns about a profile configured on 127.0.0.1 even before it runs', () => {
    const s = stockPbx();
    const sipIp = s.settings.find(
      (r) => r.sip_profile_uuid === PROFILE.external && r.sip_profile_setting_name === 'sip-ip',
    )!;
    sipIp.sip_profile_setting_value = '127.0.0.1';
    const warning = plan(s).warnings.find((w) => w.code === 'profile-on-loopback');
    expect(warning?.message).toContain('external');
  });

  it('warns when the RTP range differs from the router plan', () => {
    const w = plan(stockPbx(), { routerRtp: { start: 10000, end: 20000 } }).warnings.find(
      (x) => x.code === 'rtp-range-mismatch',
    );
    expect(w?.message).toContain('16384-32768');
  });

  it('warns when the public address is private, and refuses one that is not an address', () => {
    expect(plan(stockPbx(), { publicIp: '100.64.1.1' }).warnings.map((w) => w.code)).toContain('public-ip-private');
    const bad = planPbx(stockPbx(), { ...INPUTS, publicIp: 'auto' });
    expect(bad.ok).toBe(false);
  });

  it('uses memcache commands when FS PBX caches in memcache', () => {
    const s = stockPbx();
    s.cache = { method: 'memcache', location: '' };
    const commands = plan(s).steps.flatMap((x) => (x.kind === 'fs-cli' ? [x.command] : []));
    expect(commands).toContain('memcache delete configuration:sofia.conf:pbx');
    expect(commands).toContain('memcache delete directory:1002@pbx.example.com');
    expect(plan(s).steps.some((x) => x.kind === 'delete-cache-file')).toBe(false);
  });
});
