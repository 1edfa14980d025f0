/**
 * Operations whose engines have not landed yet answer one clear error value,
 * so every front end can already show the step and its validation.
 */
import { fail } from '../errors';
import type { OpName } from '../contract';
import type { Handler } from '../dispatcher';

const WHAT: Record<string, string> = {
  discover: 'Scanning for the router and the PBX',
  'router.read': 'Reading the router',
  'pbx.read': 'Reading the PBX',
  'site.plan': 'Planning the changes',
  'site.apply': 'Applying a plan',
  'site.verify': 'Verifying a site',
  'site.confirm': 'Confirming a change',
  'rollback.plan': 'Planning a rollback',
  'rollback.apply': 'Applying a rollback',
  'history.list': 'Site history',
  'bundle.export': 'Exporting a config bundle',
  'bundle.import': 'Importing a config bundle',
};

export function notAvailableYet<K extends OpName>(op: K): Handler<K> {
  return async () =>
    fail(
      'not_available_yet',
      `${WHAT[op] ?? op} is not available in this version of the wizard yet.`,
      `operation ${op} has no engine in this build`,
    );
}
