/**
 * Issue 25: the app has the public-IP field the CLI has (options.publicIp). Blank, the plan takes
 * the router's WAN address and nothing is sent; filled in, it is sent as given; not an address,
 * the field says so. Changing it after Review makes the plan stale, as any option does.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { createStore } from 'zustand/vanilla';
import { describe, expect, it } from 'vitest';
import { OptionsStep } from '../../../renderer/src/steps/OptionsStep';
import { WizardProvider } from '../../../renderer/src/store/context';
import { siteInputsOf, staleNote } from '../../../renderer/src/store/run';
import { type WizardState } from '../../../renderer/src/store/wizard';
import { FakeClient, ok } from './fake-client';
import { loggedInSite } from './render';

function site() {
  return loggedInSite(
    new FakeClient().on('site.plan', () => ok({ runId: 'run-1', plan: { changes: [], warnings: [], facts: {} } })),
  );
}

const options = (store: ReturnType<typeof site>['store']) =>
  renderToStaticMarkup(
    <WizardProvider store={createStore<WizardState>()(() => store.getState())}>
      <OptionsStep />
    </WizardProvider>,
  );

describe("the site's public IP in Options", () => {
  it('blank: nothing is sent, the plan takes the router’s WAN address', () => {
    const { s } = site();
    expect(siteInputsOf(s()).options).not.toHaveProperty('publicIp');
  });

  it('filled in: sent as given, spaces trimmed', async () => {
    const { client, s } = site();
    s().setOptions({ publicIp: ' 203.0.113.7 ' });
    expect(siteInputsOf(s()).options.publicIp).toBe('203.0.113.7');
    await s().makePlan();
    expect(client.calls.find((c) => c.op === 'site.plan')?.input).toMatchObject({
      options: { publicIp: '203.0.113.7' },
    });
  });

  it('not an address: the field says what it wants', () => {
    const { store, s } = site();
    expect(options(store)).not.toContain('field-error');
    s().setOptions({ publicIp: '203.0.113.7o' });
    expect(options(store)).toContain('An IPv4 address such as 203.0.113.7, or leave it empty.');
  });

  it('changed after Review: the plan is stale', async () => {
    const { s } = site();
    await s().makePlan();
    s().setOptions({ publicIp: '203.0.113.9' });
    expect(staleNote(s())).toMatch(/made before you changed the options/);
  });
});
