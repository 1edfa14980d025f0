/**
 * The visit record (store/visit.ts) on a real SQLite file: a run is read once into a typed
 * record; records written before it (format 1) and bundles made then are upgraded on read;
 * a record the wizard cannot have written is named as damaged, never handed on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Plan, SiteFacts } from '../../contract/types';
import { openStore, type Store } from '../../electron/store';
import { VISIT_FORMAT } from '../../electron/store/visit';
import { storedInputs } from '../unit/helpers/stored-inputs';

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fspbx-visit-'));
  store = openStore(join(dir, 'data'));
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const FACTS: SiteFacts = {
  publicIp: '203.0.113.2',
  publicFrom: 'router',
  publicDynamic: true,
  wanInterface: 'ether1',
  routerLanAddress: '192.168.88.1',
  rtp: { start: 16384, end: 32768 },
  revertMinutes: 7,
};

const plan = (facts: Record<string, string> = {}): Plan => ({ changes: [], warnings: [], facts });

function site(): string {
  return store.upsertSite({ routerHost: '192.168.88.1', pbxHost: '192.168.88.10' }).siteId;
}

/** A run as a wizard before the visit record wrote it: format 1, control and facts only among the shown facts. */
function formatOne(kind: 'apply' | 'rollback', facts: Record<string, string>): string {
  const siteId = site();
  const run = store.createRun({ siteId, kind, inputs: storedInputs(), plan: plan(facts) });
  store.db
    .prepare('UPDATE runs SET format = 1, facts_json = NULL, control_json = NULL WHERE run_id = ?')
    .run(run.runId);
  return run.runId;
}

describe('the visit record', () => {
  it('keeps an apply’s site facts and a rollback’s control typed, at the current format', () => {
    const siteId = site();
    const apply = store.createRun({ siteId, kind: 'apply', inputs: storedInputs(), plan: plan(), facts: FACTS });
    const rollback = store.createRun({
      siteId,
      kind: 'rollback',
      inputs: storedInputs(),
      plan: plan(),
      control: { sides: ['pbx'], otherBoxAccepted: true },
    });
    expect(store.getRun(apply.runId)).toMatchObject({ format: VISIT_FORMAT, facts: FACTS });
    expect(store.getRun(rollback.runId).control).toEqual({ sides: ['pbx'], otherBoxAccepted: true });
    // Listing reads the public IP from the facts without parsing any plan.
    expect(store.listRuns().find((r) => r.runId === apply.runId)?.publicIp).toBe('203.0.113.2');
  });

  it('upgrades a format-1 rollback: its control from the facts it hid it in, those facts out of view', () => {
    const runId = formatOne('rollback', {
      'rollback.sides': 'pbx',
      'rollback.otherBox': 'accepted by the technician',
      'pbx.publicIp': '203.0.113.2',
    });
    const run = store.getRun(runId);
    expect(run.format).toBe(VISIT_FORMAT);
    expect(run.control).toEqual({ sides: ['pbx'], otherBoxAccepted: true });
    expect(run.plan.facts).toEqual({ 'pbx.publicIp': '203.0.113.2' });
    // A format-1 rollback that named no sides covered both, as it did then.
    expect(store.getRun(formatOne('rollback', {})).control).toEqual({
      sides: ['router', 'pbx'],
      otherBoxAccepted: false,
    });
  });

  it('upgrades a format-1 apply: its site facts from what its plan showed', () => {
    const runId = formatOne('apply', {
      'pbx.publicIp': '203.0.113.2',
      'router.wanAddress': '203.0.113.2',
      'router.wanAddressDynamic': 'given to pppoe-out1 by the provider: it may change',
      'router.lan': '192.168.88.1/24',
      'pbx.rtp': '10000-20000 (switch.conf.xml)',
    });
    expect(store.getRun(runId).facts).toEqual({
      publicIp: '203.0.113.2',
      publicFrom: 'router',
      publicDynamic: true,
      wanInterface: 'pppoe-out1',
      routerLanAddress: '192.168.88.1',
      rtp: { start: 10000, end: 20000 },
      revertMinutes: 5,
    });
    // A format-1 apply that showed no public address has no facts: verify then reads them from the boxes.
    expect(store.getRun(formatOne('apply', {})).facts).toBeUndefined();
  });

  it('names a record of a newer format, or with damaged facts or inputs, as damaged: never handed on', () => {
    const siteId = site();
    const made = () =>
      store.createRun({ siteId, kind: 'apply', inputs: storedInputs(), plan: plan(), facts: FACTS }).runId;
    const newer = made();
    store.db.prepare('UPDATE runs SET format = 3 WHERE run_id = ?').run(newer);
    expect(() => store.getRun(newer)).toThrow(/damaged in the history/);
    const badFacts = made();
    store.db
      .prepare('UPDATE runs SET facts_json = ? WHERE run_id = ?')
      .run(JSON.stringify({ ...FACTS, publicIp: "1.2.3.4'; rm -rf /" }), badFacts);
    expect(() => store.getRun(badFacts)).toThrow(/damaged in the history/);
    const badInputs = made();
    store.db.prepare(`UPDATE runs SET inputs_json = '{"router":{}}' WHERE run_id = ?`).run(badInputs);
    expect(() => store.getRun(badInputs)).toThrow(/damaged in the history/);
    // The rest of the history still lists.
    expect(store.listRuns().length).toBe(3);
  });
});
