/**
 * A wizard process that dies mid-run: it plans a run, snapshots, then
 * journals changes one by one, printing each step, until it is killed.
 */
import { openStore } from '../../../electron/store';
import { stockPbx } from '../../unit/pbx/fixtures/stock';
import { defconfRouter } from '../../unit/routeros/fixtures/defconf';
import { storedInputs } from '../../unit/helpers/stored-inputs';

const dataDir = process.argv[2]!;
const store = openStore(dataDir);
const site = store.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10' });
const changes = Array.from({ length: 500 }, (_, i) => ({
  id: `c${i}`,
  target: (i < 250 ? 'router' : 'pbx') as 'router' | 'pbx',
  path: '/ip/firewall/nat',
  action: 'add' as const,
  before: null,
  after: { comment: `fspbx-nat: forward ${i}` },
  reason: 'test',
}));
const run = store.createRun({
  siteId: site.siteId,
  kind: 'apply',
  inputs: storedInputs(),
  plan: { changes, warnings: [], facts: {} },
});
const snapshot = store.saveSnapshot(run.runId, site.siteId, {
  router: {
    ...defconfRouter(),
    nat: Array.from({ length: 200 }, (_, i) => ({ '.id': `*${i}`, comment: 'x'.repeat(100) })),
  },
  pbx: stockPbx(),
  routerExport: '/ip firewall nat\nadd chain=srcnat action=masquerade\n'.repeat(100),
});
store.setRunStatus(run.runId, 'applying');
console.log(`READY ${run.runId} ${snapshot.snapshotId}`);

let i = 0;
function step() {
  const change = changes[i % changes.length]!;
  const seq = store.journalSend(run.runId, change.id, change.target);
  store.journalResult(run.runId, seq, 'done');
  i += 1;
  if (i % 20 === 0) console.log(`SENT ${i}`);
  setImmediate(step);
}
step();
