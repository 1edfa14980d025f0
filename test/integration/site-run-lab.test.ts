/**
 * One whole site run in the lab, through the contract, from the technician's
 * laptop (`tech`): plan both boxes, apply (router then PBX, revert armed),
 * check real SIP traffic through the router, verify, confirm, plan again
 * (nothing), roll both boxes back to the snapshot, and export the bundle.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplyResult, BundleRef, PlannedRun, RunSummary, VerifyResult } from '../../contract/types';
import { optionsAnswered } from '../lab/clients';
import { startLab, type Lab } from '../lab/lab';
import { SITE } from '../lab/topology';
import { addCarrierTrunk, CARRIER_TRUNK_ID, carrierRegisters, registeredContactHost } from './helpers/carrier-trunk';
import { labSite, value, wizardInLab, type LabSite } from './helpers/lab-site';

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

beforeAll(async () => {
  lab = await startLab();
  ({ access, site } = labSite(lab));
  // A trunk that registers with the carrier through the router, with the LAN address as FS PBX leaves it.
  await addCarrierTrunk(lab);
  expect(await registeredContactHost(lab)).toBe(SITE.pbx);
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
