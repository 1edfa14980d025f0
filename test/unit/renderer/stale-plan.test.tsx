/**
 * Issue 22: a plan made in Review is good only while the inputs it was made from stay as they
 * were. Changing a trunk, a phone, an option or a login afterwards makes it stale: Review and Apply
 * say what changed, and Apply refuses to send it (the button, and the store's applyPlan itself).
 * The store runs against the fake client; the steps are rendered to static markup from its state.
 */
import { describe, expect, it } from 'vitest';
import type { PlannedRun } from '../../../contract/types';
import { ApplyStep } from '../../../renderer/src/steps/ApplyStep';
import { ReviewStep } from '../../../renderer/src/steps/ReviewStep';
import { staleNote } from '../../../renderer/src/store/run';
import { changedParts, inputPrints, stableJson, staleSentence } from '../../../renderer/src/store/plan-inputs';
import { createWizardStore } from '../../../renderer/src/store/wizard';
import { FakeClient, deferred, ok } from './fake-client';
import { loggedInSite, markup, words as text } from './render';

const plannedRun = (runId: string): PlannedRun => ({
  runId,
  plan: {
    changes: [
      {
        id: 'r1',
        target: 'router',
        path: '/ip/firewall/nat',
        action: 'add',
        before: null,
        after: { chain: 'dstnat' },
        reason: 'Forward SIP.',
      },
    ],
    warnings: [],
    facts: { 'pbx.publicIp': '203.0.113.7' },
  },
});

/** A store logged in to both boxes with one trunk, a client that plans run-1, run-2… and applies. */
function site() {
  let plans = 0;
  const client = new FakeClient()
    .on('site.plan', () => ok(plannedRun(`run-${++plans}`)))
    .on('site.apply', (input) => ok({ runId: input.runId, status: 'applied' as const, applied: ['r1'] }));
  return loggedInSite(client);
}

/** The Apply button's markup (its disabled attribute shows whether it can be pressed). */
const applyButton = (html: string) => html.match(/<button[^>]*class="primary"[^>]*>Apply[^<]*<\/button>/)?.[0] ?? '';

