/** The router and PBX engines behind the site run's two interfaces. */
import { Failure } from '../../contract/errors';
import type { PbxTarget, RouterTarget } from '../../contract/schemas';
import { applyPbxPlan } from '../pbx/apply';
import { readPbxState } from '../pbx/reader';
import { openSsh } from '../pbx/ssh';
import { connectRouter, type RouterConnection } from '../routeros/connection';
import { applyRouterPlan, confirmRouterApply } from '../routeros/engine';
import { readRouterState } from '../routeros/reader';
import type { ApplyHooks, PbxSide, RouterSide } from './engines';

async function exportText(conn: RouterConnection): Promise<string> {
  const rows = await conn.command('/export', [], 60_000).catch(() => []);
  return rows.map((r) => r.ret ?? '').join('\n');
}

export async function openRouterSide(target: RouterTarget): Promise<RouterSide> {
  const conn = await connectRouter(target);
  return {
    read: () => readRouterState(conn),
    exportText: () => exportText(conn),
    async apply(before, plan, revertMinutes, hooks: ApplyHooks) {
      hooks.before(plan.changes.map((c) => c.id));
      const started = Date.now();
      const result = await applyRouterPlan(conn, before, plan, {
        revertMinutes,
        onProgress: (p) => {
          if (p.status === 'applied') hooks.after(p.changeId, true);
          else if (p.status === 'failed' || p.status === 'unknown') hooks.after(p.changeId, false, p.status);
        },
      });
      if (!result.ok) throw new Failure(result.error);
      if (result.record.failed) throw new Failure(result.record.failed.error);
      // The router counts in its own clock; the laptop shows the same moment in its own.
      return typeof revertMinutes === 'number' && result.revertAt
        ? { revertAt: new Date(started + revertMinutes * 60_000).toISOString() }
        : {};
    },
    confirm: async () => (await confirmRouterApply(conn)).confirmed,
    close: () => conn.close(),
  };
}

export async function openPbxSide(target: PbxTarget): Promise<PbxSide> {
  const ssh = await openSsh(target);
  return {
    read: () => readPbxState(ssh),
    async apply(plan, hooks: ApplyHooks) {
      const stepId = (index: number) => `pbx-step-${index}`;
      hooks.before([...plan.changes.map((c) => c.id), ...plan.steps.map((_, i) => stepId(i + 1))]);
      const record = await applyPbxPlan(ssh, plan);
      const database = record.steps[0];
      for (const change of plan.changes) {
        hooks.after(change.id, database?.status === 'done', database?.status === 'done' ? undefined : record.database);
      }
      for (const step of record.steps.slice(1)) {
        if (step.status !== 'not-run') hooks.after(stepId(step.index), step.status === 'done', step.error?.message);
      }
      if (!record.complete) {
        throw new Failure(
          record.error ?? { code: 'io_failed', message: 'The PBX did not finish every step; see the journal.' },
        );
      }
    },
    close: async () => ssh.close(),
  };
}
