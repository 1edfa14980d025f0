import type { SecretBox } from '../../store/types';
import type { FrontEnd } from '../../../contract/types';

/** What handlers need from the front end that hosts them. */
export interface HandlerEnv {
  frontEnd: FrontEnd;
  appName: string;
  version: string;
  dataDir: string;
  runtime: { node: string; electron?: string; chrome?: string };
  /** What the OS keychain protects here (no password is ever remembered; the signing key is, where there is one). */
  secretStorage: () => { available: boolean; why: string };
  /** The OS keychain (Electron safeStorage), which encrypts the bundle signing key; absent outside Electron. */
  secretBox?: SecretBox;
  /** The system's file dialog; absent outside Electron. Resolves undefined when cancelled. */
  chooseFile?: (purpose: 'export-bundle' | 'import-bundle', suggestedName?: string) => Promise<string | undefined>;
}
