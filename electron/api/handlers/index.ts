/** All handlers, grouped by domain, bound to one front end's environment. */
import { detectLan } from '../../lan';
import type { Handlers } from '../dispatcher';
import { appHandlers } from './app';
import { discoverHandlers } from './discover';
import type { HandlerEnv } from './env';
import { historyHandlers, lazyStore } from './history';
import { notAvailableYet } from './pending';
import { pbxHandlers } from './pbx';
import { routerHandlers } from './router';

export type { HandlerEnv } from './env';

export function createHandlers(env: HandlerEnv): Handlers {
  const store = lazyStore(env);
  return {
    ...appHandlers(env),
    ...historyHandlers(env, store),
    ...routerHandlers(store),
    ...pbxHandlers(store),
    ...discoverHandlers(),
    'lan.detect': async () => detectLan(),
    'site.plan': notAvailableYet('site.plan'),
    'site.apply': notAvailableYet('site.apply'),
    'site.verify': notAvailableYet('site.verify'),
    'site.confirm': notAvailableYet('site.confirm'),
    'rollback.plan': notAvailableYet('rollback.plan'),
    'rollback.apply': notAvailableYet('rollback.apply'),
  };
}
