/**
 * The wizard's whole state, and the type every slice is written against
 * (zustand's slices pattern): a slice may read and set any part of the state,
 * and the compiler checks it against the whole.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { CredentialsSlice } from './credentials';
import type { DiscoverySlice } from './discovery';
import type { HistorySlice } from './history';
import type { NavSlice } from './nav';
import type { PeersSlice } from './peers';
import type { RollbackSlice } from './rollback';
import type { RunSlice } from './run';
import type { SiteSlice } from './site';
import type { StartSlice } from './start';

export type WizardState = NavSlice &
  DiscoverySlice &
  CredentialsSlice &
  SiteSlice &
  PeersSlice &
  HistorySlice &
  RunSlice &
  RollbackSlice &
  StartSlice;

export type WizardSlice<T> = StateCreator<WizardState, [], [], T>;
