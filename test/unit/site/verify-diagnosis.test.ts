import { describe, expect, it } from 'vitest';
import { siteInputs } from '../../../contract/schemas';
import { parseIptablesS } from '../../../electron/pbx/parse/parse';
import { applyToState } from '../../../electron/routeros/apply-state';
import { mintRowIds, planFromStates } from '../../../electron/site/run';
import {
  askableUser,
  forwardedPorts,
  mediaChecks,
  natAclCheck,
  natAclsInConfig,
  natAclsOf,
  pbxChecks,
  plannedMedia,
  routerChecks,
} from '../../../electron/site/checks';
import { stockPbx } from '../pbx/fixtures/stock';
import { defconfRouter } from '../routeros/fixtures/defconf';

const inputs = siteInputs.parse({
  router: { host: '192.168.88.1', username: 'admin', password: '' },
  pbx: { host: '192.168.88.10', username: 'root', auth: { kind: 'password', password: 'x' } },
  trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
  phones: [{ name: 'Home', address: '192.0.2.20' }],
  options: {},
});
const PUBLIC = '203.0.113.2';

describe('diagnosis of a failed read-back', () => {
  const pbx = stockPbx();
  const plan = planFromStates(inputs, defconfRouter(), pbx, mintRowIds()).plan;
  const applied = applyToState(defconfRouter(), plan.router!.changes);
  if (!applied.ok) throw new Error(applied.message);

  it('names a removed forward, what it breaks, and the plan entry that puts it back', () => {
    const forward = plan.router!.changes.find((c) => c.after?.action === 'dst-nat' && c.after['dst-port'] === '5080');
    expect(forward).toBeDefined();
    const nat = applied.state.nat.filter((n) => n.comment !== forward!.after!.comment);
    const failed = routerChecks(plan, { ...applied.state, nat }).filter((c) => c.status === 'fail');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      changeId: forward!.id,
      summary: expect.stringMatching(/5080 from outside never reaches/),
    });
  });

  it('points a SIP helper that is still on at the plan entry that turns it off', () => {
    const servicePorts = applied.state.servicePorts.map((p) => (p.name === 'sip' ? { ...p, disabled: 'false' } : p));
    const helper = routerChecks(plan, { ...applied.state, servicePorts }).find((c) => c.id === 'sip-helper');
    const change = plan.changes.find((c) => c.path === '/ip/firewall/service-port');
    expect(helper).toMatchObject({
      status: 'fail',
      changeId: change!.id,
      summary: expect.stringMatching(/SIP helper still on/),
    });
  });

  it('says external_rtp_ip is still the LAN address and points at the v_vars entry', () => {
    const failed = pbxChecks(pbx, PUBLIC, { plan }).find((c) => c.id === 'internal-ext-rtp-ip');
    const rtpVar = pbx.vars.find((v) => v.var_name === 'external_rtp_ip');
    const change = plan.pbx!.changes.find((c) => c.path === 'v_vars' && c.key === rtpVar!.var_uuid);
    expect(failed).toMatchObject({ status: 'fail', changeId: change!.id });
    expect(failed!.summary).toMatch(/external_rtp_ip is still the LAN address/);
  });

  it('checks the host firewall on every forwarded port: an RTP drop is named with its ports', () => {
    const forwards = forwardedPorts(plan, []);
    expect(forwards.map((f) => `${f.protocol} ${f.range.start}-${f.range.end}`)).toEqual(
      expect.arrayContaining(['udp 5060-5060', 'tcp 5060-5060', 'udp 5080-5080', 'tcp 5080-5080', 'udp 16384-32768']),
    );
    const clean = pbxChecks(pbx, PUBLIC, { forwards }).filter((c) => c.id.startsWith('host-firewall'));
    expect(clean.length).toBe(forwards.length);
    expect(clean.filter((c) => c.status !== 'pass')).toEqual([]);
    const dropping = {
      ...pbx,
      firewall: parseIptablesS(
        '-P INPUT DROP\n-A INPUT -p udp -m udp --dport 20000:20100 -j DROP\n' +
          pbx.firewall!.rules.map((r) => `-A ${r.chain} ${r.words.join(' ')}`).join('\n'),
      ),
    };
    const failed = pbxChecks(dropping, PUBLIC, { forwards }).filter(
      (c) => c.status === 'fail' && c.id.startsWith('host'),
    );
    expect(failed.map((c) => c.summary)).toEqual([expect.stringMatching(/drops UDP 20000-20100/)]);
  });

  it('reads the NAT ACL from sofia status where it is printed, else from the sofia.conf the profile loads', () => {
    const standIn =
      'Name             \tinternal\nAGGRESSIVENAT    \ttrue\nAPPLY-NAT-ACL    \tnat.auto\nCALLS-IN  \t0\n';
    expect(natAclsOf(standIn)).toEqual(['nat.auto']);
    expect(natAclCheck(standIn, undefined).summary).toMatch(/active on the running profile: nat.auto/);
    // Stock FreeSWITCH prints no ACL row at all.
    const stock = 'Name             \tinternal\nAGGRESSIVENAT    \ttrue\nREGISTRATIONS    \t0\n';
    const conf = (acl: string) =>
      `<configuration name="sofia.conf"><profiles><profile name="external"><settings><param name="apply-nat-acl" value="other"/></settings></profile>` +
      `<profile name="internal"><settings><param name="sip-port" value="5060"/>${acl}</settings></profile></profiles></configuration>`;
    expect(natAclsInConfig(conf('<param name="apply-nat-acl" value="nat.auto"/>'), 'internal')).toEqual(['nat.auto']);
    expect(natAclCheck(stock, conf('<param name="apply-nat-acl" value="nat.auto"/>'))).toMatchObject({
      status: 'pass',
      summary: expect.stringMatching(/in the sofia.conf the profile loads: nat.auto/),
    });
    expect(natAclCheck(stock, conf(''))).toMatchObject({ status: 'fail', fix: expect.stringMatching(/apply-nat-acl/) });
    expect(natAclCheck(undefined, undefined).status).toBe('warn');
  });

  it('asks FreeSWITCH about each extension the plan moved, and fails one still on bypass media', () => {
    const planned = plannedMedia(plan, pbx);
    expect(planned.map((p) => p.user)).toContain('1002@pbx.example.com');
    expect(planned.every((p) => p.wanted === 'proxy-media')).toBe(true);
    const hostile = planned.find((p) => !askableUser(p.user));
    expect(mediaChecks([hostile!])[0]!.summary).toMatch(/Not asked/);
    const [first, ...rest] = planned.filter((p) => askableUser(p.user));
    const checks = mediaChecks([
      { ...first!, proxyMedia: '', bypassMedia: 'true' },
      ...rest.map((p) => ({ ...p, proxyMedia: 'true', bypassMedia: '' })),
    ]);
    expect(checks.filter((c) => c.status === 'fail')).toEqual([
      expect.objectContaining({
        changeId: first!.changeId,
        summary: expect.stringMatching(/Bypass Media.*breaks behind NAT/),
      }),
    ]);
    expect(mediaChecks([{ ...first! }])[0]!.status).toBe('warn');
  });

  it('does not ask about a disabled extension: FreeSWITCH does not serve it, its row is still set', () => {
    const user = plannedMedia(plan, pbx)[0]!.user;
    const extension = user.split('@')[0];
    const disabled = {
      ...pbx,
      extensions: pbx.extensions.map((e) => (e.extension === extension ? { ...e, enabled: 'false' } : e)),
    };
    expect(plannedMedia(plan, disabled).map((p) => p.user)).not.toContain(user);
    expect(plan.pbx!.changes.some((c) => c.path === 'v_extensions')).toBe(true);
  });
});
