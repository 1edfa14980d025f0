/**
 * What the wizard manages on the PBX, defined once: the rows and the columns a
 * PBX plan can change, and the values it may write there. The planner's
 * settings (plan-profiles.ts, from the settings table WANTED_ON_INTERNAL), its
 * switch variables (plan-vars.ts NAT_VARS) and the extensions' media mode
 * (plan-extensions.ts). planPbx refuses a plan that leaves this table, and a
 * restore sends nothing else: whatever else a snapshot holds is context for
 * reading, never sent (issue 21). Pure.
 */
import { keyColumn, type PbxChange, type PbxTable } from '../model/change';
import { NAT_VARS } from './plan-vars';
import { WANTED_ON_INTERNAL } from '../model/profile-settings';
import type { PbxState, Row } from '../model/state';
import { unsafeVarsText } from './vars-xml';

/** The profile settings a plan can change: the ones the wizard wants on the internal profile. */
export const MANAGED_SETTINGS: readonly string[] = WANTED_ON_INTERNAL.map((w) => w.name);
export const MANAGED_VARS: readonly string[] = NAT_VARS;
const MEDIA_MODES = new Set(['bypass-media', 'bypass-media-after-bridge', 'proxy-media', '']);

interface TableRule {
  /** The columns a plan may set on a managed row. */
  columns: readonly string[];
  /** Whether the row is one the wizard manages. */
  row(row: Row, state: PbxState): boolean;
  /** Whether the wizard may write this value in this column. */
  value(column: string, value: string | null): boolean;
  /** The wizard may insert (and so a restore may re-insert) such rows. */
  insertable: boolean;
}

/** Printable, and nothing FreeSWITCH's XML or preprocessor would read another way. */
const plainText = (value: string | null): boolean =>
  value === null || (/^[\x20-\x7e]*$/.test(value) && !unsafeVarsText(value));
const flag = (value: string | null): boolean => value === 'true' || value === 'false';

export const MANAGED_PBX: Readonly<Record<PbxTable, TableRule>> = {
  v_sip_profile_settings: {
    columns: ['sip_profile_setting_value', 'sip_profile_setting_enabled'],
    row: (row, state) =>
      MANAGED_SETTINGS.includes(row.sip_profile_setting_name ?? '') &&
      state.profiles.some((p) => p.sip_profile_uuid === row.sip_profile_uuid && p.sip_profile_name === 'internal'),
    // A value goes to the database only (quoted), and these two settings decide NAT detection, not who gets in.
    value: (column, value) => (column === 'sip_profile_setting_enabled' ? flag(value) : true),
    insertable: true,
  },
  v_vars: {
    columns: ['var_value', 'var_enabled'],
    // Only `set` lines: a row asking vars.xml for another command (exec-set runs a shell command) is never the wizard's.
    row: (row) =>
      MANAGED_VARS.includes(row.var_name ?? '') &&
      (row.var_command === null || row.var_command === '' || row.var_command === 'set') &&
      row.var_category !== 'Exec-Set' &&
      plainText(row.var_category ?? null) &&
      plainText(row.var_hostname ?? null),
    value: (column, value) => (column === 'var_enabled' ? flag(value) : plainText(value)),
    insertable: true,
  },
  v_extensions: {
    columns: ['sip_bypass_media'],
    row: () => true,
    value: (_column, value) => value === null || MEDIA_MODES.has(value),
    // The reader holds only some v_extensions columns, and no plan inserts extensions.
    insertable: false,
  },
};

/** A row the wizard manages (and so may delete when it was not there before). */
export function isManagedRow(table: PbxTable, row: Row, state: PbxState): boolean {
  return MANAGED_PBX[table].row(row, state);
}

/** A whole row the wizard may insert: a managed row whose managed columns hold values it may write. */
export function mayInsertRow(table: PbxTable, row: Row, state: PbxState): boolean {
  const rule = MANAGED_PBX[table];
  return rule.insertable && rule.row(row, state) && rule.columns.every((c) => rule.value(c, row[c] ?? null));
}

/** Whether the wizard may set these columns of this row to these values. */
export function maySetColumns(table: PbxTable, row: Row, after: Row, state: PbxState): boolean {
  const rule = MANAGED_PBX[table];
  return (
    rule.row(row, state) &&
    Object.entries(after).every(([column, value]) => rule.columns.includes(column) && rule.value(column, value))
  );
}

/** Why a planned change is outside the table, or undefined when the wizard manages it. */
export function outsideManaged(change: PbxChange, state: PbxState): string | undefined {
  const table = change.path;
  const rows = (
    table === 'v_sip_profile_settings' ? state.settings : table === 'v_vars' ? state.vars : state.extensions
  ) as Row[];
  const key = keyColumn(table);
  if (change.action === 'add') {
    return change.after && mayInsertRow(table, change.after, state)
      ? undefined
      : `${table}: an insert the wizard does not make`;
  }
  const row = rows.find((r) => r[key] === change.key);
  if (!row) return `${table} ${change.key ?? '?'}: no such row`;
  if (change.action === 'remove')
    return isManagedRow(table, row, state) ? undefined : `${table}: a row the wizard does not manage`;
  return change.after && maySetColumns(table, row, change.after, state)
    ? undefined
    : `${table}: columns or values the wizard does not write`;
}
