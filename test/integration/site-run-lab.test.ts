/**
 * One whole site run in the lab, through the contract, from the technician's
 * laptop (`tech`): plan both boxes, apply (router then PBX, revert armed),
 * check real SIP traffic through the router, verify, confirm, plan again
 * (nothing), roll both boxes back to the snapshot, and export the bundle. Then a second visit
 * rolled back from the first snapshot edited in the store to hold hostile content: only the
 * wizard's entries are restored (issue 21).
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplyResult, BundleRef, PlannedRun, RunSummary, VerifyResult } from '../../contract/types';
import { routerTarget } from '../../contract/schemas';
import type { PbxState } from '../../electron/pbx/model/state';
import { connectRouter } from '../../electron/routeros/connection';
import { readRouterState } from '../../electron/routeros/reader';
import { writableFields, type RouterState } from '../../electron/routeros/state';
import { openStore } from '../../electron/store';
import { snapshotDigest } from '../../electron/store/snapshots';
import { optionsAnswered } from '../lab/clients';
import { startLab, type Endpoint, type Lab } from '../lab/lab';
import { SITE } from '../lab/topology';
import { addCarrierTrunk, CARRIER_TRUNK_ID, carrierRegisters, registeredContactHost } from './helpers/carrier-trunk';
import { labSite, value, wizardInLab, type LabSite } from './helpers/lab-site';
import { sortedDataDump } from './helpers/pbx-dump';

let lab: Lab;
let site: LabSite['site'];
let access: LabSite['access'];

const wizard = (calls: { op: string; input: unknown }[]) => wizardInLab(lab, calls);

/** The fs_cli commands the PBX has run so far. */
async function fsCliCommands(): Promise<string[]> {
  const text = await readFile(lab.pbx.fsCliLog, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { command: string }).command);
}

const DROP_RULE = 'defconf: drop all not coming from LAN';
const EXEC_LINE = '<X-PRE-PROCESS cmd="exec-set" data="pwned=touch /tmp/fspbx-pwned" />';
let api: Endpoint;

/** The lab router's API as its admin, from the technician's laptop. */
function adminConnection() {
  return connectRouter(
    routerTarget.parse({
      host: api.host,
      port: api.port,
      username: lab.router!.user,
      password: lab.router!.password,
      fingerprint: lab.router!.fingerprint,
    }),
  );
}

/** The router's filter and NAT tables as the API prints them: writable fields, in order, without ids. */
async function routerTables(): Promise<Record<string, string>[][]> {
  const conn = await adminConnection();
  try {
    const state = await readRouterState(conn);
    return [state.filter.map(writableFields), state.nat.map(writableFields)];
  } finally {
    await conn.close();
  }
}

async function varsXml(): Promise<string> {
  return (await lab.exec('pbx', ['cat', '/etc/freeswitch/vars.xml'])).stdout;
}

/**
 * The snapshot edited in the wizard's store as anyone holding the file could (the digest is a
 * plain SHA-256, recomputed): the defconf drop rule disabled, a WAN:2222 → PBX:22 forward with the
 * wizard's tag, auth-calls=false and accept-blind-reg=true on the internal profile, an Exec-Set
 * variable and its exec-set line in vars.xml.
 */
