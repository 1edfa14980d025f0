/**
 * Step 4's public address: the one the plan carries once a plan is made, the router's read named
 * as a guess before that. Rendered to static markup from a store in a given state.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { createStore } from 'zustand/vanilla';
import { describe, expect, it } from 'vitest';
import type { PlannedRun, RouterSummary, SiteFacts } from '../../../contract/types';
import { PeersStep } from '../../../renderer/src/steps/PeersStep';
import { WizardProvider } from '../../../renderer/src/store/context';
import { idle } from '../../../renderer/src/store/load';
import { publicAddressOf } from '../../../renderer/src/store/public-address';
import { createWizardStore, type WizardState } from '../../../renderer/src/store/wizard';
import { FakeClient } from './fake-client';

const router: RouterSummary = {
  identity: 'HQ',
  version: '7.16',
  board: 'hEX',
  wanAddresses: ['100.64.0.7/24'],
  doubleNat: false,
  insecure: false,
  canWrite: true,
};
/** A plan as site.plan answers it: its site facts beside it (electron/site/facts.ts), the shown facts apart. */
const planWith = (site?: Partial<SiteFacts>): PlannedRun => ({
  runId: 'run-1',
  // The shown facts name another address: the screen must take the site facts, never these.
  plan: { changes: [], warnings: [], facts: { 'pbx.publicIp': '192.0.2.99' } },
  ...(site
    ? {
        site: {
          publicIp: '203.0.113.7',
          publicFrom: 'router' as const,
          publicDynamic: false,
          rtp: { start: 16384, end: 32768 },
          revertMinutes: 5,
          ...site,
        },
      }
    : {}),
});

/** The sentence step 4 shows, from a store holding `state`. */
function shown(state: Partial<WizardState>): string {
  const store = createWizardStore(new FakeClient());
  store.setState(state);
  const html = renderToStaticMarkup(
    <WizardProvider store={createStore<WizardState>()(() => store.getState())}>
      <PeersStep />
    </WizardProvider>,
  );
  const line = html.match(/data-testid="public-address">([^<]*)</)?.[1] ?? '';
  return line.replace(/&#x27;/g, "'");
}

describe("step 4's public address", () => {
  it('before the router is read, says to read it', () => {
    expect(shown({})).toBe('Public IP of this site: read the router first (step 2).');
  });

  it("before a plan, the router's WAN address, named as a guess", () => {
    expect(shown({ router: { status: 'done', value: router } })).toBe(
      'Public IP of this site: 100.64.0.7, as the router reads it; a guess until the plan is made (step 6).',
    );
  });

  it('once planned, the address the plan uses, not the guess, and whether the provider may change it', () => {
    const planned = planWith({ publicDynamic: true, wanInterface: 'ether1' });
    expect(shown({ router: { status: 'done', value: router }, planned: { status: 'done', value: planned } })).toBe(
      'Public IP of this site: 203.0.113.7, the address the plan uses (step 6). It is given to ether1 by the provider: it may change.',
    );
  });

  it('prefers the router cloud address to its WAN address for the guess; a plan without the fact falls back', () => {
    const withCloud = { status: 'done' as const, value: { ...router, publicAddress: '198.51.100.9' } };
    expect(publicAddressOf(idle, withCloud)).toEqual({ source: 'router-guess', address: '198.51.100.9' });
    expect(publicAddressOf({ status: 'done', value: planWith() }, withCloud)).toEqual({
      source: 'router-guess',
      address: '198.51.100.9',
    });
    expect(publicAddressOf({ status: 'done', value: planWith({}) }, idle)).toEqual({
      source: 'plan',
      address: '203.0.113.7',
    });
  });
});
