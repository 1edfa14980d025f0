/** What is sent must be what was reviewed, in every part that goes out (issue 21 item 5). Plain data. */
import { describe, expect, it } from 'vitest';
import { siteInputs } from '../../../contract/schemas';
import { differenceFromReview } from '../../../electron/site/rederive';
import { mintRowIds, planFromStates } from '../../../electron/site/run';
import type { SitePlan } from '../../../electron/site/combine';
import { stockPbx } from '../pbx/fixtures/stock';
import { defconfRouter } from '../routeros/fixtures/defconf';

const inputs = siteInputs.parse({
  router: { host: '192.168.88.1', username: 'admin', password: '' },
  pbx: { host: '192.168.88.10', username: 'root', auth: { kind: 'password', password: 'x' } },
  trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
  phones: [{ name: 'Home office', address: '192.0.2.20' }],
  options: { publicIp: '203.0.113.2' },
});

const IDS = mintRowIds();
const reviewed = (): SitePlan => planFromStates(inputs, defconfRouter(), stockPbx(), IDS).plan;

describe('differenceFromReview', () => {
  it('finds none between a plan and its copy back from JSON, keys in another order', () => {
    const plan = reviewed();
    const stored = JSON.parse(JSON.stringify(plan)) as SitePlan;
    stored.pbx!.steps = stored.pbx!.steps.map((s) => Object.fromEntries(Object.entries(s).reverse()) as typeof s);
    expect(differenceFromReview(plan, stored)).toBeUndefined();
  });

  it('names the part that differs: a step’s text, a PBX row, a router item, a reviewed value', () => {
    const edits: [string, (p: SitePlan) => void][] = [
      ['the PBX steps', (p) => (p.pbx!.steps[0] = { ...p.pbx!.steps[0]!, why: 'x' })],
      ['the PBX changes', (p) => (p.pbx!.changes[0]!.key = 'b0000000-0000-4000-8000-000000000001')],
      ['the router changes', (p) => (p.router!.changes[0]!.placeBefore = '*1')],
      ['the reviewed changes', (p) => (p.changes[0]!.reason = 'edited')],
    ];
    for (const [part, edit] of edits) {
      const stored = JSON.parse(JSON.stringify(reviewed())) as SitePlan;
      edit(stored);
      expect(differenceFromReview(reviewed(), stored), part).toBe(part);
    }
  });
});
