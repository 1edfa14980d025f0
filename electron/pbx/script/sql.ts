/**
 * The SQL script of a PBX plan or rollback: one transaction, every value and
 * name quoted by quote.ts. Each UPDATE also checks the row still holds the
 * values the plan saw, and aborts the whole transaction otherwise, so a plan
 * never overwrites a change made after it was reviewed. Pure.
 */
import { err, ok, type Result } from '../../../contract/errors';
import { keyColumn, type PbxChange } from '../model/change';
import { sqlIdentifier, sqlLiteral, sqlValue } from './quote';

const MARKER = 'fspbx-nat: row changed since the plan';

function collect(parts: Result<string>[]): Result<string[]> {
  const out: string[] = [];
  for (const part of parts) {
    if (!part.ok) return part;
    out.push(part.value);
  }
  return ok(out);
}

/** `-- text` on one line, whatever the text holds. */
function sqlComment(text: string): string {
  // eslint-disable-next-line no-control-regex
  return `-- ${text.replace(/[\u0000-\u001f\u007f]/g, ' ')}`;
}

/**
 * A statement that fails the transaction, with a readable message, unless
 * exactly one row was affected: casting the message to integer raises an
 * error that quotes it. The message includes count(*) so the planner cannot
 * fold it into a constant and raise it for every row.
 */
function expectOne(dml: string, changeId: string): Result<string> {
  const message = sqlLiteral(`${MARKER} (${changeId})`);
  if (!message.ok) return message;
  return ok(
    `WITH changed AS (${dml} RETURNING 1) SELECT CASE WHEN count(*) = 1 THEN 0 ELSE (${message.value} || ' [rows: ' || count(*) || ']')::integer END FROM changed;`,
  );
}

export function changeSql(change: PbxChange): Result<string> {
  const table = sqlIdentifier(change.path);
  const keyName = keyColumn(change.path);
  const key = sqlIdentifier(keyName);
  if (!table.ok) return table;
  if (!key.ok) return key;
  if (change.action === 'add') {
    const after = change.after ?? {};
    const columns = Object.keys(after);
    const names = collect(columns.map((c) => sqlIdentifier(c)));
    const values = collect(columns.map((c) => sqlValue(after[c] ?? null, `${change.path}.${c}`)));
    if (!names.ok) return names;
    if (!values.ok) return values;
    if (!(keyName in after)) {
      names.value.unshift(key.value);
      values.value.unshift('uuid_generate_v4()');
    }
    return ok(`INSERT INTO ${table.value} (${names.value.join(', ')}) VALUES (${values.value.join(', ')});`);
  }
  if (change.key === undefined)
    return err({ code: 'invalid_input', message: 'A database change does not say which row.' });
  const keyValue = sqlLiteral(change.key);
  if (!keyValue.ok) return keyValue;
  if (change.action === 'remove') {
    return expectOne(`DELETE FROM ${table.value} WHERE ${key.value} = ${keyValue.value}`, change.id);
  }
  const sets: string[] = [];
  const checks: string[] = [`${key.value} = ${keyValue.value}`];
  for (const [column, value] of Object.entries(change.after ?? {})) {
    const name = sqlIdentifier(column);
    const next = sqlValue(value, `${change.path}.${column}`);
    const prev = sqlValue(change.before?.[column] ?? null, `${change.path}.${column}`);
    if (!name.ok) return name;
    if (!next.ok) return next;
    if (!prev.ok) return prev;
    sets.push(`${name.value} = ${next.value}`);
    if (change.before && column in change.before) checks.push(`${name.value} IS NOT DISTINCT FROM ${prev.value}`);
  }
  if (sets.length === 0) return err({ code: 'invalid_input', message: 'A database change sets nothing.' });
  return expectOne(`UPDATE ${table.value} SET ${sets.join(', ')} WHERE ${checks.join(' AND ')}`, change.id);
}

/** The whole transaction; run with `psql -v ON_ERROR_STOP=1 -1` or as is (it has its own BEGIN/COMMIT). */
export function renderSql(changes: readonly PbxChange[], title: string): Result<string> {
  const lines = [sqlComment(title), 'SET standard_conforming_strings = on;', 'BEGIN;'];
  for (const change of changes) {
    const statement = changeSql(change);
    if (!statement.ok) return statement;
    lines.push(sqlComment(`${change.id}: ${change.reason}`), statement.value);
  }
  lines.push('COMMIT;', '');
  return ok(lines.join('\n'));
}

export { MARKER as ROW_CHANGED_MARKER };
