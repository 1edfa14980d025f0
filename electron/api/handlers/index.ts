/** All handlers, grouped by domain, bound to one front end's environment. */
import { detectLan } from '../../lan';
import type { Handlers } from '../dispatcher';
import { appHandlers } from './app';
import type { HandlerEnv } from './env';
import { notAvailableYet } from './pending';

export type { HandlerEnv } from './env';

export function createHandlers(env: HandlerEnv): Handlers {
  return {
    ...appHandlers(env),
    'lan.detect': async () => detectLan(),
    discover: notAvailableYet('discover'),
    'router.read': notAvailableYet('router.read'),
    'pbx.read': notAvailableYet('pbx.read'),
    'site.plan': notAvailableYet('site.plan'),
    'site.apply': notAvailableYet('site.apply'),
    'site.verify': notAvailableYet('site.verify'),
    'site.confirm': notAvailableYet('site.confirm'),
    'rollback.plan': notAvailableYet('rollback.plan'),
    'rollback.apply': notAvailableYet('rollback.apply'),
    'history.list': notAvailableYet('history.list'),
    'bundle.export': notAvailableYet('bundle.export'),
    'bundle.import': notAvailableYet('bundle.import'),
  };
}
