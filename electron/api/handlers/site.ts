/**
 * Plan, apply, verify, confirm and roll back a site. Logins are never stored:
 * the ones given to site.plan stay in this process for the runs it made, and
 * another process (the CLI) passes them again.
 */
import { redactDeep } from '../../../contract/secrets';
import type { SiteRun, Store } from '../../store';
import { verifySite } from '../../site/verify';
import { readRevertState } from '../../site/revert-state';
import {
  applyRollback,
  applySite,
  confirmSite,
  planRollback,
  planSite,
  type Access,
  type RollbackAccess,
  type SiteDeps,
} from '../../site/run';
import { siteDeps } from '../../site/boxes';
import type { Handler } from '../dispatcher';
import { fail } from '../../../contract/errors';

type SiteOps =
  'site.plan' | 'site.apply' | 'site.verify' | 'site.confirm' | 'site.revertState' | 'rollback.plan' | 'rollback.apply';

const unknownLogins = (): never =>
  fail(
    'invalid_input',
    'The router and PBX logins for this run are not known in this window: give them again (CLI: --site site.json).',
  );

export function siteHandlers(store: () => Store): { [K in SiteOps]: Handler<K> } {
  const logins = new Map<string, RollbackAccess>();
  // A certificate or host key accepted earlier (router.read / pbx.read) pins these connections too.
  const deps = (): SiteDeps => siteDeps(store());
  const accessFor = (runId: string, given: Access | undefined): Access => {
    const known = rollbackAccessFor(runId, given);
    return known.router ? { router: known.router, pbx: known.pbx } : unknownLogins();
  };
  /** A rollback of the PBX alone may come with the PBX login only: the router is not read. */
  const rollbackAccessFor = (runId: string, given: RollbackAccess | undefined): RollbackAccess =>
    given ?? logins.get(runId) ?? unknownLogins();
  /**
   * The run, read and parsed once (store/visit.ts) and passed on: an unknown run is named before
   * anything else, and an imported one is refused here before any login (and again by the store).
   */
  const local = (runId: string): SiteRun => {
    const run = store().getRun(runId);
    if (run.imported) {
      fail(
        'invalid_input',
        'This run was imported from a bundle: it is history to read, and nothing in it is ever applied. Plan again on this laptop.',
      );
    }
    return run;
  };
  const remember = (runId: string, access: RollbackAccess) => {
    logins.set(runId, access.router ? { router: access.router, pbx: access.pbx } : { pbx: access.pbx });
  };

  return {
    'site.plan': async (inputs) => {
      const planned = await planSite(deps(), inputs);
      remember(planned.runId, inputs);
      // Shown and printed (plan --json): no PBX secret goes out, ldap_bind_pw or a 3-digit PIN alike.
      return redactDeep(planned);
    },
    'site.apply': async (input, { progress }) => {
      const run = local(input.runId);
      const access = accessFor(run.runId, input.access);
      remember(run.runId, access);
      return applySite(deps(), run, access, progress);
    },
    'site.verify': async (input) => {
      const run = local(input.runId);
      return verifySite(deps(), run, accessFor(run.runId, input.access), input.watchSeconds);
    },
    'site.confirm': async (input) => {
      const run = local(input.runId);
      return confirmSite(deps(), run, accessFor(run.runId, input.access));
    },
    'site.revertState': async (input) => {
      const run = local(input.runId);
      return readRevertState(deps(), run, accessFor(run.runId, input.access));
    },
    'rollback.plan': async (input) => {
      // An unknown snapshot is named before anything else.
      const snapshot = store().getSnapshot(input.snapshotId);
      const access = rollbackAccessFor(snapshot.runId, input.access);
      const planned = await planRollback(deps(), input.snapshotId, input.sides, access, input.acceptOtherBox);
      remember(planned.runId, access);
      return redactDeep(planned);
    },
    'rollback.apply': async (input, { progress }) => {
      const run = local(input.runId);
      return applyRollback(deps(), run, rollbackAccessFor(run.runId, input.access), progress);
    },
  };
}
