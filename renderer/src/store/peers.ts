/**
 * Step 4 pre-filled from the PBX: after the PBX login, pbx.peers proposes
 * trunks (from its gateways, resolved by the PBX) and remote phones (from its
 * registrations). Proposals become rows of step 4 that the technician can
 * edit; only ticked ones are allowed. A failed read never blocks the step.
 */
import type { InputArg } from '../../../contract/operations';
import type { LanFacts, PeersProposal, ProposedPhone, ProposedTrunk } from '../../../contract/types';
import { rangeOf } from '../../../contract/ipv4';
import { peerAddressProblem } from '../../../contract/peer-address';
import type { Client } from '../api/client';
import { pbxTargetOf } from './credentials';
import { latest } from './latest';
import { idle, loading, settled, type Load } from './load';
import { allowedRows, type PeerOrigin, type PeerRow, type ProposedFrom } from './site';
import type { WizardSlice, WizardState } from './state';

export interface PeersSlice {
  /** What the PBX proposed for step 4, as last read. */
  peerProposal: Load<PeersProposal>;
  /** Reads the PBX's gateways and registrations and merges them into step 4's rows. */
  readPeers(): Promise<void>;
  /** Forgets the proposal and drops any read of it under way (another PBX login was typed). */
  forgetPeers(): void;
}

/**
 * The customer LAN as far as the wizard knows it: the laptop's subnet that
 * holds the PBX, else the laptop's likely LAN; undefined when neither is known
 * (the PBX then judges every registration by its address alone).
 */
export function siteLan(lan: Load<LanFacts>, pbxHost: string): string | undefined {
  if (lan.status !== 'done') return undefined;
  const pbx = rangeOf(pbxHost.trim());
  const holdsPbx = lan.value.interfaces.find((i) => {
    const subnet = rangeOf(i.subnet);
    return pbx && subnet && pbx[0] >= subnet[0] && pbx[1] <= subnet[1];
  });
  return (holdsPbx ?? lan.value.interfaces.find((i) => i.likelyLan))?.subnet;
}

/** The pbx.peers input from the state: the PBX login, the LAN, and what step 4 allows so far (when anything). */
export function peersInputOf(s: WizardState): InputArg<'pbx.peers'> {
  const lan = siteLan(s.lan, s.pbxForm.host);
  const allowed = [...allowedRows(s.trunks), ...allowedRows(s.phones)]
    .map((p) => p.address.trim().toLowerCase())
    .filter((a) => a !== '' && peerAddressProblem(a) === '');
  // With nothing allowed yet every registered gateway would be "outside the allowed list": say it only
  // once the technician has typed or ticked something it can be outside of.
  return {
    pbx: pbxTargetOf(s.pbxForm),
    ...(lan ? { lan } : {}),
    ...(allowed.length > 0 ? { allowed: [...new Set(allowed)] } : {}),
  };
}

/** A proposal of either kind, in the one shape step 4's rows are merged from. */
export interface Offer {
  id: string;
  name: string;
  address: string;
  selected: boolean;
  why: string;
  origin: PeerOrigin;
}

export const trunkOffers = (trunks: readonly ProposedTrunk[]): Offer[] =>
  trunks.map(({ id, name, address, selected, why, sources }) => ({
    id,
    name,
    address,
    selected,
    why,
    origin: { kind: 'trunk', sources },
  }));

export const phoneOffers = (phones: readonly ProposedPhone[]): Offer[] =>
  phones.map(({ id, name, address, selected, why, sources }) => ({
    id,
    name,
    address,
    selected,
    why,
    origin: { kind: 'phone', sources },
  }));

/**
 * Step 4's rows of one role with a new proposal merged in: proposals first,
 * then the typed rows. A proposal read before keeps its key, edits and tick;
 * one whose address is already typed is left out (it is allowed already); an
 * empty typed row goes once the PBX proposed something in its place; a
 * proposal the PBX no longer makes stays only if ticked, as a typed row.
 */
export function mergeProposals(
  rows: readonly PeerRow[],
  offers: readonly Offer[],
  nextKey: number,
): { rows: PeerRow[]; nextKey: number } {
  const before = new Map(rows.filter((r) => r.proposed).map((r) => [r.proposed!.id, r]));
  const typed = rows.filter((r) => !r.proposed);
  const typedAddresses = new Set(typed.map((r) => r.address.trim()));
  let key = nextKey;
  const proposed: PeerRow[] = [];
  for (const offer of offers) {
    if (typedAddresses.has(offer.address)) continue;
    const old = before.get(offer.id);
    before.delete(offer.id);
    const from = (ticked: boolean): ProposedFrom => ({
      id: offer.id,
      address: offer.address,
      ticked,
      why: offer.why,
      origin: offer.origin,
    });
    proposed.push(
      old
        ? { ...old, proposed: from(old.proposed!.ticked) }
        : { key: key++, name: offer.name, address: offer.address, proposed: from(offer.selected) },
    );
  }
  const kept = [...before.values()].filter((r) => r.proposed!.ticked).map(({ proposed: _gone, ...row }) => row);
  const notEmpty = typed.filter((r) => r.name.trim() !== '' || r.address.trim() !== '');
  return { rows: [...proposed, ...kept, ...(proposed.length > 0 ? notEmpty : typed)], nextKey: key };
}

export const peersSlice =
  (client: Client): WizardSlice<PeersSlice> =>
  (set, get) => {
    // A later read (another PBX, Read again) wins over an earlier one still under way.
    const peersRead = latest();
    return {
      peerProposal: idle,
      forgetPeers: () => {
        peersRead.supersede();
        set({ peerProposal: idle });
      },
      readPeers: async () => {
        const isNewest = peersRead.take();
        set({ peerProposal: loading });
        const result = await client.call('pbx.peers', peersInputOf(get()));
        if (!isNewest()) return;
        if (!result.ok) {
          set({ peerProposal: settled(result) });
          return;
        }
        const s = get();
        const trunks = mergeProposals(s.trunks, trunkOffers(result.value.trunks), s.nextPeerKey);
        const phones = mergeProposals(s.phones, phoneOffers(result.value.phones), trunks.nextKey);
        set({
          peerProposal: settled(result),
          trunks: trunks.rows,
          phones: phones.rows,
          nextPeerKey: phones.nextKey,
        });
      },
    };
  };
