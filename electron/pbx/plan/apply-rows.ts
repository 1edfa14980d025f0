/**
 * Applies PBX Changes to a state value as the database would: for predicting
 * vars.xml and the restart rules, and for proving a second plan is empty. Pure.
 */
import { keyColumn, type PbxChange } from '../model/change';
import type { PbxState, Row } from '../model/state';

const TABLE_FIELD = { v_sip_profile_settings: 'settings', v_vars: 'vars', v_extensions: 'extensions' } as const;

export function applyPbxChanges(state: PbxState, changes: readonly PbxChange[]): PbxState {
  const next: PbxState = structuredClone(state);
  let inserted = 0;
  for (const change of changes) {
    const rows = next[TABLE_FIELD[change.path]] as Row[];
    const column = keyColumn(change.path);
    if (change.action === 'add') {
      inserted += 1;
      rows.push({ [column]: `00000000-0000-4000-8000-${String(inserted).padStart(12, '0')}`, ...change.after });
      continue;
    }
    const index = rows.findIndex((r) => r[column] === change.key);
    if (index < 0) continue;
    if (change.action === 'remove') rows.splice(index, 1);
    else rows[index] = { ...rows[index]!, ...change.after };
  }
  return next;
}
