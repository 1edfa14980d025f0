/**
 * The scripts a bundle carries for a run: the router plan and its rollback as
 * RouterOS .rsc, the PBX plan and rollback as SQL and shell. Made from the
 * run's snapshot and plan; a side without a snapshot or plan has none.
 */
import type { ScriptFile } from '../bundle/content';
import { pbxScripts } from '../pbx/script/export';
import { routerScripts } from '../routeros/export';
import type { RunRecord, SnapshotRecord } from '../store';

export function runScripts(
  run: RunRecord,
  snapshot: SnapshotRecord | undefined,
  label: string,
): Partial<Record<ScriptFile, string>> {
  const plan = run.plan;
  const scripts: Partial<Record<ScriptFile, string>> = {};
  if (snapshot?.router && plan.router && plan.router.changes.length > 0) {
    const router = routerScripts(snapshot.router, plan.router, label);
    if (router.ok) {
      scripts['router/apply.rsc'] = router.value.plan;
      scripts['router/rollback.rsc'] = router.value.rollback;
    }
  }
  if (snapshot?.pbx && plan.pbx && (plan.pbx.changes.length > 0 || plan.pbx.steps.length > 0)) {
    const pbx = pbxScripts(snapshot.pbx, plan.pbx, label);
    if (pbx.ok) {
      scripts['pbx/apply.sql'] = pbx.value.planSql;
      scripts['pbx/rollback.sql'] = pbx.value.rollbackSql;
      scripts['pbx/apply-steps.sh'] = pbx.value.planShell;
      scripts['pbx/rollback-steps.sh'] = pbx.value.rollbackShell;
    }
  }
  return scripts;
}
