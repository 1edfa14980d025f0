/**
 * What step 4 and History say, rendered to static markup from a store in a
 * given state: the texts a technician reads, with no browser.
 */
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { createStore } from 'zustand/vanilla';
import { describe, expect, it } from 'vitest';
import type { PeersProposal } from '../../../contract/types';
import { HistoryView } from '../../../renderer/src/history/HistoryView';
import { PeersStep } from '../../../renderer/src/steps/PeersStep';
import { WizardProvider } from '../../../renderer/src/store/context';
import { createWizardStore, type WizardState, type WizardStore } from '../../../renderer/src/store/wizard';
import { FakeClient, failed, ok } from './fake-client';

/**
 * Server rendering reads a zustand store's initial state (useSyncExternalStore's server snapshot),
 * so the view is rendered from a store created with the state as it is now.
 */
const markup = (store: WizardStore, view: ReactElement) =>
  renderToStaticMarkup(
    <WizardProvider store={createStore<WizardState>()(() => store.getState())}>{view}</WizardProvider>,
  );

const text = (store: WizardStore, view: ReactElement) =>
  markup(store, view)
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ');

const empty: PeersProposal = {
  trunks: [],
  phones: [],
  warnings: [
    {
      code: 'trunk-many-addresses',
      target: 'pbx',
      message: 'Gateway "Carrier": sip.carrier.example resolves to 3 addresses. Prefer its published signalling range.',
    },
    {
      code: 'trunk-outside-allowed',
      target: 'pbx',
      message: 'Gateway "Carrier" is registered with 198.51.100.12, which is not in the allowed list.',
    },
  ],
  notProposed: [],
  resolver: { tool: 'getent', records: ['A'], note: '' },
  read: { gateways: 1, runningGateways: 1, registrations: null },
};

async function loggedInWith(peers: ReturnType<typeof ok<PeersProposal>> | ReturnType<typeof failed>) {
  const client = new FakeClient()
    .on('pbx.read', () => ok({ kind: 'fspbx' as const, hostname: 'pbx', hostKey: 'SHA256:x' }))
    .on('pbx.peers', () => peers);
  const store = createWizardStore(client);
  store.getState().setPbxForm({ host: '192.168.88.10', password: 'ppw' });
  await store.getState().readPbx();
  return store;
}

describe('step 4 as the technician reads it', () => {
  it('before the PBX login, says where the proposals will come from', () => {
    expect(text(createWizardStore(new FakeClient()), <PeersStep />)).toContain(
      'Log in to the PBX (step 3) and its trunks and remote phones are proposed here.',
    );
  });

  it('lists what was read and every warning to check', async () => {
    const shown = text(await loggedInWith(ok(empty)), <PeersStep />);
    expect(shown).toContain(
      'Read from the PBX: 1 gateway (1 running), registrations unknown; names resolved on the PBX with getent.',
    );
    expect(shown).toContain('Check: Gateway "Carrier": sip.carrier.example resolves to 3 addresses.');
    expect(shown).toContain(
      'Check: Gateway "Carrier" is registered with 198.51.100.12, which is not in the allowed list.',
    );
  });

  it('a failed read says why in one line, and the typed rows are still there', async () => {
    const store = await loggedInWith(failed({ code: 'timeout', message: 'The PBX did not answer in 30 s.' }));
    const html = markup(store, <PeersStep />);
    expect(html).toMatch(/Nothing proposed from the PBX: The PBX did not answer in 30 s\. Type the addresses below\./);
    expect(html).toContain('aria-label="SIP trunk providers 1 address"');
  });
});

describe('History: a rollback onto another box', () => {
  it('shows the refusal and the button to accept it; once accepted, the first warning', async () => {
    const differs =
      'The snapshot is of router "HQ" (hEX, 48:8F:5A:00:00:01); this router is "Branch" (hAP, 48:8F:5A:00:00:99).';
    const client = new FakeClient().on('rollback.plan', (input) =>
      input.acceptOtherBox
        ? ok({
            runId: 'run-2',
            plan: {
              changes: [],
              warnings: [{ code: 'other-box', message: `Accepted by the technician: ${differs}` }],
              facts: {},
            },
          })
        : failed({
            code: 'invalid_input',
            field: 'acceptOtherBox',
            message: `${differs} Rolling this snapshot back here would put another site's settings on it. Check the addresses; if the box was replaced, accept the other box (CLI: --other-box).`,
          }),
    );
    const store = createWizardStore(client);
    await store.getState().planRollback('snap-1');
    const refused = text(store, <HistoryView />);
    expect(refused).toContain(`${differs} Rolling this snapshot back here`);
    expect(refused).not.toContain('--other-box');
    expect(refused).toContain('Roll back onto this router anyway: it is not the one the snapshot was taken of');
    await store.getState().planRollbackOnOtherBox();
    const accepted = text(store, <HistoryView />);
    expect(accepted).toContain(`Accepted by the technician: ${differs}`);
    expect(accepted).not.toContain('Roll back onto this router anyway');
  });
});
