/**
 * The wizard's store: one slice per concern, each typed against the whole
 * state. Actions call the contract through the client the store was created
 * with; components only read state and call actions. Leaving a step keeps what
 * was typed: nothing here is reset by navigation.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Client } from '../api/client';
import { credentialsSlice } from './credentials';
import { discoverySlice } from './discovery';
import { historySlice } from './history';
import { navSlice } from './nav';
import { peersSlice } from './peers';
import { rollbackSlice } from './rollback';
import { runSlice } from './run';
import { siteSlice } from './site';
import { startSlice } from './start';
import type { WizardState } from './state';

export type { Load } from './load';
export type { ScanState } from './discovery';
export type { WizardState } from './state';

export type WizardStore = StoreApi<WizardState>;

export function createWizardStore(client: Client): WizardStore {
  return createStore<WizardState>()((...api) => ({
    ...navSlice(...api),
    ...discoverySlice(client)(...api),
    ...credentialsSlice(client)(...api),
    ...siteSlice(...api),
    ...peersSlice(client)(...api),
    ...historySlice(client)(...api),
    ...runSlice(client)(...api),
    ...rollbackSlice(client)(...api),
    ...startSlice(...api),
  }));
}
