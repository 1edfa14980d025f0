/**
 * History listing and bundle export, each beside a peer measured in the same
 * run on the same data: a naive history query that reads every run's plan,
 * and `tar -czf` of the same bundle files. Targets (issue 8): 10 000 runs list
 * in under 50 ms; a bundle exports in under 1 s.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exportBundle, bundleContent } from '../electron/bundle';
import { toFiles } from '../electron/bundle/files';
import type { Plan } from '../contract/types';
import { openStore } from '../electron/store';
import { stockPbx } from '../test/unit/pbx/fixtures/stock';
import { defconfRouter } from '../test/unit/routeros/fixtures/defconf';
import { storedInputs } from '../test/unit/helpers/stored-inputs';

export interface BenchResult {
  name: string;
  unit: 'ms';
  ours: { median: number; p90: number; runs: number };
  peer: { name: string; median: number; p90: number; runs: number };
  ratio: number;
  target?: string;
  met?: boolean;
}

function measure(runs: number, fn: () => void): { median: number; p90: number; runs: number } {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Number(times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2));
  return { median: at(0.5), p90: at(0.9), runs };
}

async function measureAsync(runs: number, fn: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Number(times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2));
  return { median: at(0.5), p90: at(0.9), runs };
}

const plan = (n: number, tag: string): Plan => ({
  changes: Array.from({ length: n }, (_, i) => ({
    id: `c${i}`,
    target: i % 2 ? 'pbx' : 'router',
    path: '/ip/firewall/nat',
    action: 'add',
    before: null,
    after: { chain: 'dstnat', action: 'dst-nat', 'dst-port': '5060', comment: `fspbx-nat: ${tag} ${i}` },
    reason: 'Forward SIP from the trunk providers to the PBX.',
  })),
  warnings: [],
  facts: { publicIp: '203.0.113.2' },
});

export async function benchStoreAndBundle(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'fspbx-bench-'));
  try {
    const store = openStore(join(dir, 'data'));
    const site = store.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10' });
    const insert = store.db.transaction(() => {
      for (let i = 0; i < 10_000; i += 1)
        store.createRun({ siteId: site.siteId, kind: 'apply', inputs: storedInputs(), plan: plan(12, `run ${i}`) });
    });
    insert();

    const ours = measure(30, () => {
      if (store.listRuns().length !== 10_000) throw new Error('history is short');
    });
    const naive = store.db.prepare('SELECT * FROM runs ORDER BY started_at DESC');
    const peer = measure(30, () => {
      const rows = naive.all() as { plan_json: string }[];
      if (rows.map((r) => (JSON.parse(r.plan_json) as Plan).changes.length).length !== 10_000) throw new Error('short');
    });
    const history: BenchResult = {
      name: 'history: list 10 000 runs',
      unit: 'ms',
      ours,
      peer: { name: 'SELECT * and parse every plan', ...peer },
      ratio: Number((ours.median / peer.median).toFixed(3)),
      target: 'median < 50 ms',
      met: ours.median < 50,
    };

    const run = store.createRun({ siteId: site.siteId, kind: 'apply', inputs: storedInputs(), plan: plan(400, 'big') });
    store.saveSnapshot(run.runId, site.siteId, {
      router: {
        ...defconfRouter(),
        nat: Array.from({ length: 2000 }, (_, i) => ({ '.id': `*${i.toString(16)}`, comment: `entry ${i}`.repeat(8) })),
      },
      pbx: {
        ...stockPbx(),
        settings: Array.from({ length: 2000 }, (_, i) => ({
          ...stockPbx().settings[0]!,
          sip_profile_setting_uuid: `u${i}`,
          sip_profile_setting_value: `v${i}`.repeat(10),
        })),
      },
      routerExport: '/ip firewall nat add chain=dstnat action=dst-nat\n'.repeat(5000),
    });
    const out = join(dir, 'bundle.zip');
    const exportOurs = await measureAsync(10, () =>
      exportBundle(store, run.runId, out, { app: { name: 'bench', version: '0' } }),
    );
    const files = toFiles(
      bundleContent(store, run.runId, { app: { name: 'bench', version: '0' } }),
      new Date().toISOString(),
    );
    const peerDir = join(dir, 'peer');
    const tarPeer = measure(10, () => {
      rmSync(peerDir, { recursive: true, force: true });
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(peerDir, path)), { recursive: true });
        writeFileSync(join(peerDir, path), text);
      }
      execFileSync('tar', ['-czf', join(dir, 'peer.tgz'), '-C', peerDir, '.']);
    });
    const bundle: BenchResult = {
      name: 'bundle: export a 400-change run with a 2 MB snapshot',
      unit: 'ms',
      ours: exportOurs,
      peer: { name: 'write the same files + tar -czf', ...tarPeer },
      ratio: Number((exportOurs.median / tarPeer.median).toFixed(3)),
      target: 'median < 1000 ms',
      met: exportOurs.median < 1000,
    };
    store.close();
    return [history, bundle];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
