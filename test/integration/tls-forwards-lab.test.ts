/**
 * SIP over TLS and WebRTC (WSS) in the site lab. TLS is turned on the FS PBX way
 * (Advanced › Variables internal_ssl_enable / external_ssl_enable = true, vars.xml,
 * reloadxml, cache cleared, profiles restarted: FS PBX's TLS tutorial, step 4), so
 * the lab PBX's TLS listener (test/lab/pbx/tls_listener.py) opens 5061 and 5081 next
 * to the stock WSS :7443. Then a whole visit from the technician's laptop: the plan
 * forwards them (phones → 5061 and 7443, trunks → 5081), apply, a TLS handshake from
 * the phone host through the router's WAN reaches the PBX and one from the stranger
 * does not, verify passes the new checks, rollback takes the forwards away; and with
 * TLS and WSS off, nothing of them is planned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Failure } from '../../contract/errors';
import { pbxTarget } from '../../contract/schemas';
import type { ApplyResult, PlannedRun, VerifyResult } from '../../contract/types';
import { readPbx } from './helpers/boxes';
import { secureListeners } from '../../electron/pbx/plan/secure-sip';
import { openSsh } from '../../electron/pbx/session/ssh';
import { secureListenerChecks, secureSipForwards } from '../../electron/site/secure-forwards';
import type { PortReport } from '../../electron/probe/outside';
import { REPO_ROOT, startLab, type Lab } from '../lab/lab';
import { nsenterArgv } from '../lab/netns';
import { runProgram } from '../lab/run';
import { SITE } from '../lab/topology';
import { labSite, value, wizardInLab, type LabSite } from './helpers/lab-site';

const isRoot = process.getuid?.() === 0;

let lab: Lab;
let site: LabSite['site'];
let access: LabSite['access'];

const wizard = (calls: { op: string; input: unknown }[]) => wizardInLab(lab, calls);

async function pbx(argv: string[], input?: string): Promise<string> {
  const r = await lab.exec('pbx', argv, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const fsCli = (command: string) => pbx(['fs_cli', '-x', command]);

/** A restart is refused for 10 s after a profile started (FS mod_sofia.c): wait it out, bounded. */
async function restartProfile(name: string): Promise<void> {
  for (let i = 0; i < 20; i += 1) {
    if (/(^|\n)restarting/.test(await fsCli(`sofia profile ${name} restart`))) return;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  throw new Error(`${name} would not restart`);
}

/** A running profile's profile-info; polls (bounded) while a restart respawns it. */
async function runningInfo(name: string): Promise<string> {
  for (let i = 0; i < 40; i += 1) {
    const xml = await fsCli(`sofia xmlstatus profile ${name}`);
    if (xml.includes('<profile-info>')) return xml;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not come back`);
}

/**
 * Secure SIP on or off as a technician does it in FS PBX: the two ssl variables (row and
 * vars.xml), the WSS binding row, reloadxml, the sofia cache cleared, both profiles restarted.
 */
async function setSecure(on: boolean): Promise<void> {
  const flag = on ? 'true' : 'false';
  await pbx(
    ['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'fusionpbx'],
    `update v_vars set var_value = '${flag}' where var_name in ('internal_ssl_enable', 'external_ssl_enable');
     update v_sip_profile_settings set sip_profile_setting_enabled = '${flag}' where sip_profile_setting_name = 'wss-binding';`,
  );
  await pbx([
    'sed',
    '-i',
    '-E',
    `s/(internal|external)_ssl_enable=(true|false)/\\1_ssl_enable=${flag}/`,
    '/etc/freeswitch/vars.xml',
  ]);
  expect(await fsCli('reloadxml')).toMatch(/\+OK \[Success\]/);
  await pbx(['rm', '-f', '/var/cache/fusionpbx/configuration.sofia.conf.pbx']);
  await restartProfile('internal');
  await restartProfile('external');
  expect((await runningInfo('internal')).includes('<tls-url>')).toBe(on);
  expect((await runningInfo('external')).includes('<tls-url>')).toBe(on);
}

/** `fspbx-nat probe --from-outside <router WAN> --tls-ports …` from a WAN-side host. */
async function tlsFrom(host: 'trunk' | 'phone' | 'stranger'): Promise<Record<number, string>> {
  const argv = [
    process.execPath,
    '--import',
    'tsx',
    'electron/cli/main.ts',
    '--json',
    'probe',
    '--from-outside',
    SITE.router.wan,
    '--sip-ports',
    '5060',
    '--rtp-range',
    '16384-16385',
    '--tls-ports',
    '5061,7443,5081',
    '--timeout',
    '2',
  ];
  const run = await runProgram(nsenterArgv(lab.hosts[host]!, argv, REPO_ROOT), { timeoutMs: 30_000 });
  const reports = JSON.parse(run.stdout) as PortReport[];
  return Object.fromEntries(reports.filter((r) => r.protocol === 'tcp').map((r) => [r.port, r.verdict]));
}

async function handshakesFrom(source: string): Promise<number[]> {
  const text = await pbx(['cat', '/var/log/fslab/tls.log']);
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { event: string; source?: string; port?: number })
    .filter((e) => e.event === 'handshake' && e.source === source)
    .map((e) => e.port!)
    .sort((a, b) => a - b);
}

const secureComments = (plan: PlannedRun['plan']) =>
  plan.changes
    .filter((c) => c.target === 'router' && /forward (tls|wss) /.test(c.after?.comment ?? c.before?.comment ?? ''))
    .map((c) => `${c.action} ${c.after?.comment ?? c.before?.comment} ${c.after?.['dst-port'] ?? ''}`.trim());

describe.skipIf(!isRoot)('TLS and WSS forwards in the lab (needs root)', () => {
  let runId: string;
  let snapshotId: string;
  let plan: PlannedRun['plan'];

  beforeAll(async () => {
    lab = await startLab();
    ({ access, site } = labSite(lab));
    site = { ...site, options: { ...(site.options as object), hairpin: true } };
    await setSecure(true);
  }, 300_000);

  afterAll(async () => {
    await lab?.stop();
  }, 120_000);

  it('plans a restricted forward for each: phones to 5061 and 7443, trunks to 5081, each naming its PBX setting', async () => {
    const [planned] = await wizard([{ op: 'site.plan', input: site }]);
    ({ runId, plan } = value<PlannedRun>(planned));
    expect(secureComments(plan)).toEqual([
      'add fspbx-nat: forward tls phones tcp 5061',
      'add fspbx-nat: forward wss phones tcp 7443',
      'add fspbx-nat: forward tls trunks tcp 5081',
    ]);
    const tls = plan.changes.find((c) => c.after?.comment === 'fspbx-nat: forward tls phones tcp')!;
    expect(tls.after).toMatchObject({ protocol: 'tcp', 'src-address-list': 'fspbx-phones', 'to-addresses': SITE.pbx });
    expect(tls.reason).toMatch(
      /internal profile: tls=\$\$\{internal_ssl_enable\} \(internal_ssl_enable=true\), tls-sip-port=5061/,
    );
    const wss = plan.changes.find((c) => c.after?.comment === 'fspbx-nat: forward wss phones tcp')!;
    expect(wss.reason).toMatch(/wss-binding=:7443/);
  });

  it('after apply, a TLS handshake from the phone host reaches the PBX through the router; the stranger gets nowhere', async () => {
    const [apply] = await wizard([{ op: 'site.apply', input: { runId, access } }]);
    snapshotId = value<ApplyResult>(apply).snapshotId!;
    expect(await tlsFrom('phone')).toMatchObject({ 5061: 'handshake', 7443: 'handshake' });
    expect((await tlsFrom('phone'))[5081]).not.toBe('handshake');
    expect(await tlsFrom('trunk')).toMatchObject({ 5081: 'handshake' });
    expect((await tlsFrom('trunk'))[5061]).not.toBe('handshake');
    const stranger = await tlsFrom('stranger');
    expect(Object.values(stranger).filter((v) => v === 'handshake')).toEqual([]);
    // dst-nat keeps the source: the PBX saw the phone itself, never the stranger.
    expect(await handshakesFrom(SITE.phone), await pbx(['cat', '/var/log/fslab/tls.log'])).toEqual(
      expect.arrayContaining([5061, 7443]),
    );
    expect(await handshakesFrom(SITE.stranger)).toEqual([]);
  });

  it('verify passes the new checks: forwards read back (router), listeners running (PBX), handshakes (traffic)', async () => {
    const [verify] = await wizard([{ op: 'site.verify', input: { runId, access } }]);
    const result = value<VerifyResult>(verify);
    const check = (id: string) => result.checks.find((c) => c.id === id);
    for (const comment of ['tls phones', 'wss phones', 'tls trunks']) {
      const change = plan.changes.find((c) => c.after?.comment === `fspbx-nat: forward ${comment} tcp`)!;
      expect(check(`router-${change.id}`)).toMatchObject({ status: 'pass', group: 'router' });
    }
    for (const id of ['secure-listener-tls-internal', 'secure-listener-wss-internal', 'secure-listener-tls-external'])
      expect(check(id)).toMatchObject({ status: 'pass', group: 'pbx' });
    for (const port of [5061, 7443, 5081]) {
      expect(check(`tls-lan-${port}`)).toMatchObject({ status: 'pass', group: 'traffic' });
      expect(check(`tls-hairpin-${port}`)).toMatchObject({ status: 'pass', group: 'traffic' });
    }
    expect(result.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(result.status).not.toBe('fail');
  });

  it('rollback removes them: no handshake from the phone host any more', async () => {
    const [rollback] = await wizard([{ op: 'rollback.plan', input: { snapshotId, access } }]);
    const planned = value<PlannedRun>(rollback);
    expect(secureComments(planned.plan)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^remove fspbx-nat: forward tls phones tcp/),
        expect.stringMatching(/^remove fspbx-nat: forward wss phones tcp/),
        expect.stringMatching(/^remove fspbx-nat: forward tls trunks tcp/),
      ]),
    );
    const [applied] = await wizard([{ op: 'rollback.apply', input: { runId: planned.runId, access } }]);
    expect(value<ApplyResult>(applied).status).toBe('confirmed');
    const phone = await tlsFrom('phone');
    expect(Object.values(phone).filter((v) => v === 'handshake')).toEqual([]);
  });

  it('with TLS and WSS off on the PBX, no forward is planned for them', async () => {
    await setSecure(false);
    expect(await runningInfo('internal')).not.toMatch(/<(tls-url|wss-bind-url)>/);
    const [planned] = await wizard([{ op: 'site.plan', input: site }]);
    const off = value<PlannedRun>(planned).plan;
    expect(secureComments(off)).toEqual([]);
    expect(off.changes.filter((c) => c.target === 'router').length).toBeGreaterThan(0);
  });

  it('TLS turned on by a rescan (what FS PBX runs after a profile save) is "restart pending": shown, not listening', async () => {
    const ssh = await lab.relay('tech', lab.endpoints.pbxSsh);
    const login = {
      host: ssh.host,
      port: ssh.port,
      username: 'root',
      auth: { kind: 'password', password: lab.ssh.rootPassword },
    };
    const first = await openSsh(pbxTarget.parse(login)).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Failure);
    const target = pbxTarget.parse({ ...login, hostKey: (first as Failure).error.fingerprint });
    await pbx(
      ['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'fusionpbx'],
      `update v_vars set var_value = 'true' where var_name = 'internal_ssl_enable';`,
    );
    await pbx(['sed', '-i', '-E', 's/internal_ssl_enable=false/internal_ssl_enable=true/', '/etc/freeswitch/vars.xml']);
    expect(await fsCli('reloadxml')).toMatch(/\+OK \[Success\]/);
    await pbx(['rm', '-f', '/var/cache/fusionpbx/configuration.sofia.conf.pbx']);
    expect(await fsCli('sofia profile internal rescan')).toMatch(/\+OK scan complete/);
    // The rescan re-parses tls and the URLs (sofia.c:5835-5848, :6225); the socket is bound at start only (:3221-3241).
    expect(await runningInfo('internal')).toMatch(/<tls-url>[^<]*:5061<\/tls-url>/);
    expect(await pbx(['ss', '-ltnH'])).not.toMatch(/:5061\s/);
    const state = await readPbx(target);
    const tls = secureListeners(state).find((l) => l.profile === 'internal' && l.kind === 'tls');
    expect(tls).toMatchObject({ port: 5061, running: false, notBound: true });
    const [check] = secureListenerChecks(
      state,
      secureSipForwards(state).filter((f) => f.port === 5061),
    );
    expect(check).toMatchObject({ status: 'warn' });
    expect(check!.summary).toMatch(/^Restart pending: .*no socket listens on TCP 5061/);
    // A restart binds it: the kernel lists it and the listener counts as running.
    await restartProfile('internal');
    await runningInfo('internal');
    for (let i = 0; i < 40 && !/:5061\s/.test(await pbx(['ss', '-ltnH'])); i += 1)
      await new Promise((r) => setTimeout(r, 250));
    const after = await readPbx(target);
    expect(secureListeners(after).find((l) => l.profile === 'internal' && l.kind === 'tls')).toMatchObject({
      running: true,
    });
  });
});
