/**
 * Whole visits on non-stock FS PBX databases (test/lab/pbx/variants.ts): duplicate and
 * disabled rows, an HA peer's rows, several domains, user_context not the domain name,
 * NULL next to '', odd media values, missing rows (no aggressive-nat-detection on
 * internal: the plan inserts a row, which apply must accept as planned), hostile text and
 * gateway passwords. For each: plan → apply → verify → a second plan with no PBX change →
 * rollback → `pg_dump --data-only` identical to before; and no stored record nor the
 * exported bundle holds a planted password.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplyResult, BundleRef, PlannedRun, VerifyResult } from '../../contract/types';
import { startLab, type Lab } from '../lab/lab';
import { installVariant, variantDatabase, type PbxVariant } from '../lab/pbx/variants';
import { labSite, value, wizardInLab, type LabSite } from './helpers/lab-site';
import { sortedDataDump } from './helpers/pbx-dump';

const isRoot = process.getuid?.() === 0;
let lab: Lab;
let site: LabSite['site'];
let access: LabSite['access'];

beforeAll(async () => {
  if (!isRoot) return;
  lab = await startLab();
  ({ access, site } = labSite(lab));
});

afterAll(async () => {
  await lab?.stop();
});

const dataDump = () => sortedDataDump(lab);

/** Every byte the wizard stored (database, WAL, anything else in its data folder), as text. */
function storedText(dir: string): string {
  let text = '';
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    text += statSync(path).isDirectory() ? storedText(path) : readFileSync(path).toString('latin1');
  }
  return text;
}

const SEEDS = [2, 7, 13];

describe.skipIf(!isRoot)('visits on generated non-stock FS PBX databases (needs root)', () => {
  for (const seed of SEEDS) {
    it(`variant ${seed}: applies, verifies, plans nothing more, rolls back to an identical dump; no password stored`, async () => {
      const variant: PbxVariant = variantDatabase({ seed, domain: lab.pbx.domain, switchname: 'pbx' });
      await installVariant((argv, options) => lab.exec('pbx', argv, options ?? {}), variant);
      const before = await dataDump();
      const traits = variant.traits.join('; ');

      const [planned] = await wizardInLab(lab, [{ op: 'site.plan', input: site }]);
      const plan = value<PlannedRun>(planned);
      const pbxChanges = plan.plan.changes.filter((c) => c.target === 'pbx');
      expect(pbxChanges.length, traits).toBeGreaterThan(0);
      if (seed % 2 === 0) {
        // No aggressive-nat-detection row on internal: the plan inserts one, with an id made at plan time.
        expect(pbxChanges.filter((c) => c.action === 'add').length, traits).toBeGreaterThan(0);
      }
      const runId = plan.runId;
      const [applied] = await wizardInLab(lab, [{ op: 'site.apply', input: { runId, access } }]);
      const result = value<ApplyResult>(applied);
      expect(result.status, JSON.stringify(result)).toBe('applied');

      const [verified, again] = await wizardInLab(lab, [
        { op: 'site.verify', input: { runId, access } },
        { op: 'site.plan', input: site },
      ]);
      const checks = value<VerifyResult>(verified).checks;
      const pbxFailures = checks.filter((c) => c.status === 'fail' && /ext-(rtp|sip)-ip|nat|media-/.test(c.id));
      expect(pbxFailures, traits).toEqual([]);
      expect(
        value<PlannedRun>(again).plan.changes.filter((c) => c.target === 'pbx'),
        traits,
      ).toEqual([]);

      const [rollback] = await wizardInLab(lab, [
        { op: 'rollback.plan', input: { snapshotId: result.snapshotId, access } },
      ]);
      const rollbackRun = value<PlannedRun>(rollback);
      const out = join(lab.dir, `variant-${seed}.zip`);
      const [undone, exported] = await wizardInLab(lab, [
        { op: 'rollback.apply', input: { runId: rollbackRun.runId, access } },
        { op: 'bundle.export', input: { runId, path: out } },
      ]);
      expect(value<ApplyResult>(undone).status).toBe('confirmed');
      expect(await dataDump()).toBe(before);

      value<BundleRef>(exported);
      const bundle = Object.values(unzipSync(readFileSync(out)))
        .map((bytes) => strFromU8(bytes))
        .join('\n');
      const stored = storedText(join(lab.dir, 'wizard-data'));
      // The search can find plain text: the variant's domain name is in both.
      expect(stored).toContain(lab.pbx.domain);
      expect(bundle).toContain('fs_cli');
      expect(variant.secrets.length).toBeGreaterThan(0);
      for (const secret of variant.secrets) {
        expect(stored.includes(secret), `store holds ${secret}`).toBe(false);
        expect(bundle.includes(secret), `bundle holds ${secret}`).toBe(false);
      }
    }, 600_000);
  }
});
