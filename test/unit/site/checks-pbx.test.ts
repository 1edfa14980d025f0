/**
 * The PBX read-back checks, sentence by sentence: what the technician reads for each outcome,
 * and which plan entry a failed check points at. The wording is part of the product (the Verify
 * step and the bundle report show it as it is), so it is pinned here whole.
 */
import { describe, expect, it } from 'vitest';
import { siteInputs } from '../../../contract/schemas';
import type { Change, VerifyCheck } from '../../../contract/types';
import type { PbxChange } from '../../../electron/pbx/model/change';
import type { SitePlan } from '../../../electron/site/combine';
import {
  askableUser,
  mediaChecks,
  natAclCheck,
  natAclsInConfig,
  natAclsOf,
  overall,
  pbxChecks,
  plannedMedia,
  routerAccountCheck,
  wanCheck,
  type ForwardedPorts,
} from '../../../electron/site/checks';
import { mintRowIds, planFromStates } from '../../../electron/site/run';
import { stockPbx } from '../pbx/fixtures/stock';
import { defconfRouter } from '../routeros/fixtures/defconf';

const IP = '203.0.113.2';
const inputs = siteInputs.parse({
  router: { host: '192.168.88.1', username: 'admin', password: '' },
  pbx: { host: '192.168.88.10', username: 'root', auth: { kind: 'password', password: 'x' } },
  trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
  phones: [{ name: 'Home', address: '192.0.2.20' }],
  options: {},
});
const plan = planFromStates(inputs, defconfRouter(), stockPbx(), mintRowIds()).plan;
const byId = <T extends { id: string }>(checks: T[], id: string): T | undefined => checks.find((c) => c.id === id);
const keyOf = (change: object): unknown => ('key' in change ? change.key : undefined);

