/**
 * The PBX restore planner: from a snapshot and the state read now, the exact
 * previous rows (every column, NULL apart from ''), rows the wizard inserted
 * deleted, vars.xml written back byte for byte, and rescan or restart chosen
 * by the rollback-trap rules so the running state matches again. Pure; a
 * second run plans nothing.
 */
import type { Warning } from '../../contract/types';
import { applyPbxChanges } from './apply-rows';
import { keyColumn, numberPbxChanges, type PbxChange, type PbxTable } from './change';
import type { PbxPlan } from './plan';
import type { PbxState, Row } from './state';
import { stepsFor } from './steps';
import { renderVarsXml } from './vars-xml';

type Draft = Omit<PbxChange, 'id'>;

const TABLES: readonly { table: PbxTable; field: 'settings' | 'vars' | 'extensions'; insertable: boolean }[] = [
  { table: 'v_sip_profile_settings', field: 'settings', insertable: true },
  { table: 'v_vars', field: 'vars', insertable: true },
  // The reader holds only some v_extensions columns: an extension deleted since cannot be re-created from them.
  { table: 'v_extensions', field: 'extensions', insertable: false },
];

/** Rows the wizard itself may insert; other rows added since the snapshot are someone else's. */
function wizardMayInsert(table: PbxTable, row: Row): boolean {
  if (table === 'v_sip_profile_settings') {
    return (
      row.sip_profile_setting_name === 'aggressive-nat-detection' || row.sip_profile_setting_name === 'apply-nat-acl'
    );
  }
  if (table === 'v_vars') return row.var_name === 'external_rtp_ip' || row.var_name === 'external_sip_ip';
  return false;
}

function describe(table: PbxTable, row: Row): string {
  const name = row.sip_profile_setting_name ?? row.var_name ?? row.extension ?? '?';
  return `${table} ${name}`;
}

const RUNNING_KEYS = ['ext-rtp-ip', 'ext-sip-ip', 'aggressive-nat'];

export interface PbxRestoreOptions {
  /** Also delete rows someone else inserted after the snapshot (default: keep them and warn). */
  exact?: boolean;
}

export function planPbxRestore(snapshot: PbxState, current: PbxState, options: PbxRestoreOptions = {}): PbxPlan {
  const drafts: Draft[] = [];
  const warnings: Warning[] = [];
  for (const { table, field, insertable } of TABLES) {
    const column = keyColumn(table);
    const before = snapshot[field] as Row[];
    const now = current[field] as Row[];
    const nowByKey = new Map(now.map((r) => [r[column], r]));
    const snapKeys = new Set(before.map((r) => r[column]));
    for (const row of now) {
      if (snapKeys.has(row[column])) continue;
      if (table === 'v_extensions') continue;
      if (!wizardMayInsert(table, row) && !options.exact) {
        warnings.push({
          code: 'foreign-row-kept',
          target: 'pbx',
          message: `${describe(table, row)} was added after the snapshot by someone else; it is left in place.`,
        });
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
        if (!insertable) {
          warnings.push({
            code: 'row-gone',
            target: 'pbx',
            message: `${describe(table, row)} was deleted since the snapshot and is not re-created.`,
          });
          continue;
        }
        drafts.push({
          target: 'pbx',
          path: table,
          action: 'add',
          before: null,
          after: { ...row },
          reason: 'Puts back a row that was removed since the snapshot, with its original id and values.',
        });
        continue;
      }
      const was: Record<string, string | null> = {};
      const back: Record<string, string | null> = {};
      for (const [key, value] of Object.entries(row)) {
        if (key === column || live[key] === value) continue;
        was[key] = live[key] ?? null;
        back[key] = value;
      }
      if (Object.keys(back).length === 0) continue;
      drafts.push({
        target: 'pbx',
        path: table,
        action: 'set',
        key: row[column]!,
        before: was,
        after: back,
        reason: `Puts ${describe(table, row)} back exactly as it was in the snapshot.`,
      });
    }
  }

  const changes = numberPbxChanges(drafts, 'pbx-restore');
  const after = applyPbxChanges(current, changes);
  const varsXml = snapshot.varsXml ?? renderVarsXml(snapshot.vars, snapshot.switchname);
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
  return {
    changes,
    warnings: [...warnings, ...stepPlan.warnings],
    facts: { 'pbx.switchname': current.switchname },
    settled: [],
    review: [],
    steps: stepPlan.steps,
    profileActions: stepPlan.profileActions,
  };
}
