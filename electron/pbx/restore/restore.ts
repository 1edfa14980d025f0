/**
 * The PBX restore planner: from a snapshot and the state read now, what the
 * wizard manages (managed.ts) put back: managed rows it inserted deleted,
 * managed columns set back to the snapshot's values, managed rows deleted since
 * re-inserted with their original id; vars.xml written back as restore-vars-xml.ts
 * allows; rescan or restart chosen by the rollback-trap rules so the running
 * state matches again. Everything else the snapshot holds that differs from
 * the PBX is listed as flags, never sent: a snapshot can come from a bundle,
 * and it is the PBX's word that counts outside what the wizard itself changes.
 * Pure; a second run plans nothing.
 */
import { Failure } from '../../../contract/errors';
import type { RollbackFlag, Warning } from '../../../contract/types';
import { applyPbxChanges } from '../plan/apply-rows';
import { keyColumn, numberPbxChanges, type PbxChange, type PbxTable } from '../model/change';
import { isManagedRow, MANAGED_PBX, mayInsertRow, maySetColumns } from '../plan/managed';
import type { PbxPlan } from '../plan/plan';
import { ADDED_SINCE, restoreFlag } from './restore-flags';
import { restoredVarsXml } from './restore-vars-xml';
import type { PbxState, Row } from '../model/state';
import { stepsFor } from '../plan/steps';

type Draft = Omit<PbxChange, 'id'>;

const TABLES: readonly { table: PbxTable; field: 'settings' | 'vars' | 'extensions' }[] = [
  { table: 'v_sip_profile_settings', field: 'settings' },
  { table: 'v_vars', field: 'vars' },
  { table: 'v_extensions', field: 'extensions' },
];

function describe(table: PbxTable, row: Row): string {
  const name = row.sip_profile_setting_name ?? row.var_name ?? row.extension ?? '?';
  return `${table} ${name}`;
}

const RUNNING_KEYS = ['ext-rtp-ip', 'ext-sip-ip', 'aggressive-nat'];

export function planPbxRestore(snapshot: PbxState, current: PbxState): PbxPlan {
  const drafts: Draft[] = [];
  const warnings: Warning[] = [];
  const flags: RollbackFlag[] = [];
  for (const { table, field } of TABLES) {
    const column = keyColumn(table);
    const before = snapshot[field] as Row[];
    const now = current[field] as Row[];
    const nowByKey = new Map(now.map((r) => [r[column], r]));
    const snapKeys = new Set(before.map((r) => r[column]));
    for (const row of now) {
      if (snapKeys.has(row[column])) continue;
      if (table === 'v_extensions') continue;
      if (!isManagedRow(table, row, current)) {
        // Not the wizard's to delete, whatever it is: said, and flagged when it matters.
        warnings.push({
          code: 'foreign-row-kept',
          target: 'pbx',
          message: `${describe(table, row)} was added after the snapshot; the wizard does not manage it, so it is left in place.`,
        });
        // The wizard cannot tell an injected row from the administrator's own, so it never deletes one it does
        // not manage (rule 1); one that runs a command or opens the PBX is said first, with what to do.
        const flag = restoreFlag(table, row, row, ADDED_SINCE, false);
        if (flag.serious) flags.push(flag);
        continue;
      }
      drafts.push({
        target: 'pbx',
        path: table,
        action: 'remove',
        key: row[column]!,
        before: { ...row },
        after: null,
        reason: 'This row did not exist in the snapshot.',
      });
    }
    for (const row of before) {
      const live = nowByKey.get(row[column]);
      if (!live) {
        if (mayInsertRow(table, row, current)) {
          drafts.push({
            target: 'pbx',
            path: table,
            action: 'add',
            before: null,
            after: { ...row },
            reason: 'Puts back a row that was removed since the snapshot, with its original id and values.',
          });
        } else {
          flags.push(restoreFlag(table, row, row, 'a row the PBX does not have now', false));
        }
        continue;
      }
      const was: Record<string, string | null> = {};
      const back: Record<string, string | null> = {};
      const other: Record<string, string | null> = {};
      for (const [key, value] of Object.entries(row)) {
        if (key === column || live[key] === value) continue;
        if (MANAGED_PBX[table].columns.includes(key)) {
          was[key] = live[key] ?? null;
          back[key] = value;
        } else other[key] = value;
      }
      const managed = Object.keys(back).length > 0 && maySetColumns(table, live, back, current);
      if (!managed) Object.assign(other, back);
      if (Object.keys(other).length > 0) flags.push(restoreFlag(table, row, other, undefined, false));
      if (!managed) continue;
      drafts.push({
        target: 'pbx',
        path: table,
        action: 'set',
        key: row[column]!,
        before: was,
        after: back,
        reason: `Puts ${describe(table, row)} back as it was in the snapshot.`,
      });
    }
  }

  const changes = numberPbxChanges(drafts, 'pbx-restore');
  const after = applyPbxChanges(current, changes);
  const vars = restoredVarsXml(snapshot, current, after);
  if (!vars.ok) throw new Failure(vars.error);
  const varsXml = vars.value.xml;
  const stale = (current.running ?? [])
    .filter((live) => {
      const then = snapshot.running?.find((r) => r.name === live.name);
      return then !== undefined && RUNNING_KEYS.some((k) => then.info[k] !== live.info[k]);
    })
    .map((r) => r.name);
  const stepPlan = stepsFor({
    before: current,
    after,
    changes,
    varsXml,
    staleProfiles: stale,
    rewriteVars: current.varsXml !== null && current.varsXml !== varsXml,
  });
  const allFlags = [...flags, ...vars.value.flags];
  return {
    changes,
    warnings: [...warnings, ...vars.value.warnings, ...stepPlan.warnings],
    facts: { 'pbx.switchname': current.switchname },
    settled: [],
    review: [],
    steps: stepPlan.steps,
    profileActions: stepPlan.profileActions,
    ...(allFlags.length > 0 ? { flags: allFlags } : {}),
  };
}
