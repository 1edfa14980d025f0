/**
 * Full PBX apply and full restore against the site lab's pbx host, over SSH
 * from the tech host: read + plan + one transaction + vars.xml + caches +
 * fs_cli (reloadxml, xml_locate, two profile restarts), then the restore of
 * the snapshot. Each profile is left up for 10 s first, so the figures show
 * the engine's own cost, not FreeSWITCH's restart refusal (which adds up to
 * one 5 s retry wait per restart when a rollback follows an apply at once;
 * `restoreRightAfterApplyMs` shows that case).
 */
import { Failure } from '../contract/errors';
import { pbxTarget, type PbxTarget } from '../contract/schemas';
import { applyPbx, readPbx, restorePbx } from '../test/integration/helpers/boxes';
import { planPbx } from '../electron/pbx/plan/plan';
import { mintRowIds } from '../electron/site/run';
import { openSsh } from '../electron/pbx/session/ssh';
import { startLab } from '../test/lab/lab';

export interface PbxEngineBench {
  name: 'pbx-engine';
  unit: 'ms';
  runs: number;
  readMs: number[];
  applyMs: number[];
  restoreMs: number[];
  /** The transaction alone, inside applyMs. */
  transactionMs: number[];
  restoreRightAfterApplyMs: number;
  /** Restart attempts FreeSWITCH refused (each waits for its "Please wait N seconds"), per apply / restore. */
  refusedRestarts: { apply: number[]; restore: number[] };
  changes: number;
  steps: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** FreeSWITCH refuses a profile restart for 10 s after the profile started. */
const PROFILE_SETTLE_MS = 10_500;

export async function benchPbxEngine(runs = 2): Promise<PbxEngineBench & { medians: Record<string, number> }> {
  const lab = await startLab({ routerSim: false });
  try {
    const relay = await lab.relay('tech', lab.endpoints.pbxSsh);
    const login = {
      host: relay.host,
      port: relay.port,
      username: 'root',
      auth: { kind: 'password', password: lab.ssh.rootPassword },
    };
    const first = await openSsh(pbxTarget.parse(login)).catch((e: unknown) => e);
    if (!(first instanceof Failure) || !first.error.fingerprint) throw new Error('no host key offered');
    const target: PbxTarget = pbxTarget.parse({ ...login, hostKey: first.error.fingerprint });
    const result: PbxEngineBench = {
      name: 'pbx-engine',
      unit: 'ms',
      runs,
      readMs: [],
      applyMs: [],
      restoreMs: [],
      transactionMs: [],
      restoreRightAfterApplyMs: NaN,
      refusedRestarts: { apply: [], restore: [] },
      changes: 0,
      steps: 0,
    };
    for (let i = 0; i <= runs; i += 1) {
      await sleep(PROFILE_SETTLE_MS);
      const t0 = Date.now();
      const snapshot = await readPbx(target);
      const planned = planPbx(snapshot, {
        newIds: mintRowIds(),
        publicIp: '203.0.113.2',
        mediaMode: 'proxy',
        extensions: [],
      });
      if (!planned.ok) throw new Error(JSON.stringify(planned.errors));
      const t1 = Date.now();
      const { record } = await applyPbx(target, planned.plan);
      const t2 = Date.now();
      if (!record.complete) throw new Error(`apply failed: ${JSON.stringify(record.error)}`);
      // The last round restores at once, as a rollback right after an apply would.
      if (i < runs) await sleep(PROFILE_SETTLE_MS);
      const t3 = Date.now();
      const restored = await restorePbx(target, snapshot);
      const t4 = Date.now();
      if (!restored.record.complete) throw new Error(`restore failed: ${JSON.stringify(restored.record.error)}`);
      const refused = (steps: { attempts?: number }[]) =>
        steps.reduce((n, s) => n + Math.max(0, (s.attempts ?? 1) - 1), 0);
      result.refusedRestarts.apply.push(refused(record.steps));
      result.refusedRestarts.restore.push(refused(restored.record.steps));
      if (i === runs) {
        result.restoreRightAfterApplyMs = t4 - t3;
        break;
      }
      result.readMs.push(t1 - t0);
      result.applyMs.push(t2 - t1);
      result.restoreMs.push(t4 - t3);
      result.transactionMs.push(record.steps[0]?.ms ?? NaN);
      result.changes = planned.plan.changes.length;
      result.steps = planned.plan.steps.length;
    }
    return {
      ...result,
      medians: {
        read: median(result.readMs),
        apply: median(result.applyMs),
        transaction: median(result.transactionMs),
        restore: median(result.restoreMs),
      },
    };
  } finally {
    await lab.stop();
  }
}

if (require.main === module) {
  benchPbxEngine().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
