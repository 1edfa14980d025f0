/**
 * Step 4 takes a trunk or phone by its DNS name: the row is accepted, a name that is not one is
 * refused beside its row in the contract's sentence, and two spellings of one name are one entry.
 * Rendered to static markup from a store in a given state (the first-hour.test.tsx pattern).
 */
import { describe, expect, it } from 'vitest';
import { PeersStep } from '../../../renderer/src/steps/PeersStep';
import { checkPeers } from '../../../renderer/src/steps/peerChecks';
import { peersInputOf } from '../../../renderer/src/store/peers';
import type { PeerRow } from '../../../renderer/src/store/site';
import { createWizardStore } from '../../../renderer/src/store/wizard';
import { FakeClient } from './fake-client';
import { markup, words as text } from './render';

const row = (key: number, name: string, address: string): PeerRow => ({ key, name, address });

describe('step 4 with host names', () => {
  it('accepts a name and refuses what is not one, in the row’s own words', () => {
    const checks = checkPeers({
      trunks: [row(1, 'Carrier', 'sip.carrier.example'), row(2, 'Other', 'sip:other.example:5060')],
      phones: [row(3, 'Home', 'home')],
    });
    expect(checks.errors.map((e) => e.message)).toEqual([
      'SIP trunk providers, row 2: Give the host name alone, without "sip:", a port, a user or a path (such as sip.example.com).',
      'Remote phones, row 1: Give the full name, such as home.example.com: a single word is not a name the router can look up.',
    ]);
  });

  it('counts two spellings of one name as one entry', () => {
    const checks = checkPeers({
      trunks: [row(1, 'Carrier', 'sip.carrier.example'), row(2, 'Carrier again', 'SIP.Carrier.Example')],
      phones: [],
    });
    expect(checks.errors).toEqual([]);
    expect(checks.warnings.map((w) => w.message)).toEqual([
      'SIP trunk providers, row 2: the same address as SIP trunk providers, row 1 (sip.carrier.example); it is let in once.',
    ]);
  });

  it('goes on with a name, and says beside the row what is wrong with a bad one', () => {
    const store = createWizardStore(new FakeClient());
    store.setState({ step: 'peers', trunks: [row(1, 'Carrier', 'sip.carrier.example.')] });
    store.getState().next();
    expect(store.getState().step).toBe('peers');
    const shown = text(markup(store, <PeersStep />));
    expect(shown).toContain('Leave out the final dot: sip.carrier.example.');
    expect(shown).toContain('sip.example.com');
    store.getState().updatePeer('trunks', 1, { address: 'sip.carrier.example' });
    store.getState().next();
    expect(store.getState().step).toBe('options');
  });

  it("sends the names among the allowed sources of the PBX's proposals, so a gateway at that name is not called outside", () => {
    const store = createWizardStore(new FakeClient());
    store.setState({
      trunks: [row(1, 'Carrier', ' SIP.Carrier.Example '), row(2, 'Typo', 'sip:carrier.example')],
      phones: [row(3, 'Home', '192.0.2.20')],
    });
    expect(peersInputOf(store.getState()).allowed).toEqual(['sip.carrier.example', '192.0.2.20']);
  });
});