describe('the running profiles', () => {
  it('fails a profile still announcing the LAN address, says what callers suffer, and points at the variable', () => {
    const check = byId(pbxChecks(stockPbx(), IP, { plan }), 'internal-ext-rtp-ip')!;
    expect(check).toMatchObject({
      title: 'internal profile ext-rtp-ip',
      status: 'fail',
      summary:
        'external_rtp_ip is still the LAN address (192.168.88.10): FreeSWITCH tells outside callers to send audio to an address they cannot reach (one-way or no audio).',
    });
    expect(check.fix).toBe(
      `Set external_rtp_ip to autonat:${IP} (Advanced › Variables), then on the PBX run fs_cli -x reloadxml, clear the cached SIP profiles (FS PBX: Flush Cache) and run fs_cli -x "sofia profile internal rescan": FS PBX copies the variable into the profile when it generates it, so the order matters.`,
    );
    const variable = stockPbx().vars.find((v) => v.var_name === 'external_rtp_ip')!;
    const entry = plan.changes.find((c) => c.target === 'pbx' && c.path === 'v_vars' && keyOf(c) === variable.var_uuid);
    expect(entry).toBeDefined();
    expect(check.changeId).toBe(entry!.id);
    const sip = byId(pbxChecks(stockPbx(), IP, { plan }), 'internal-ext-sip-ip')!;
    expect(sip.summary).toMatch(/^external_sip_ip is still the LAN address \(192\.168\.88\.10\): .* to send SIP to /);
    expect(sip.changeId).not.toBe(check.changeId);
  });

  it('reads an empty or autonat-private value as the LAN too, and another public address as the wrong one', () => {
    const pbx = stockPbx();
    pbx.running![0]!.info['ext-rtp-ip'] = '';
    pbx.running![0]!.info['ext-sip-ip'] = 'autonat:192.168.88.10';
    pbx.running![1]!.info['ext-rtp-ip'] = '198.51.100.99';
    const checks = pbxChecks(pbx, IP);
    expect(byId(checks, 'internal-ext-rtp-ip')!.summary).toMatch(
      /^external_rtp_ip is still the LAN address \(nothing\)/,
    );
    expect(byId(checks, 'internal-ext-sip-ip')!.summary).toMatch(/still the LAN address \(autonat:192\.168\.88\.10\)/);
    expect(byId(checks, 'external-ext-rtp-ip')!.summary).toBe(
      `Running with "198.51.100.99" instead of the public IP ${IP}: outside callers are sent to the wrong address.`,
    );
    // Without a plan there is no entry to point at.
    expect(byId(checks, 'external-ext-rtp-ip')).not.toHaveProperty('changeId');
  });

  it('passes the public IP written plainly or as autonat:, and leaves IPv6 profiles out', () => {
    const pbx = stockPbx();
    pbx.running![0]!.info['ext-rtp-ip'] = IP;
    pbx.running![0]!.info['ext-sip-ip'] = `autonat:${IP}`;
    pbx.running!.push({ name: 'internal-ipv6', info: { 'ext-rtp-ip': '::1', 'ext-sip-ip': '::1' } });
    const checks = pbxChecks(pbx, IP);
    expect(byId(checks, 'internal-ext-rtp-ip')).toEqual({
      id: 'internal-ext-rtp-ip',
      title: 'internal profile ext-rtp-ip',
      status: 'pass',
      summary: `Running with ${IP}.`,
    });
    expect(byId(checks, 'internal-ext-sip-ip')?.summary).toBe(`Running with autonat:${IP}.`);
    expect(checks.some((c) => c.id.startsWith('internal-ipv6'))).toBe(false);
  });

  it('fails a profile bound to loopback, with the way back', () => {
    const pbx = stockPbx();
    pbx.running![1]!.info['sip-ip'] = '127.0.0.1';
    expect(byId(pbxChecks(pbx, IP), 'external-loopback')).toEqual({
      id: 'external-loopback',
      title: 'external profile address',
      status: 'fail',
      summary: 'Bound to 127.0.0.1: nothing outside the PBX can reach it.',
      fix: 'Set sip-ip and rtp-ip back to $${local_ip_v4} and restart the profile.',
    });
    expect(byId(pbxChecks(stockPbx(), IP), 'internal-loopback')).toBeUndefined();
  });

  it('warns when NAT detection is off on the running internal profile, and passes it on', () => {
    const pbx = stockPbx();
    pbx.running![0]!.info['aggressive-nat'] = 'false';
    expect(byId(pbxChecks(pbx, IP, { plan }), 'internal-aggressive-nat')).toMatchObject({
      title: 'internal profile NAT detection',
      status: 'warn',
      summary:
        'aggressive-nat-detection is not active on the running profile: phones behind NAT may register with addresses the PBX cannot reach.',
      fix: 'Enable aggressive-nat-detection on the internal SIP profile, then rescan it (sofia profile internal rescan).',
    });
    expect(byId(pbxChecks(stockPbx(), IP), 'internal-aggressive-nat')).toEqual({
      id: 'internal-aggressive-nat',
      title: 'internal profile NAT detection',
      status: 'pass',
      summary: 'aggressive-nat-detection is active.',
    });
    const noInternal = { ...stockPbx(), running: stockPbx().running!.filter((p) => p.name !== 'internal') };
    expect(byId(pbxChecks(noInternal, IP), 'internal-aggressive-nat')).toBeUndefined();
  });

  it('says FreeSWITCH may be down when fs_cli did not answer, and only then', () => {
    expect(byId(pbxChecks({ ...stockPbx(), running: null }, IP), 'freeswitch')).toEqual({
      id: 'freeswitch',
      title: 'FreeSWITCH',
      status: 'fail',
      summary: 'fs_cli did not answer: FreeSWITCH may be down.',
      fix: 'Check `systemctl status freeswitch` on the PBX.',
    });
    expect(byId(pbxChecks({ ...stockPbx(), running: [] }, IP), 'freeswitch')).toBeUndefined();
  });
});

describe('the host firewall against the forwards', () => {
  const forwards: ForwardedPorts[] = [
    { protocol: 'udp', range: { start: 5060, end: 5060 } },
    { protocol: 'tcp', range: { start: 8443, end: 8444 } },
  ];

  it('passes a forward the stock rules let in, fails one they drop, naming the dropped ports', () => {
    const checks = pbxChecks(stockPbx(), IP, { forwards });
    expect(byId(checks, 'host-firewall-udp-5060-5060')).toEqual({
      id: 'host-firewall-udp-5060-5060',
      title: 'PBX host firewall, UDP 5060',
      status: 'pass',
      summary: 'Lets the forwarded UDP 5060 in.',
    });
    expect(byId(checks, 'host-firewall-tcp-8443-8444')).toEqual({
      id: 'host-firewall-tcp-8443-8444',
      title: 'PBX host firewall, TCP 8443-8444',
      status: 'fail',
      summary: 'Host firewall drops TCP 8443-8444: the router forwards it, the PBX throws it away.',
      fix: "Allow TCP 8443-8444 in the PBX's iptables (iptables -S shows the rule; FS PBX keeps them in /etc/iptables/rules.v4) and reload it.",
    });
  });

  it('checks nothing when the firewall could not be read or no forward is known', () => {
    expect(pbxChecks({ ...stockPbx(), firewall: null }, IP, { forwards }).some((c) => c.id.startsWith('host-'))).toBe(
      false,
    );
    expect(pbxChecks(stockPbx(), IP).some((c) => c.id.startsWith('host-'))).toBe(false);
  });
});

