/**
 * Who may reach the PBX and the options: what the technician types in the
 * Peers and Options steps. Kept as typed (strings) so nothing is lost while it
 * is half-done.
 */
import type { WizardSlice } from './state';

export interface PeerRow {
  /** Stable across edits and removals, for React's list keys and the field ids. */
  key: number;
  name: string;
  address: string;
}

export type PeerRole = 'trunks' | 'phones';

export type MediaMode = 'proxy' | 'default' | 'leave';

export interface SiteOptionsForm {
  webGui: boolean;
  hairpin: boolean;
  mediaMode: MediaMode;
  revertMinutes: string;
  allowAnySource: boolean;
}

export interface SiteSlice {
  trunks: PeerRow[];
  phones: PeerRow[];
  /** The key the next added row gets: kept in the state, so two stores never share a counter. */
  nextPeerKey: number;
  options: SiteOptionsForm;
  addPeer(role: PeerRole): void;
  updatePeer(role: PeerRole, key: number, patch: Partial<Omit<PeerRow, 'key'>>): void;
  removePeer(role: PeerRole, key: number): void;
  setOptions(patch: Partial<SiteOptionsForm>): void;
}

const rowsOf = (role: PeerRole, rows: PeerRow[]): Pick<SiteSlice, 'trunks'> | Pick<SiteSlice, 'phones'> =>
  role === 'trunks' ? { trunks: rows } : { phones: rows };

export const siteSlice: WizardSlice<SiteSlice> = (set, get) => ({
  // One empty trunk row to start with: nearly every site has a carrier.
  trunks: [{ key: 1, name: '', address: '' }],
  phones: [],
  nextPeerKey: 2,
  options: { webGui: false, hairpin: false, mediaMode: 'proxy', revertMinutes: '5', allowAnySource: false },
  addPeer: (role) => {
    const key = get().nextPeerKey;
    set({ ...rowsOf(role, [...get()[role], { key, name: '', address: '' }]), nextPeerKey: key + 1 });
  },
  updatePeer: (role, key, patch) =>
    set(
      rowsOf(
        role,
        get()[role].map((p) => (p.key === key ? { ...p, ...patch } : p)),
      ),
    ),
  removePeer: (role, key) =>
    set(
      rowsOf(
        role,
        get()[role].filter((p) => p.key !== key),
      ),
    ),
  setOptions: (patch) => set({ options: { ...get().options, ...patch } }),
});
