/** What the PBX planner's parts add to as they go: changes, what is already right, warnings, errors. */
import type { AppError } from '../../../contract/errors';
import type { Warning } from '../../../contract/types';
import type { PbxChange } from '../model/change';
import type { Row } from '../model/state';

export type Draft = Omit<PbxChange, 'id'>;

/** Something already as the wizard wants it: shown as "already set". */
export interface Settled {
  path: string;
  item: string;
  value: string | null;
  message: string;
}

export interface Outcome {
  changes: Draft[];
  settled: Settled[];
  warnings: Warning[];
  errors: AppError[];
}

export function newOutcome(): Outcome {
  return { changes: [], settled: [], warnings: [], errors: [] };
}

/** A `set` of some columns of one row, with the row's current values as `before`. */
export function setColumns(
  path: PbxChange['path'],
  key: string,
  row: Row,
  after: Record<string, string | null>,
  reason: string,
  label?: string,
): Draft {
  const before: Record<string, string | null> = {};
  for (const column of Object.keys(after)) before[column] = row[column] ?? null;
  return { target: 'pbx', path, action: 'set', key, before, after, reason, ...(label ? { label } : {}) };
}
