/**
 * Step 4's rows checked where they are typed, in the row's own words ("SIP
 * trunk providers, row 2: …", counted from one as the screen shows them).
 * Errors stop Next; warnings say what the plan would do with a doubtful row.
 * Pure: the rows and the site's LAN in, sentences out.
 */
import { rangeOf } from '../../../contract/ipv4';
import { peerAddressProblem } from '../../../contract/peer-address';
import { allowedRows, type PeerRole, type PeerRow } from '../store/site';

export const ROLE_TITLE: Record<PeerRole, string> = {
  trunks: 'SIP trunk providers',
  phones: 'Remote phones',
};

export interface RowIssue {
  role: PeerRole;
  /** The row's key (PeerRow.key), for putting the sentence beside it. */
  key: number;
  message: string;
}

export interface PeerChecks {
  errors: RowIssue[];
  warnings: RowIssue[];
}

/** "SIP trunk providers, row 2": how the screen counts a row. */
export function rowName(role: PeerRole, index: number): string {
  return `${ROLE_TITLE[role]}, row ${index + 1}`;
}

const blank = (p: PeerRow) => p.name.trim() === '' && p.address.trim() === '';

export function checkPeers(rows: { trunks: readonly PeerRow[]; phones: readonly PeerRow[] }, lan?: string): PeerChecks {
  const errors: RowIssue[] = [];
  const warnings: RowIssue[] = [];
  const seen = new Map<string, string>();
  const lanRange = lan ? rangeOf(lan) : undefined;
  for (const role of ['trunks', 'phones'] as const) {
    const list = rows[role];
    list.forEach((p, index) => {
      // An empty row is left out of the plan; an unticked proposal is not allowed, so not checked.
      if (blank(p) || !allowedRows([p]).length) return;
      const where = rowName(role, index);
      // DNS compares names without case (RFC 4343): Sip.Example.com and sip.example.com are one entry.
      const address = p.address.trim().toLowerCase();
      const problem = peerAddressProblem(p.address);
      if (problem) {
        errors.push({ role, key: p.key, message: `${where}: ${problem}` });
        return;
      }
      if (p.name.trim() === '') {
        warnings.push({
          role,
          key: p.key,
          message: `${where}: no name; the router's comment will show only the address. Name it (the carrier, or whose phone it is).`,
        });
      }
      const earlier = seen.get(address);
      if (earlier) {
        warnings.push({
          role,
          key: p.key,
          message: `${where}: the same address as ${earlier} (${address}); it is let in once.`,
        });
      } else seen.set(address, where);
      const range = rangeOf(address);
      if (role === 'phones' && lanRange && range && range[0] >= lanRange[0] && range[1] <= lanRange[1]) {
        warnings.push({
          role,
          key: p.key,
          message: `${where}: ${address} is inside this site's LAN (${lan}); a phone there reaches the PBX without a forward. Remove it, or enter its public address.`,
        });
      }
    });
  }
  return { errors, warnings };
}
