/**
 * Apply shows every item it sends as the answers arrive: the router's and the PBX's changes, then
 * the PBX steps (files written, FreeSWITCH commands) under their own heading, each marked when its
 * progress event comes in (`pbx-step-N`, contract/plan-counts.ts). Counted as Review counts them.
 */
import { describe, expect, it } from 'vitest';
import type { ApplyResult, PlannedRun } from '../../../contract/types';
import { ApplyStep, progressWords, statusesNow } from '../../../renderer/src/steps/ApplyStep';
import { createWizardStore } from '../../../renderer/src/store/wizard';
import { deferred, FakeClient, ok } from './fake-client';
import { markup, words as text } from './render';

const run: PlannedRun = {
  runId: 'run-1',
  plan: {
    changes: [
      {
        id: 'r-1',
        target: 'router',
        path: '/ip/firewall/service-port',
        action: 'set',
        before: { name: 'sip', disabled: 'false' },
        after: { name: 'sip', disabled: 'true' },
        reason: 'SIP ALG off.',
      },
      {
        id: 'p-1',
        target: 'pbx',
        path: 'v_vars',
        action: 'set',
        label: 'external_rtp_ip',
        before: { var_value: '192.168.88.10' },
        after: { var_value: '203.0.113.7' },
        reason: 'Public address.',
      },
    ],
    warnings: [],
    facts: {},
    pbxSteps: [
      { kind: 'write-file', why: 'Write /etc/freeswitch/vars.xml with the new addresses' },
      { kind: 'fs-cli', why: 'Restart the external SIP profile' },
    ],
  },
};

/** The line of the progress that holds `words`, with its status class. */
const line = (html: string, words: string) =>
  [...html.matchAll(/<li class="(\w+)">(.*?)<\/li>/g)].find((m) => text(m[2]!).includes(words))?.[1];

describe('Apply shows the PBX steps as their answers arrive', () => {
  it('lists them under their own heading, marks each as reported, and counts them apart', async () => {
    const finish = deferred<ApplyResult>();
    const client = new FakeClient().on('site.apply', async (_input, { onProgress }) => {
      const change = (changeId: string, status: 'done' | 'failed', index: number) =>
        onProgress?.({ kind: 'change', changeId, index, total: 5, status });
      change('r-1', 'done', 1);
      // The router's connection-tracking clean-up is journalled too: neither a change nor a PBX step.
      change('router-conntrack', 'done', 2);
      change('p-1', 'done', 3);
      change('pbx-step-1', 'done', 4);
      return ok(await finish.promise);
    });
    const store = createWizardStore(client);
    store.setState({ planned: { status: 'done', value: run } });
    expect(text(markup(store, <ApplyStep />))).toContain('Apply 2 changes and 2 PBX steps');

    const applying = store.getState().applyPlan();
    await Promise.resolve();
    let html = markup(store, <ApplyStep />);
    expect(text(html)).toContain('Applying: 3 of 4 answered.');
    expect(text(html)).toContain('Then, on the PBX');
    expect(line(html, 'Router: Change IP › Firewall › Service Ports')).toBe('done');
    expect(line(html, 'PBX: Change Advanced › Variables › external_rtp_ip')).toBe('done');
    expect(line(html, 'Write /etc/freeswitch/vars.xml')).toBe('done');
    // The next one is under way: the items go out one after another.
    expect(line(html, 'Restart the external SIP profile')).toBe('sending');

    finish.resolve({
      runId: 'run-1',
      status: 'applied',
      applied: ['r-1', 'router-conntrack', 'p-1', 'pbx-step-1', 'pbx-step-2'],
    });
    await applying;
    html = markup(store, <ApplyStep />);
    expect(text(html)).toContain('Applied 2 changes and 2 PBX steps.');
    expect(text(html)).not.toContain('Applying:');
  });

  it('marks none as under way before the first answer (the snapshots are being taken), nor once the apply ended', () => {
    const ids = ['r-1', 'p-1', 'pbx-step-1'];
    expect(statusesNow({}, ids, true)).toEqual({});
    expect(statusesNow({ 'r-1': 'done' }, ids, true)).toEqual({ 'r-1': 'done', 'p-1': 'sending' });
    expect(statusesNow({ 'r-1': 'done' }, ids, false)).toEqual({ 'r-1': 'done' });
    expect(statusesNow({ 'r-1': 'done', 'p-1': 'done', 'pbx-step-1': 'done' }, ids, true)).toEqual({
      'r-1': 'done',
      'p-1': 'done',
      'pbx-step-1': 'done',
    });
  });

  it('counts only answers of what the plan sends', () => {
    expect(progressWords({ a: 'done', b: 'sending', c: 'failed', other: 'done' }, ['a', 'b', 'c', 'd'])).toBe(
      '2 of 4 answered',
    );
  });
});