describe('the NAT ACL of the internal profile', () => {
  const conf = (params: string, name = 'internal') =>
    `<configuration name="sofia.conf"><profiles><profile name="${name}"><settings>${params}</settings></profile></profiles></configuration>`;

  it('reads NAT-ACL rows from status text, with or without APPLY-, and nothing else', () => {
    expect(natAclsOf('  APPLY-NAT-ACL   nat.auto \nNAT-ACL rfc1918\nNAT-ACLx y\nNOT NAT-ACL z\nNAT-ACL a b')).toEqual([
      'nat.auto',
      'rfc1918',
    ]);
    expect(natAclsOf('')).toEqual([]);
  });

  it('reads apply-nat-acl params of the named profile only, skipping empty values', () => {
    const xml = [
      conf('<param name="apply-nat-acl" value="nat.auto"/><param  name="apply-nat-acl"  value="rfc1918" />'),
      conf('<param name="apply-nat-acl" value="other"/>', 'external'),
      conf('<param name="apply-nat-acl" value=""/><param name="apply-inbound-acl" value="x"/>', 'internal'),
    ].join('\n');
    expect(natAclsInConfig(xml, 'internal')).toEqual(['nat.auto', 'rfc1918']);
    expect(natAclsInConfig(xml, 'external')).toEqual(['other']);
    expect(natAclsInConfig(xml, 'intern')).toEqual([]);
  });

  it('passes on what is running first, then on the loaded config, saying which', () => {
    expect(natAclCheck('NAT-ACL nat.auto', conf('<param name="apply-nat-acl" value="x"/>'))).toEqual({
      id: 'internal-nat-acl',
      title: 'internal profile NAT ACL',
      status: 'pass',
      summary: 'apply-nat-acl active on the running profile: nat.auto.',
    });
    expect(natAclCheck('', conf('<param name="apply-nat-acl" value="nat.auto"/>')).summary).toBe(
      'apply-nat-acl in the sofia.conf the profile loads: nat.auto.',
    );
  });

  it('fails when known to be missing, warns when nothing could be read, and points at the plan entry', () => {
    const missing = natAclCheck('', undefined, plan);
    expect(missing).toMatchObject({
      status: 'fail',
      summary:
        'No NAT ACL on the internal profile: phones behind NAT are not recognised as such and get one-way or no audio.',
      fix: 'Enable apply-nat-acl = nat.auto on the internal SIP profile (one row only), then rescan the profile.',
    });
    expect(natAclCheck(undefined, conf(''))).toMatchObject({ status: 'fail' });
    expect(natAclCheck(undefined, undefined)).toMatchObject({
      status: 'warn',
      summary: 'Could not read the internal profile from fs_cli.',
    });
    const entry = plan.changes.find(
      (c) => c.path === 'v_sip_profile_settings' && c.after?.sip_profile_setting_name === 'apply-nat-acl',
    );
    expect(missing.changeId).toBe(entry?.id);
  });
});

