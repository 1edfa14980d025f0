/**
 * History's rollback review shows first what matters in the snapshot (issue 21 item 6): what is
 * not restored because the wizard does not manage it, what is restored, each with its consequence,
 * before the warnings and the changes. Rendered to static markup from a store, no browser.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { createStore } from 'zustand/vanilla';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../contract/types';
import { HistoryView } from '../../../renderer/src/history/HistoryView';
import { WizardProvider } from '../../../renderer/src/store/context';
import { createWizardStore, type WizardState } from '../../../renderer/src/store/wizard';
import { FakeClient, ok } from './fake-client';

const plan: Plan = {
  changes: [
    {
      id: 'restore-001',
      target: 'router',
      path: '/ip/firewall/service-port',
      action: 'set',
      before: { disabled: 'true' },
      after: { disabled: 'false' },
      reason: 'Puts "sip" back as it was in the snapshot.',
    },
  ],
  warnings: [{ code: 'foreign-row-kept', target: 'pbx', message: 'v_vars pwned was added after the snapshot.' }],
  facts: {},
  flags: [
    {
      target: 'router',
      subject: '/ip/firewall/filter "defconf: drop all not coming from LAN"',
      change: 'disabled=true',
      consequence: 'Not restored: not managed by the wizard. It would switch this firewall rule off.',
      restored: false,
      serious: true,
    },
    {
      target: 'pbx',
      subject: 'v_sip_profile_settings "auth-calls"',
      change: 'sip_profile_setting_value="false"',
      consequence:
        'Not restored: not managed by the wizard. The profile would take calls without asking for a password.',
      restored: false,
      serious: true,
    },
    {
      target: 'router',
      subject: '/ip/firewall/service-port "sip"',
      change: 'disabled=false',
      consequence: 'The SIP helper (SIP ALG) is turned back on.',
      restored: true,
      serious: false,
    },
  ],
};

async function shown(p: Plan): Promise<string> {
  const store = createWizardStore(new FakeClient().on('rollback.plan', () => ok({ runId: 'rb-1', plan: p })));
  await store.getState().planRollback('snap-1');
  return renderToStaticMarkup(
    <WizardProvider store={createStore<WizardState>()(() => store.getState())}>
      <HistoryView />
    </WizardProvider>,
  )
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');
}

describe('the rollback review', () => {
  it('says first what is not restored and why it matters, then the warnings and the changes', async () => {
    const text = await shown(plan);
    expect(text).toContain(
      'Read this first: 2 things in this snapshot are not restored. The wizard does not manage them, so they are shown for reading only and never sent.',
    );
    expect(text).toContain(
      'Not restored (router) /ip/firewall/filter "defconf: drop all not coming from LAN" : disabled=true . Not restored: not managed by the wizard. It would switch this firewall rule off.',
    );
    expect(text).toContain('without asking for a password');
    expect(text).toContain('Restored (router) /ip/firewall/service-port "sip" : disabled=false');
    const first = text.indexOf('Read this first');
    expect(first).toBeGreaterThan(-1);
    expect(first).toBeLessThan(text.indexOf('v_vars pwned was added after the snapshot.'));
    expect(first).toBeLessThan(text.indexOf('Change sip'));
  });

  it('shows no such note when nothing matters', async () => {
    expect(await shown({ ...plan, flags: [] })).not.toContain('Read this first');
  });
});