function tamperSnapshot(id: string): void {
  const store = openStore(join(lab.dir, 'wizard-data'));
  try {
    const row = store.db.prepare('SELECT * FROM snapshots WHERE snapshot_id = ?').get(id) as Parameters<
      typeof snapshotDigest
    >[0] & { router_json: string; pbx_json: string };
    const router = JSON.parse(row.router_json) as RouterState;
    const drop = router.filter.find((r) => r.comment === DROP_RULE);
    expect(drop).toBeDefined();
    router.filter = router.filter.map((r) => (r === drop ? { ...r, disabled: 'true' } : r));
    router.nat.push({
      '.id': '*F00',
      chain: 'dstnat',
      action: 'dst-nat',
      protocol: 'tcp',
      'in-interface-list': 'WAN',
      'dst-port': '2222',
      'to-addresses': SITE.pbx,
      'to-ports': '22',
      comment: 'fspbx-nat: forward ssh',
      disabled: 'false',
    });
    const pbx = JSON.parse(row.pbx_json) as PbxState;
    const internal = pbx.profiles.find((p) => p.sip_profile_name === 'internal')!;
    const setting = (name: string, value: string, n: number) => ({
      ...pbx.settings.find((r) => r.sip_profile_uuid === internal.sip_profile_uuid)!,
      sip_profile_setting_uuid: `e0000000-0000-4000-8000-00000000000${n}`,
      sip_profile_setting_name: name,
      sip_profile_setting_value: value,
      sip_profile_setting_enabled: 'true',
    });
    const auth = pbx.settings.find(
      (r) => r.sip_profile_uuid === internal.sip_profile_uuid && r.sip_profile_setting_name === 'auth-calls',
    );
    if (auth) auth.sip_profile_setting_value = 'false';
    else pbx.settings.push(setting('auth-calls', 'false', 1));
    pbx.settings.push(setting('accept-blind-reg', 'true', 2));
    pbx.vars.push({
      ...pbx.vars[0]!,
      var_uuid: 'e0000000-0000-4000-8000-000000000003',
      var_category: 'Exec-Set',
      var_name: 'pwned',
      var_value: 'touch /tmp/fspbx-pwned',
      var_command: 'set',
      var_enabled: 'true',
    });
    pbx.varsXml = `${pbx.varsXml ?? ''}${EXEC_LINE}\n`;
    const edited = { ...row, router_json: JSON.stringify(router), pbx_json: JSON.stringify(pbx) };
    store.db
      .prepare('UPDATE snapshots SET router_json = ?, pbx_json = ?, sha256 = ? WHERE snapshot_id = ?')
      .run(edited.router_json, edited.pbx_json, snapshotDigest(edited), id);
  } finally {
    store.close();
  }
}

beforeAll(async () => {
  lab = await startLab();
  ({ access, site } = labSite(lab));
  // A trunk that registers with the carrier through the router, with the LAN address as FS PBX leaves it.
  await addCarrierTrunk(lab);
  expect(await registeredContactHost(lab)).toBe(SITE.pbx);
  api = await lab.relay('tech', { host: SITE.router.lan, port: lab.router!.apiSslPort });
}, 300_000);

afterAll(async () => {
  await lab?.stop();
});

