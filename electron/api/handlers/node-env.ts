/** The handler environment for front ends that run on plain Node (CLI, browser mode). */
import { APP_NAME, APP_VERSION } from '../../app/version';
import type { FrontEnd } from '../../../contract/types';
import type { HandlerEnv } from './env';

export function nodeEnv(frontEnd: Exclude<FrontEnd, 'electron'>, dataDir: string): HandlerEnv {
  return {
    frontEnd,
    appName: APP_NAME,
    version: APP_VERSION,
    dataDir,
    runtime: { node: process.versions.node },
    secretStorage: () => ({
      available: false,
      why: 'Outside the desktop app there is no OS keychain to encrypt remembered passwords.',
    }),
  };
}
