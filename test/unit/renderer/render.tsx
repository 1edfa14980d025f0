/**
 * How the renderer tests look at a view: its markup rendered from a store, and the words a
 * technician reads in it; and the store most screens start from, logged in to both boxes.
 */
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { createStore } from 'zustand/vanilla';
import { WizardProvider } from '../../../renderer/src/store/context';
import { createWizardStore, type WizardState, type WizardStore } from '../../../renderer/src/store/wizard';
import type { FakeClient } from './fake-client';

export function markup(store: WizardStore, view: ReactElement): string {
  return renderToStaticMarkup(
    <WizardProvider store={createStore<WizardState>()(() => store.getState())}>{view}</WizardProvider>,
  );
}

/** The words of some markup: tags as spaces, quotes as written, one space, none before punctuation. */
export function words(html: string): string {
  return (
    html
      .replace(/<[^>]+>/g, ' ')
      .replace(/&#x27;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/\s+/g, ' ')
      // A closing tag before a full stop is not a space the technician sees.
      .replace(/ ([.,;:)])/g, '$1')
  );
}

/** The words a view shows, rendered from the store. */
export function shownText(store: WizardStore, view: ReactElement): string {
  return words(markup(store, view));
}

/** A store logged in to both boxes (router 192.168.88.1, PBX 192.168.88.10) with one trunk, Carrier. */
export function loggedInSite(client: FakeClient) {
  const store = createWizardStore(client);
  const s = () => store.getState();
  s().setRouterForm({ host: '192.168.88.1', password: 'rpw' });
  s().setPbxForm({ host: '192.168.88.10', password: 'ppw' });
  s().updatePeer('trunks', s().trunks[0]!.key, { name: 'Carrier', address: '198.51.100.10' });
  return { client, store, s };
}
