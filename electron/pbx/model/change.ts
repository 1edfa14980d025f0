/** PBX Changes: the shared Change shape, on a database table, with the row's primary key. */
import type { Change } from '../../../contract/types';

export const PBX_TABLES = {
  v_sip_profile_settings: 'sip_profile_setting_uuid',
  v_vars: 'var_uuid',
  v_extensions: 'extension_uuid',
} as const;

export type PbxTable = keyof typeof PBX_TABLES;

export interface PbxChange extends Change {
  target: 'pbx';
  path: PbxTable;
  /** The row a set or remove acts on (the table's uuid primary key). */
  key?: string;
}

export function keyColumn(table: PbxTable): string {
  return PBX_TABLES[table];
}

export function numberPbxChanges(changes: Omit<PbxChange, 'id'>[], prefix: string): PbxChange[] {
  return changes.map((c, i) => ({ ...c, id: `${prefix}-${String(i + 1).padStart(3, '0')}` }));
}

/**
 * The ids of the rows a plan inserts, in plan order: minted once when the plan
 * is made and stored with it, so that planning the same state again (as apply
 * does, to check nothing moved) gives the same plan.
 */
export function insertedRowIds(changes: readonly PbxChange[]): string[] {
  return changes.flatMap((c) => {
    if (c.action !== 'add' || c.target !== 'pbx') return [];
    const id = (c.after as Record<string, unknown> | null | undefined)?.[keyColumn(c.path as PbxTable)];
    return typeof id === 'string' ? [id] : [];
  });
}