describe('extension media', () => {
  it('lists the extensions a plan moves, as user@domain, with the mode wanted', () => {
    const pbx = stockPbx();
    const planned = plannedMedia(plan, pbx);
    const moved = plan.changes.filter((c) => c.target === 'pbx' && c.path === 'v_extensions' && c.action === 'set');
    expect(planned.map((p) => p.changeId)).toEqual(
      moved
        .filter((c) => {
          const ext = pbx.extensions.find((e) => e.extension_uuid === keyOf(c));
          return ext?.enabled === 'true';
        })
        .map((c) => c.id),
    );
    expect(planned.every((p) => p.wanted === 'proxy-media' || p.wanted === 'default')).toBe(true);
    expect(planned.find((p) => p.user === '1002@pbx.example.com')).toBeDefined();
  });

  it('uses the context when the domain row is gone, and skips an extension with no number', () => {
    const pbx = stockPbx();
    const target = plan.changes.find((c) => c.path === 'v_extensions' && c.action === 'set')!;
    const ext = pbx.extensions.find((e) => e.extension_uuid === keyOf(target))!;
    const noDomain = { ...pbx, domains: [] };
    expect(plannedMedia(plan, noDomain).find((p) => p.changeId === target.id)?.user).toBe(
      `${ext.extension}@${ext.user_context}`,
    );
    const noNumber = {
      ...pbx,
      extensions: pbx.extensions.map((e) => (e.extension_uuid === keyOf(target) ? { ...e, extension: null } : e)),
    };
    expect(plannedMedia(plan, noNumber).some((p) => p.changeId === target.id)).toBe(false);
  });

  it('asks fs_cli only about plain user@domain words', () => {
    for (const ok of ['1001@pbx.example.com', 'a_b.c+d-e@x', `${'1'.repeat(64)}@d`])
      expect(askableUser(ok), ok).toBe(true);
    for (const bad of ['1001', '@d', 'a b@d', 'a@d e', `${'1'.repeat(65)}@d`, "10'6@d", 'a@d;x', 'x1001@d\n']) {
      expect(askableUser(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('passes the mode wanted, and names the mode FreeSWITCH still uses', () => {
    const base = { user: '1002@pbx.example.com', changeId: 'c9' };
    expect(mediaChecks([{ ...base, wanted: 'proxy-media', proxyMedia: 'true', bypassMedia: 'false' }])).toEqual([
      {
        id: 'media-1002@pbx.example.com',
        title: 'Extension 1002@pbx.example.com media mode',
        status: 'pass',
        summary: 'FreeSWITCH uses Proxy Media for 1002@pbx.example.com.',
      },
    ]);
    expect(mediaChecks([{ ...base, wanted: 'default', proxyMedia: 'false', bypassMedia: 'false' }])[0]).toMatchObject({
      status: 'pass',
      summary: 'FreeSWITCH uses the default media handling for 1002@pbx.example.com.',
    });
    const bypass = mediaChecks([{ ...base, wanted: 'proxy-media', proxyMedia: 'false', bypassMedia: 'true' }])[0]!;
    expect(bypass).toEqual({
      id: 'media-1002@pbx.example.com',
      title: 'Extension 1002@pbx.example.com media mode',
      status: 'fail',
      summary:
        'FreeSWITCH still uses Bypass Media for 1002@pbx.example.com: audio goes phone to phone and breaks behind NAT.',
      fix: "Set the extension's media to Proxy Media (Extensions › 1002 › Advanced), then clear the directory cache so FreeSWITCH rereads it.",
      changeId: 'c9',
    });
    expect(mediaChecks([{ ...base, wanted: 'default', proxyMedia: 'true', bypassMedia: 'false' }])[0]!.summary).toBe(
      'FreeSWITCH still uses Proxy Media for 1002@pbx.example.com.',
    );
    expect(
      mediaChecks([{ ...base, wanted: 'proxy-media', proxyMedia: 'false', bypassMedia: 'false' }])[0]!.summary,
    ).toBe('FreeSWITCH still uses the default media handling for 1002@pbx.example.com.');
    // Proxy and bypass both on: bypass wins in FreeSWITCH, so it is no pass.
    expect(mediaChecks([{ ...base, wanted: 'proxy-media', proxyMedia: 'true', bypassMedia: 'true' }])[0]!.status).toBe(
      'fail',
    );
  });

  it('warns when fs_cli did not answer, or when the name could not be asked at all', () => {
    const base = { changeId: 'c9', wanted: 'proxy-media' as const };
    expect(mediaChecks([{ ...base, user: '1002@pbx.example.com', proxyMedia: 'true' }])[0]).toMatchObject({
      status: 'warn',
      summary: 'fs_cli did not answer user_data for 1002@pbx.example.com.',
      changeId: 'c9',
    });
    expect(mediaChecks([{ ...base, user: "10'6;x@d" }])[0]!.summary).toBe(
      `Not asked: "10'6;x@d" has characters fs_cli cannot take in a command.`,
    );
  });
});

describe('the WAN address, the account, and the verdict', () => {
  it('calls a private or CGNAT WAN address double NAT, with the two ways out', () => {
    expect(wanCheck('192.168.1.20')).toEqual({
      id: 'wan-address',
      title: 'WAN address',
      status: 'fail',
      summary:
        "192.168.1.20 is private: another router (or the ISP's CGNAT) is in front, so forwards on this router alone do not reach the PBX.",
      fix: 'Forward the same ports on the router in front, or ask the ISP for a public address (bridge mode).',
    });
    expect(wanCheck('100.64.0.1').status).toBe('fail');
    expect(wanCheck(IP)).toEqual({
      id: 'wan-address',
      title: 'WAN address',
      status: 'pass',
      summary: `${IP} is public.`,
    });
  });

  it('words the account warning whole', () => {
    expect(routerAccountCheck('tech', '')).toEqual({
      id: 'router-empty-password',
      title: 'Router account password',
      status: 'warn',
      summary: 'The router account "tech" has no password.',
      fix: 'Give it one (WinBox › System › Users, or /user set <name> password=…), then use it here.',
    });
  });

  it('fails on any failure, warns on any warning, passes only when every check passed', () => {
    const c = (status: VerifyCheck['status']): VerifyCheck => ({ id: status, title: status, status, summary: '' });
    expect(overall([c('pass'), c('warn'), c('fail')])).toBe('fail');
    expect(overall([c('warn'), c('fail')])).toBe('fail');
    expect(overall([c('pass'), c('warn')])).toBe('warn');
    expect(overall([c('pass'), c('pass')])).toBe('pass');
    expect(overall([])).toBe('pass');
  });
});

describe('which plan entry a failed check points at', () => {
  /** A plan of hand-made entries: only the plan's changes list is read to find the entry. */
  const planOf = (changes: Change[]): SitePlan => ({ changes, warnings: [], facts: {} });
  const change = (id: string, fields: Partial<Change> & Record<string, unknown>): Change => ({
    id,
    target: 'pbx',
    path: 'v_vars',
    action: 'set',
    before: null,
    after: null,
    reason: 'test',
    ...fields,
  });

  it('finds a variable by its row key, or by name for a new row, on the PBX and in v_vars only', () => {
    const pbx = stockPbx();
    const rtp = pbx.vars.find((v) => v.var_name === 'external_rtp_ip')!;
    const checks = (changes: Change[]) =>
      byId(pbxChecks(pbx, IP, { plan: planOf(changes) }), 'internal-ext-rtp-ip')?.changeId;
    expect(checks([change('other', { key: 'nope' }), change('byKey', { key: rtp.var_uuid })])).toBe('byKey');
    expect(checks([change('byName', { action: 'add', after: { var_name: 'external_rtp_ip' } })])).toBe('byName');
    expect(checks([change('router', { target: 'router', key: rtp.var_uuid })])).toBeUndefined();
    expect(checks([change('table', { path: 'v_sip_profile_settings', key: rtp.var_uuid })])).toBeUndefined();
    expect(checks([change('name', { key: 'nope', after: { var_name: 'external_rtp_ip' } })])).toBeUndefined();
  });

  it('finds the profile setting by its name for NAT detection and the NAT ACL', () => {
    const setting = (id: string, name: string, path = 'v_sip_profile_settings') =>
      change(id, { path, after: { sip_profile_setting_name: name } });
    const plan = planOf([
      setting('x', 'apply-nat-acl', 'v_vars'),
      setting('acl', 'apply-nat-acl'),
      setting('y', 'aggressive-nat-detection', 'v_vars'),
      setting('agg', 'aggressive-nat-detection'),
    ]);
    expect(natAclCheck('', undefined, plan).changeId).toBe('acl');
    const pbx = stockPbx();
    pbx.running![0]!.info['aggressive-nat'] = 'false';
    expect(byId(pbxChecks(pbx, IP, { plan }), 'internal-aggressive-nat')?.changeId).toBe('agg');
    expect(natAclCheck('', undefined, planOf([setting('z', 'apply-inbound-acl')]))).not.toHaveProperty('changeId');
  });

  it('lists only set changes of v_extensions as media moves', () => {
    const pbx = stockPbx();
    const ext = pbx.extensions[1]!;
    const moves = (c: PbxChange) => plannedMedia({ ...planOf([]), pbx: { ...plan.pbx!, changes: [c] } }, pbx);
    const set: PbxChange = {
      id: 'm',
      target: 'pbx',
      path: 'v_extensions',
      action: 'set',
      key: ext.extension_uuid,
      before: null,
      after: { sip_bypass_media: 'proxy-media' },
      reason: 'test',
    };
    expect(moves(set)).toEqual([{ user: `${ext.extension}@pbx.example.com`, changeId: 'm', wanted: 'proxy-media' }]);
    expect(moves({ ...set, action: 'remove' })).toEqual([]);
    expect(moves({ ...set, path: 'v_vars' })).toEqual([]);
    expect(moves({ ...set, after: null })).toEqual([]);
    expect(moves({ ...set, after: { sip_bypass_media: '' } })[0]?.wanted).toBe('default');
  });
});
