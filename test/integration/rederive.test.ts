/**
 * Stored plans are re-derived, not trusted (issue 21 item 5): a plan edited in the store after its
 * review (a vars.xml step given an exec-set line, a PBX change given another value or another row,
 * a router change given another item) is refused at apply and at rollback-apply with one sentence,
 * and nothing reaches either box. Real store (SQLite, edited with SQL as anyone with the file could);
 * the boxes are stand-ins that return the states read and record everything sent to them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { siteInputs } from '../../contract/schemas';
import type { PbxState } from '../../electron/pbx/model/state';
import type { RouterState } from '../../electron/routeros/state';
import { applyRollback, applySite, planRollback, planSite, type SiteDeps } from '../../electron/site/run';
import { openStore, type Store } from '../../electron/store';
import { stockPbx } from '../unit/pbx/fixtures/stock';
import { defconfRouter } from '../unit/routeros/fixtures/defconf';

const inputs = siteInputs.parse({
  router: { host: '192.168.88.1', tls: false, username: 'admin', password: 'x' },
  pbx: { host: '192.168.88.10', username: 'root', auth: { kind: 'password', password: 'x' } },
  trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
  phones: [{ name: 'Home office', address: '192.0.2.20' }],
  options: { publicIp: '203.0.113.2' },
});
const access = { router: inputs.router, pbx: inputs.pbx };
const EXEC_LINE = '<X-PRE-PROCESS cmd="exec-set" data="pwned=id" />';

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fspbx-rederive-'));
  store = openStore(dir);
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Stand-in boxes: they answer reads with fixed states and record every change and step sent. */
function boxes(router: RouterState, pbx: PbxState) {
  const sent: string[] = [];
  const deps: SiteDeps = {
    store,
    openRouter: async () => ({
      read: async () => structuredClone(router),
      exportText: async () => '',
      apply: async (_before, plan) => {
        sent.push(...plan.changes.map((c) => `router ${c.action} ${c.path}`));
        return {};
      },
      confirm: async () => 'kept' as const,
      close: async () => undefined,
    }),
    openPbx: async () => ({
      hostKey: 'SHA256:rederive-pbx',
      askFsCli: async () => new Map(),
      gatewayNames: async () => new Map(),
      read: async () => structuredClone(pbx),
      apply: async (plan) => {
        sent.push(...plan.changes.map((c) => `pbx ${c.action} ${c.path}`), ...plan.steps.map((s) => `pbx ${s.kind}`));
      },
      close: async () => undefined,
    }),
  };
  return { deps, sent };
}

/** Edits a stored plan as an attacker with the store file would: plain SQL on plan_json. */
function editPlan(runId: string, path: string, value: string): void {
  const changed = store.db
    .prepare(`UPDATE runs SET plan_json = json_set(plan_json, ?, ?) WHERE run_id = ?`)
    .run(path, value, runId);
  expect(changed.changes).toBe(1);
}

function planJson(runId: string): string {
  const row = store.db.prepare('SELECT plan_json AS plan FROM runs WHERE run_id = ?').get(runId) as { plan: string };
  return row.plan;
}

/** Index of the vars.xml write among the stored PBX steps. */
function varsStep(runId: string): number {
  const plan = JSON.parse(planJson(runId)) as { pbx: { steps: { kind: string }[] } };
  const index = plan.pbx.steps.findIndex((s) => s.kind === 'write-file');
  expect(index).toBeGreaterThanOrEqual(0);
  return index;
}

const REFUSED = /the stored plan was altered: nothing was sent\. Plan again and review it\./;

