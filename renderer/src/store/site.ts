/**
 * Who may reach the PBX and the options: what the technician types in the
 * Peers and Options steps. Kept as typed (strings) so nothing is lost while it
 * is half-done.
 */
import type { RegistrationSource, TrunkSource } from '../../../contract/types';
import type { WizardSlice } from './state';

/** What on the PBX led to a proposed row: gateway settings, or registrations. */
export type PeerOrigin = { kind: 'trunk'; sources: TrunkSource[] } | { kind: 'phone'; sources: RegistrationSource[] };

/** A row the PBX proposed (pbx.peers): where it came from, and whether the technician lets it in. */
export interface ProposedFrom {
  /** The proposal's id, stable across reads of the same PBX. */
  id: string;
  /** The address the PBX gave, before any edit. */
  address: string;
  ticked: boolean;
  why: string;
  origin: PeerOrigin;
}

export interface PeerRow {
  /** Stable across edits and removals, for React's list keys and the field ids. */
  key: number;
  name: string;
  address: string;
  /** Set on rows read from the PBX: such a row is allowed only while ticked. Typed rows always are. */
  proposed?: ProposedFrom;
}

/** The rows that will be allowed: every typed row, and the proposed ones the technician ticked. */
export function allowedRows(rows: readonly PeerRow[]): PeerRow[] {
  return rows.filter((p) => !p.proposed || p.proposed.ticked);
}

export type PeerRole = 'trunks' | 'phones';

export type MediaMode = 'proxy' | 'default' | 'leave';

export interface SiteOptionsForm {
  webGui: boolean;
  hairpin: boolean;
  mediaMode: MediaMode;
  revertMinutes: string;
  allowAnySource: boolean;
  /**
   * The site's public address, when the router's WAN address is not it (a modem in front of the
   * router, a static range routed to it): blank = the router's WAN address.
   */
  publicIp: string;
  /** The customer or site as the technician names it, and a ticket or reference: kept with the site once given. */
  customer: string;
  ticket: string;
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
  /** Ticks or unticks a row the PBX proposed. */
  tickPeer(role: PeerRole, key: number, ticked: boolean): void;
  setOptions(patch: Partial<SiteOptionsForm>): void;
}

const rowsOf = (role: PeerRole, rows: PeerRow[]): Pick<SiteSlice, 'trunks'> | Pick<SiteSlice, 'phones'> =>
  role === 'trunks' ? { trunks: rows } : { phones: rows };

export const siteSlice: WizardSlice<SiteSlice> = (set, get) => ({
  // One empty trunk row to start with: nearly every site has a carrier.
  trunks: [{ key: 1, name: '', address: '' }],
  phones: [],
  nextPeerKey: 2,
  options: {
    webGui: false,
    hairpin: false,
    mediaMode: 'proxy',
    revertMinutes: '5',
    allowAnySource: false,
    publicIp: '',
    customer: '',
    ticket: '',
  },
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
  tickPeer: (role, key, ticked) =>
    set(
      rowsOf(
        role,
        get()[role].map((p) => (p.key === key && p.proposed ? { ...p, proposed: { ...p.proposed, ticked } } : p)),
      ),
    ),
  setOptions: (patch) => set({ options: { ...get().options, ...patch } }),
});
