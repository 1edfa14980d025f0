/** All handlers, grouped by domain, bound to one front end's environment. */
import { detectLan } from '../../lan';
import type { Handlers } from '../dispatcher';
import { appHandlers } from './app';
import { discoverHandlers } from './discover';
import type { HandlerEnv } from './env';
import { historyHandlers, lazySigner, lazyStore } from './history';
import { pbxHandlers } from './pbx';
import { routerHandlers } from './router';
import { siteHandlers } from './site';

export type { HandlerEnv } from './env';

export function createHandlers(env: HandlerEnv): Handlers {
  const store = lazyStore(env);
  const signer = lazySigner(env);
  return {
    ...appHandlers(env, signer),
    ...historyHandlers(env, store, signer),
    ...routerHandlers(store),
    ...pbxHandlers(store),
    ...discoverHandlers(),
    ...siteHandlers(store),
    'lan.detect': async () => detectLan(),
  };
}
