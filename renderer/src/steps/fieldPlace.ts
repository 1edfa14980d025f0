/**
 * Where a plan's input error is fixed: the step and, for step 4, the row as the
 * screen counts it. The contract names a field by its dotted path in the
 * inputs sent ("trunks.1.address": the second row *sent*, counted from zero);
 * the technician knows "SIP trunk providers, row 3", counted among the rows
 * shown (empty and unticked ones are not sent). Pure.
 */
import type { AppError } from '../../../contract/errors';
import { allowedRows, type PeerRow } from '../store/site';
import { rowName } from './peerChecks';
import { stepRef, type StepId } from './steps';

export interface ErrorPlace {
  step: StepId;
  /** The error in the technician's words, ending with where to fix it: "… (step 4)". */
  message: string;
}

/** The rows siteInputsOf sends, in order: allowed and with an address. */
function sentRows(rows: readonly PeerRow[]): PeerRow[] {
  return allowedRows([...rows]).filter((p) => p.address.trim() !== '');
}

export function placeOfError(
  error: AppError,
  s: { trunks: readonly PeerRow[]; phones: readonly PeerRow[]; routerLoggedIn: boolean; pbxLoggedIn: boolean },
): ErrorPlace | undefined {
  const field = error.field;
  if (!field) return undefined;
  // The dispatcher appends the dotted path: the screen says where instead.
  const sentence = error.message.replace(` (${field})`, '');
  const [head, index] = field.split('.');
  if (head === 'router') {
    return s.routerLoggedIn
      ? { step: 'router', message: `${sentence} (${stepRef('router')})` }
      : { step: 'router', message: `Log in to the router first (${stepRef('router')}).` };
  }
  if (head === 'pbx') {
    return s.pbxLoggedIn
      ? { step: 'pbx', message: `${sentence} (${stepRef('pbx')})` }
      : { step: 'pbx', message: `Log in to the PBX first (${stepRef('pbx')}).` };
  }
  if (head === 'trunks' || head === 'phones') {
    const row = index === undefined ? undefined : sentRows(s[head])[Number(index)];
    const shown = row ? s[head].indexOf(row) : -1;
    const where = shown >= 0 ? `${rowName(head, shown)}: ` : '';
    return { step: 'peers', message: `${where}${sentence} (${stepRef('peers')})` };
  }
  if (head === 'options' || head === 'site') {
    return { step: 'options', message: `${sentence} (${stepRef('options')})` };
  }
  return undefined;
}
