/** Verify a run: read both boxes now and run the read-back checks; the result goes into the run record. */
import type { SiteInputs } from '../api/schemas';
import type { VerifyResult } from '../api/types';
import { pickWanAddress } from '../routeros/desired';
import { routerInputsFrom } from '../routeros/inputs';
import { readTopology } from '../routeros/topology';
import type { SitePlan } from './combine';
import type { Access, SiteDeps } from './run';
import { overall, pbxChecks, routerChecks, wanCheck } from './verify';

export async function verifySite(deps: SiteDeps, runId: string, access: Access): Promise<VerifyResult> {
  const run = deps.store.getRun(runId);
  const plan = run.plan as SitePlan;
  const inputs = { ...(run.inputs as SiteInputs), ...access };
  const router = await deps.openRouter(access.router);
  try {
    const pbx = await deps.openPbx(access.pbx);
    try {
      const [routerState, pbxState] = await Promise.all([router.read(), pbx.read()]);
      const routerInputs = routerInputsFrom(inputs, { address: inputs.pbx.host, rtp: pbxState.rtp });
      const wan = pickWanAddress(routerInputs, readTopology(routerState, inputs.pbx.host, inputs.options.publicIp));
      const publicIp = inputs.options.publicIp ?? wan?.address;
      const rtp = routerInputs.rtp ?? routerInputs.pbxRtp;
      const checks = [
        ...routerChecks(plan, routerState),
        ...(publicIp ? [wanCheck(publicIp), ...pbxChecks(pbxState, publicIp, rtp)] : []),
      ];
      const result: VerifyResult = { runId, checks, status: overall(checks) };
      const previous = (run.result ?? {}) as Record<string, unknown>;
      const status = run.status === 'applied' && result.status !== 'fail' ? 'verified' : run.status;
      deps.store.setRunStatus(runId, status, { result: { ...previous, verification: result } });
      return result;
    } finally {
      await pbx.close();
    }
  } finally {
    await router.close();
  }
}
