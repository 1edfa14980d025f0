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
      why: 'No password is ever remembered. Outside the desktop app there is no OS keychain: a signing key this front end makes is a plain file only you can read (0600).',
    }),
  };
}