describe('apply sends only what was reviewed, re-derived from the boxes', () => {
  it('sends the re-derived plan when the store is as reviewed', async () => {
    const { deps, sent } = boxes(defconfRouter(), stockPbx());
    const { runId } = await planSite(deps, inputs);
    const result = await applySite(deps, deps.store.getRun(runId), access, () => {});
    expect(result.status).toBe('applied');
    expect(sent).toContain('pbx write-file');
    expect(sent.some((s) => s.startsWith('router add'))).toBe(true);
  });

  it('refuses a vars.xml step given an exec-set line in the store, and sends nothing', async () => {
    const { deps, sent } = boxes(defconfRouter(), stockPbx());
    const { runId } = await planSite(deps, inputs);
    const at = varsStep(runId);
    const content = (JSON.parse(planJson(runId)) as { pbx: { steps: { content: string }[] } }).pbx.steps[at]!.content;
    editPlan(runId, `$.pbx.steps[${at}].content`, `${content}${EXEC_LINE}\n`);
    const refused = applySite(deps, deps.store.getRun(runId), access, () => {});
    await expect(refused).rejects.toThrow(REFUSED);
    await expect(refused).rejects.toMatchObject({ error: { detail: expect.stringMatching(/PBX steps/) } });
    expect(sent).toEqual([]);
    expect(store.getRun(runId).status).toBe('planned');
  });

  it('refuses a step whose fs_cli command was changed', async () => {
    const { deps, sent } = boxes(defconfRouter(), stockPbx());
    const { runId } = await planSite(deps, inputs);
    editPlan(runId, `$.pbx.steps[${varsStep(runId) + 1}].command`, 'system id');
    await expect(applySite(deps, deps.store.getRun(runId), access, () => {})).rejects.toThrow(REFUSED);
    expect(sent).toEqual([]);
  });

  it('refuses a PBX change given another value (its SQL), in the sub-plan only or in the review too', async () => {
    const { deps, sent } = boxes(defconfRouter(), stockPbx());
    const { runId } = await planSite(deps, inputs);
    const plan = JSON.parse(planJson(runId)) as { changes: { id: string }[]; pbx: { changes: { id: string }[] } };
    const at = plan.changes.findIndex((c) => c.id === plan.pbx.changes[0]!.id);
    editPlan(runId, '$.pbx.changes[0].after.var_value', `x" />${EXEC_LINE}`);
    await expect(applySite(deps, deps.store.getRun(runId), access, () => {})).rejects.toThrow(REFUSED);
    // The review shows the same edit: still not what the boxes give.
    editPlan(runId, `$.changes[${at}].after.var_value`, `x" />${EXEC_LINE}`);
    await expect(applySite(deps, deps.store.getRun(runId), access, () => {})).rejects.toThrow(REFUSED);
    expect(sent).toEqual([]);
  });

  it('refuses a PBX change pointed at another row, or a router change at another item', async () => {
    const { deps, sent } = boxes(defconfRouter(), stockPbx());
    const { runId } = await planSite(deps, inputs);
    editPlan(runId, '$.pbx.changes[0].key', stockPbx().vars[0]!.var_uuid);
    await expect(applySite(deps, deps.store.getRun(runId), access, () => {})).rejects.toThrow(REFUSED);
    const second = await planSite(deps, inputs);
    editPlan(second.runId, '$.router.changes[0].itemId', '*5');
    await expect(applySite(deps, deps.store.getRun(second.runId), access, () => {})).rejects.toThrow(REFUSED);
    expect(sent).toEqual([]);
  });
});

describe('rollback-apply sends only what was reviewed, re-derived from the snapshot', () => {
  it('refuses a rollback whose stored vars.xml step was given an exec-set line, and sends nothing', async () => {
    const before = stockPbx();
    const first = boxes(defconfRouter(), before);
    const { runId } = await planSite(first.deps, inputs);
    const applied = await applySite(first.deps, first.deps.store.getRun(runId), access, () => {});
    // The PBX as the apply left it: external_rtp_ip changed, vars.xml rewritten.
    const now = structuredClone(before);
    now.vars = now.vars.map((v) => (v.var_name === 'external_rtp_ip' ? { ...v, var_value: 'autonat:203.0.113.2' } : v));
    now.varsXml = before.varsXml!.replace('external_rtp_ip=$${local_ip_v4}', 'external_rtp_ip=autonat:203.0.113.2');
    const second = boxes(defconfRouter(), now);
    const planned = await planRollback(second.deps, applied.snapshotId!, ['pbx'], access);
    const at = varsStep(planned.runId);
    const content = (JSON.parse(planJson(planned.runId)) as { pbx: { steps: { content: string }[] } }).pbx.steps[at]!
      .content;
    editPlan(planned.runId, `$.pbx.steps[${at}].content`, `${content}${EXEC_LINE}\n`);
    await expect(applyRollback(second.deps, second.deps.store.getRun(planned.runId), access, () => {})).rejects.toThrow(
      /the stored plan was altered: nothing was sent\. Plan the rollback again and review it\./,
    );
    expect(second.sent).toEqual([]);
  });
});