describe('a whole site run in the lab', () => {
  let runId: string;
  let snapshotId: string;

  it('plans both boxes, applies them, and the trunk reaches the PBX while a stranger does not', async () => {
    expect(await optionsAnswered(lab, 'trunk', SITE.router.wan, 5080)).toBe(false);
    const results = await wizard([{ op: 'site.plan', input: site }]);
    const plan = value<PlannedRun>(results[0]);
    runId = plan.runId;
    expect(plan.plan.changes.filter((c) => c.target === 'router').length).toBeGreaterThan(0);
    expect(plan.plan.changes.filter((c) => c.target === 'pbx').length).toBeGreaterThan(0);
    const [apply] = await wizard([{ op: 'site.apply', input: { runId, access } }]);
    const result = value<ApplyResult>(apply);
    expect(result.status).toBe('applied');
    expect(result.revertAt).toBeTruthy();
    snapshotId = result.snapshotId!;
    expect(await optionsAnswered(lab, 'trunk', SITE.router.wan, 5080)).toBe(true);
    expect(await optionsAnswered(lab, 'stranger', SITE.router.wan, 5080)).toBe(false);
  });

  it('re-registers the trunk with the public address in its Contact, without restarting its profile', async () => {
    // A rescan alone keeps the loaded gateway and its LAN Contact (sofia.c:3783-3789): killgw first.
    expect(await registeredContactHost(lab)).toBe(SITE.router.wan);
    const registers = await carrierRegisters(lab);
    expect(registers.at(-1)?.from).toBe(SITE.router.wan);
    const commands = await fsCliCommands();
    const kill = commands.lastIndexOf(`sofia profile external killgw ${CARRIER_TRUNK_ID}`);
    expect(kill).toBeGreaterThan(0);
    expect(commands.lastIndexOf('sofia profile external rescan')).toBeGreaterThan(kill);
    expect(commands).not.toContain('sofia profile external restart');
  });

  it('a login that may only read cannot confirm: the technician is told the undo is still set, and the run stays applied', async () => {
    const admin = await adminConnection();
    const viewer = { name: 'viewer', password: `view-${lab.router!.password.slice(-8)}` };
    try {
      // RouterOS's default group read: no write policy, so the timer's removal is refused.
      await admin.command('/user/add', [`=name=${viewer.name}`, '=group=read', `=password=${viewer.password}`]);
      const [refused, status] = await wizard([
        {
          op: 'site.confirm',
          input: {
            runId,
            access: { ...access, router: { ...access.router, username: viewer.name, password: viewer.password } },
          },
        },
        { op: 'history.list', input: {} },
      ]);
      expect(refused).toMatchObject({ ok: false });
      expect(JSON.stringify(refused)).toContain(
        'The router did not take the confirmation: its automatic undo is still set and will run at ',
      );
      expect(JSON.stringify(refused)).not.toContain('Too late');
      expect(value<RunSummary[]>(status).find((r) => r.runId === runId)?.status).toBe('applied');
      const [timer] = await admin.command('/system/scheduler/print', ['?name=fspbx-nat-revert']);
      expect(timer?.['.id']).toBeTruthy();
    } finally {
      const [user] = await admin.command('/user/print', [`?name=${viewer.name}`]);
      if (user?.['.id']) await admin.command('/user/remove', [`=.id=${user['.id']}`]);
      await admin.close();
    }
  });

  it('verifies, confirms, and a second plan with the same inputs changes nothing', async () => {
    const [verify, confirm, again] = await wizard([
      { op: 'site.verify', input: { runId, access } },
      { op: 'site.confirm', input: { runId, access } },
      { op: 'site.plan', input: site },
    ]);
    const checks = value<VerifyResult>(verify);
    expect(checks.checks.find((c) => c.id === 'sip-helper')?.status).toBe('pass');
    expect(checks.checks.find((c) => c.id === `gateway-contact-${CARRIER_TRUNK_ID}`)?.status).toBe('pass');
    expect(checks.checks.filter((c) => c.id.startsWith('router-') && c.status !== 'pass')).toEqual([]);
    expect(value<RunSummary>(confirm).status).toBe('confirmed');
    expect(value<PlannedRun>(again).plan.changes).toEqual([]);
  });

  it('rolls both boxes back to the snapshot: the trunk is no longer forwarded', async () => {
    const [rollback] = await wizard([{ op: 'rollback.plan', input: { snapshotId, access } }]);
    const planned = value<PlannedRun>(rollback);
    expect(planned.plan.changes.length).toBeGreaterThan(0);
    const [applied, again] = await wizard([
      { op: 'rollback.apply', input: { runId: planned.runId, access } },
      { op: 'rollback.plan', input: { snapshotId, access } },
    ]);
    expect(value<ApplyResult>(applied).status).toBe('confirmed');
    // Safe to run twice: back at the snapshot, a second rollback has nothing to do.
    expect(value<PlannedRun>(again).plan.changes).toEqual([]);
    expect(await optionsAnswered(lab, 'trunk', SITE.router.wan, 5080)).toBe(false);
    // The trunk registers with the LAN address again, and its profile was never restarted.
    expect(await registeredContactHost(lab)).toBe(SITE.pbx);
    expect(await fsCliCommands()).not.toContain('sofia profile external restart');
  });

  it('a rollback from the snapshot edited to hold hostile content restores only the wizard’s entries', async () => {
    // The boxes as before the first visit (rolled back above): filter, NAT, the PBX's tables.
    const pre = { router: await routerTables(), dump: await sortedDataDump(lab) };
    // A second visit, applied; its vars.xml is what the rollback starts from.
    const [planned] = await wizard([{ op: 'site.plan', input: site }]);
    const second = value<PlannedRun>(planned);
    const [applied] = await wizard([{ op: 'site.apply', input: { runId: second.runId, access } }]);
    expect(value<ApplyResult>(applied).status).toBe('applied');
    const visitedXml = await varsXml();
    expect(await routerTables()).not.toEqual(pre.router);

    tamperSnapshot(snapshotId);
    const [hostile] = await wizard([{ op: 'rollback.plan', input: { snapshotId, access } }]);
    const rollback = value<PlannedRun>(hostile);
    expect(JSON.stringify(rollback.plan.changes)).not.toMatch(/2222|auth-calls|accept-blind-reg|exec-set|pwned/);
    // The review says first what is not restored, and why it matters.
    const serious = (rollback.plan.flags ?? []).filter((f) => f.serious && !f.restored).map((f) => f.subject);
    expect(serious).toEqual(
      expect.arrayContaining([
        expect.stringContaining(DROP_RULE),
        expect.stringContaining('fspbx-nat: forward ssh'),
        expect.stringContaining('auth-calls'),
        expect.stringContaining('accept-blind-reg'),
        expect.stringContaining('pwned'),
        '/etc/freeswitch/vars.xml',
      ]),
    );
    const [done] = await wizard([{ op: 'rollback.apply', input: { runId: rollback.runId, access } }]);
    expect(value<ApplyResult>(done).status).toBe('confirmed');

    // Filter and NAT as before the visit, the PBX's tables too: only the wizard's entries went.
    expect(await routerTables()).toEqual(pre.router);
    expect(await sortedDataDump(lab)).toBe(pre.dump);
    // vars.xml: the visit's file with only the wizard's lines set back, and no command line.
    const after = await varsXml();
    expect(after).not.toMatch(/exec-set|pwned/);
    const was = visitedXml.split('\n');
    const changed = after.split('\n').filter((line, i) => line !== was[i]);
    expect(after.split('\n')).toHaveLength(was.length);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((l) => /^<X-PRE-PROCESS cmd="set" data="external_(rtp|sip)_ip=/.test(l))).toBe(true);
  });

  it('refuses to plan when a PBX variable would change vars.xml’s meaning, naming it, and writes nothing', async () => {
    const psql = ['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'fusionpbx'];
    const uuid = 'e0000000-0000-4000-8000-0000000000aa';
    const before = await varsXml();
    const insert = await lab.exec('pbx', psql, {
      input: `insert into v_vars (var_uuid, var_category, var_name, var_value, var_command, var_enabled, var_order)
        values ('${uuid}', 'Defaults', 'odd_value', 'x" /><X-PRE-PROCESS cmd="exec-set" data="y=id', 'set', 'true', 99);`,
    });
    expect(insert.code, insert.stderr).toBe(0);
    try {
      const [refused] = await wizard([{ op: 'site.plan', input: site }]);
      expect(refused?.ok).toBe(false);
      if (refused?.ok === false) {
        expect(refused.error.code).toBe('invalid_input');
        expect(refused.error.message).toMatch(/^The PBX variable "odd_value" has a quote, <, >, &/);
      }
      expect(await varsXml()).toBe(before);
    } finally {
      await lab.exec('pbx', psql, { input: `delete from v_vars where var_uuid = '${uuid}';` });
    }
  });

  it('exports the run as a bundle', async () => {
    const out = join(lab.dir, 'visit.zip');
    const [exported] = await wizard([{ op: 'bundle.export', input: { runId, path: out } }]);
    expect(value<BundleRef>(exported).bytes).toBeGreaterThan(1000);
    expect(existsSync(out)).toBe(true);
    const files = Object.keys(unzipSync(readFileSync(out)));
    for (const name of [
      'router/apply.rsc',
      'router/rollback.rsc',
      'pbx/apply.sql',
      'pbx/rollback.sql',
      'pbx/apply-steps.sh',
    ]) {
      expect(files, name).toContain(name);
    }
  });
});
