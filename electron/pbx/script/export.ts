/** The PBX side of a config bundle: plan and rollback as SQL plus shell steps. Pure. */
import { err, ok, type Result } from '../../../contract/errors';
import { applyPbxChanges } from '../plan/apply-rows';
import { keyColumn } from '../model/change';
import type { PbxPlan } from '../plan/plan';
import { planPbxRestore } from '../restore/restore';
import { renderShell } from './shell';
import { renderSql } from './sql';
import type { PbxState } from '../model/state';

export interface PbxScripts {
  planSql: string;
  planShell: string;
  rollbackSql: string;
  rollbackShell: string;
}

export function pbxScripts(before: PbxState, plan: PbxPlan, label: string): Result<PbxScripts> {
  const unnamed = plan.changes.find((c) => c.action === 'add' && !(keyColumn(c.path) in (c.after ?? {})));
  if (unnamed) {
    return err({
      code: 'internal',
      message: 'The plan inserts a row without an id, so its rollback cannot name it; plan again with fresh ids.',
      detail: unnamed.id,
    });
  }
  const after = applyPbxChanges(before, plan.changes);
  const written = plan.steps.find((s) => s.kind === 'write-file');
  if (written?.kind === 'write-file') after.varsXml = written.content;
  const rollback = planPbxRestore(before, after);
  const planSql = renderSql(plan.changes, `fspbx-nat plan for ${label}`);
  if (!planSql.ok) return planSql;
  const rollbackSql = renderSql(rollback.changes, `fspbx-nat rollback for ${label}`);
  if (!rollbackSql.ok) return rollbackSql;
  const planShell = renderShell(plan.steps, { title: `fspbx-nat plan for ${label}`, sqlFile: 'pbx-plan.sql' });
  if (!planShell.ok) return planShell;
  const rollbackShell = renderShell(rollback.steps, {
    title: `fspbx-nat rollback for ${label}`,
    sqlFile: 'pbx-rollback.sql',
  });
  if (!rollbackShell.ok) return rollbackShell;
  return ok({
    planSql: planSql.value,
    rollbackSql: rollbackSql.value,
    planShell: planShell.value,
    rollbackShell: rollbackShell.value,
  });
}
