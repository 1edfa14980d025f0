/** History and config bundles: the store, opened on first use and kept for the process. */
import { isAbsolute, resolve } from 'node:path';
import { exportBundle, importBundle, installationSigner, type Signer } from '../../bundle';
import { siteDiagram } from '../../site/diagram';
import { runScripts } from '../../site/scripts';
import { openStore, type Store } from '../../store';
import type { RunSummary } from '../../../contract/types';
import type { Handler } from '../dispatcher';
import type { HandlerEnv } from './env';

export function lazyStore(env: HandlerEnv): () => Store {
  let store: Store | undefined;
  return () => (store ??= openStore(env.dataDir, env.secretBox ? { secretBox: env.secretBox } : {}));
}

const absolute = (path: string) => (isAbsolute(path) ? path : resolve(path));

/** This installation's bundle signing key, made on first use. */
export function lazySigner(env: HandlerEnv): () => Signer {
  let signer: Signer | undefined;
  return () => (signer ??= installationSigner(env.dataDir, env.secretBox));
}

/** The public IP a plan used: what the PBX was told, else what the router reported. */
/** Each run with its site's name, so a list of runs says which customer each was (the store adds the public IP). */
function withSiteNames(store: Store, runs: RunSummary[]): RunSummary[] {
  const sites = new Map(store.listSites().map((s) => [s.siteId, s]));
  return runs.map((run) => {
    const site = sites.get(run.siteId);
    if (!site) return run;
    return {
      ...run,
      siteName: site.name,
      ...(site.routerIdentity ? { routerIdentity: site.routerIdentity } : {}),
      ...(site.ticket ? { siteTicket: site.ticket } : {}),
    };
  });
}

export function historyHandlers(
  env: HandlerEnv,
  store: () => Store,
  signer: () => Signer = lazySigner(env),
): {
  'history.list': Handler<'history.list'>;
  'bundle.export': Handler<'bundle.export'>;
  'bundle.import': Handler<'bundle.import'>;
  'trust.list': Handler<'trust.list'>;
  'trust.add': Handler<'trust.add'>;
  'trust.remove': Handler<'trust.remove'>;
} {
  return {
    'history.list': async (input) =>
      withSiteNames(store(), store().listRuns(input.siteId ? { siteId: input.siteId } : {})),
    'bundle.export': async (input) => {
      const run = store().getRun(input.runId);
      const snapshot = run.snapshotId ? store().getSnapshot(run.snapshotId) : undefined;
      const site = store().getSite(run.siteId);
      const diagram = siteDiagram(run, site);
      return exportBundle(store(), input.runId, absolute(input.path), {
        app: { name: env.appName, version: env.version },
        scripts: runScripts(run, snapshot, `${site.name} (run ${run.runId})`),
        signer: signer(),
        ...(diagram ? { diagram } : {}),
      });
    },
    'bundle.import': async (input) => importBundle(store(), absolute(input.path), signer()),
    'trust.list': async () => store().listTrusted(),
    'trust.add': async (input) => store().trustSigner(input),
    'trust.remove': async (input) => ({ removed: store().untrustSigner(input.key) }),
  };
}
