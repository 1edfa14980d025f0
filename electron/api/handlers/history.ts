/** History and config bundles: the store, opened on first use and kept for the process. */
import { isAbsolute, resolve } from 'node:path';
import { exportBundle, importBundle } from '../../bundle';
import { runScripts } from '../../site/scripts';
import { openStore, type Store } from '../../store';
import type { Handler } from '../dispatcher';
import type { HandlerEnv } from './env';

export function lazyStore(env: HandlerEnv): () => Store {
  let store: Store | undefined;
  return () => (store ??= openStore(env.dataDir, env.secretBox ? { secretBox: env.secretBox } : {}));
}

const absolute = (path: string) => (isAbsolute(path) ? path : resolve(path));

export function historyHandlers(
  env: HandlerEnv,
  store: () => Store,
): {
  'history.list': Handler<'history.list'>;
  'bundle.export': Handler<'bundle.export'>;
  'bundle.import': Handler<'bundle.import'>;
} {
  return {
    'history.list': async (input) => store().listRuns(input.siteId ? { siteId: input.siteId } : {}),
    'bundle.export': async (input) => {
      const run = store().getRun(input.runId);
      const snapshot = run.snapshotId ? store().getSnapshot(run.snapshotId) : undefined;
      const site = store().getSite(run.siteId);
      return exportBundle(store(), input.runId, absolute(input.path), {
        app: { name: env.appName, version: env.version },
        scripts: runScripts(run, snapshot, `${site.name} (run ${run.runId})`),
      });
    },
    'bundle.import': async (input) => importBundle(store(), absolute(input.path)),
  };
}
