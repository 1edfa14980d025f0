import type { SecretBox } from '../../store/types';
import type { FrontEnd } from '../../../contract/types';

/** What handlers need from the front end that hosts them. */
export interface HandlerEnv {
  frontEnd: FrontEnd;
  appName: string;
  version: string;
  dataDir: string;
  runtime: { node: string; electron?: string; chrome?: string };
  /** Whether remembered passwords can be encrypted by the OS (Electron safeStorage). */
  secretStorage: () => { available: boolean; why: string };
  /** The OS keychain for remembered passwords; absent outside Electron. */
  secretBox?: SecretBox;
  /** The system's file dialog; absent outside Electron. Resolves undefined when cancelled. */
  chooseFile?: (purpose: 'export-bundle' | 'import-bundle', suggestedName?: string) => Promise<string | undefined>;
}
