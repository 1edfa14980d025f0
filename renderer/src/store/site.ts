/**
 * Who may reach the PBX and the options: what the technician types in steps
 * 4 and 5. Kept as typed (strings) so nothing is lost while it is half-done.
 */
import type { StateCreator } from 'zustand/vanilla';

export interface PeerRow {
  key: number;
  name: string;
  address: string;
}

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
  options: SiteOptionsForm;
  addPeer(role: 'trunks' | 'phones'): void;
  updatePeer(role: 'trunks' | 'phones', key: number, patch: Partial<Omit<PeerRow, 'key'>>): void;
  removePeer(role: 'trunks' | 'phones', key: number): void;
  setOptions(patch: Partial<SiteOptionsForm>): void;
}

let nextKey = 1;
const row = (): PeerRow => ({ key: nextKey++, name: '', address: '' });

export const siteSlice: StateCreator<SiteSlice, [], [], SiteSlice> = (set, get) => ({
  trunks: [row()],
  phones: [],
  options: { webGui: false, hairpin: false, mediaMode: 'proxy', revertMinutes: '5', allowAnySource: false },
  addPeer: (role) => set({ [role]: [...get()[role], row()] } as Pick<SiteSlice, typeof role>),
  updatePeer: (role, key, patch) =>
    set({ [role]: get()[role].map((p) => (p.key === key ? { ...p, ...patch } : p)) } as Pick<SiteSlice, typeof role>),
  removePeer: (role, key) => set({ [role]: get()[role].filter((p) => p.key !== key) } as Pick<SiteSlice, typeof role>),
  setOptions: (patch) => set({ options: { ...get().options, ...patch } }),
});