describe('a plan made before an input changed', () => {
  it('a trunk changed after Review: Apply refuses the stale plan, says why, and sends nothing', async () => {
    const { client, store, s } = site();
    await s().makePlan();
    expect(staleNote(s())).toBeUndefined();
    expect(applyButton(markup(store, <ApplyStep />))).not.toContain('disabled');

    s().updatePeer('trunks', s().trunks[0]!.key, { address: '198.51.100.20' });

    const sentence = 'The plan was made before you changed the SIP trunk providers; make it again.';
    expect(staleNote(s())).toBe(sentence);
    const apply = markup(store, <ApplyStep />);
    expect(applyButton(apply)).toContain('disabled');
    expect(text(apply)).toContain(`${sentence} Go to step 6`);
    const review = text(markup(store, <ReviewStep />));
    expect(review).toContain(sentence);
    expect(review).toContain('Make the plan again');

    // The store refuses too, whatever asked: no path sends the old plan with the new inputs.
    await s().applyPlan();
    expect(client.inputsOf('site.apply')).toEqual([]);
    expect(s().applying).toMatchObject({ status: 'error', error: { code: 'invalid_input', message: sentence } });

    // Made again from the inputs as they are now, it is applied.
    await s().makePlan();
    expect(client.inputsOf('site.plan')[1]?.trunks).toEqual([{ name: 'Carrier', address: '198.51.100.20' }]);
    expect(staleNote(s())).toBeUndefined();
    expect(applyButton(markup(store, <ApplyStep />))).not.toContain('disabled');
    await s().applyPlan();
    expect(client.inputsOf('site.apply').map((i) => i.runId)).toEqual(['run-2']);
  });

  it('names each input changed since: phones, options, the site name, the router and PBX logins', async () => {
    const { s } = site();
    const after = async (change: () => void) => {
      await s().makePlan();
      change();
      return staleNote(s());
    };
    expect(
      await after(() => {
        s().addPeer('phones');
        const row = s().phones[s().phones.length - 1]!;
        s().updatePeer('phones', row.key, { address: '198.51.100.77' });
      }),
    ).toBe('The plan was made before you changed the remote phones; make it again.');
    expect(await after(() => s().setOptions({ revertMinutes: '10' }))).toContain('changed the options;');
    expect(await after(() => s().setOptions({ customer: 'Dr Smith dental' }))).toContain('changed the options;');
    expect(await after(() => s().setRouterForm({ host: '192.168.88.2' }))).toContain('changed the router login;');
    expect(await after(() => s().setPbxForm({ password: 'other' }))).toContain('changed the PBX login;');
    expect(
      await after(() => {
        s().setRouterForm({ username: 'tech' });
        s().setOptions({ hairpin: true });
        s().updatePeer('trunks', s().trunks[0]!.key, { name: 'Other carrier' });
      }),
    ).toBe(
      'The plan was made before you changed the router login, the SIP trunk providers and the options; make it again.',
    );
  });

  it('stays good when nothing the plan was made from changed: an empty row, spaces, a change undone', async () => {
    const { s } = site();
    await s().makePlan();
    s().addPeer('trunks');
    s().addPeer('phones');
    s().updatePeer('trunks', s().trunks[0]!.key, { address: ' 198.51.100.10 ' });
    s().goTo('options');
    expect(staleNote(s())).toBeUndefined();
    s().setOptions({ webGui: true });
    expect(staleNote(s())).toContain('the options');
    s().setOptions({ webGui: false });
    expect(staleNote(s())).toBeUndefined();
  });

  it('a change made while the plan is being made leaves it stale when it lands', async () => {
    const answer = deferred<ReturnType<typeof ok<PlannedRun>>>();
    const client = new FakeClient().on('site.plan', () => answer.promise);
    const store = createWizardStore(client);
    const s = () => store.getState();
    s().setRouterForm({ host: '192.168.88.1', password: 'rpw' });
    s().setPbxForm({ host: '192.168.88.10', password: 'ppw' });
    const making = s().makePlan();
    s().setOptions({ mediaMode: 'leave' });
    answer.resolve(ok(plannedRun('run-1')));
    await making;
    expect(s().planned.status).toBe('done');
    expect(staleNote(s())).toBe('The plan was made before you changed the options; make it again.');
  });

  it('an apply already done is never overwritten by a refusal', async () => {
    const { client, s } = site();
    await s().makePlan();
    await s().applyPlan();
    s().updatePeer('trunks', s().trunks[0]!.key, { address: '198.51.100.30' });
    await s().applyPlan();
    expect(client.inputsOf('site.apply')).toHaveLength(1);
    expect(s().applying).toMatchObject({ status: 'done', result: { runId: 'run-1' } });
  });
});

describe('the prints a plan is compared by', () => {
  it('print equal values alike whatever order their fields came in, and tell different values apart', () => {
    expect(stableJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'x' } })).toBe(
      stableJson({ a: { c: 'x', d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
    expect(stableJson({ a: 1, b: undefined })).toBe(stableJson({ a: 1 }));
    expect(stableJson({ a: '1' })).not.toBe(stableJson({ a: 1 }));
    expect(stableJson([1, 2])).not.toBe(stableJson([2, 1]));
  });

  it('say which parts differ, in the order of the steps', () => {
    const input = {
      router: { host: 'r', tls: true, username: 'admin', password: 'p' },
      pbx: { host: 'x', username: 'root', auth: { kind: 'password' as const, password: 'p' } },
      trunks: [{ name: 'a', address: '198.51.100.1' }],
      phones: [],
      options: {
        webGui: false,
        hairpin: false,
        mediaMode: 'proxy' as const,
        revertMinutes: 5,
        allowAnySource: false,
      },
    };
    const made = inputPrints(input);
    expect(changedParts(made, inputPrints({ ...input, site: { name: 'Shop' } }))).toEqual(['options']);
    expect(changedParts(made, inputPrints({ ...input, phones: [{ name: 'b', address: '198.51.100.2' }] }))).toEqual([
      'phones',
    ]);
    expect(changedParts(made, inputPrints({ ...input, router: { ...input.router, port: 8729 } }))).toEqual(['router']);
    expect(staleSentence(['pbx', 'phones'])).toBe(
      'The plan was made before you changed the PBX login and the remote phones; make it again.',
    );
  });
});
