import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_DIR_NAME = 'fspbx-nat-wizard';

/**
 * The one data folder of an installation: the desktop app, the CLI and browser
 * mode all keep their history, snapshots, signing key and log here (the CLI's
 * --data-dir overrides it for one command). FSPBX_NAT_DATA_DIR moves it for
 * all three. Chromium's own profile (cache, cookies) stays in Electron's
 * userData folder: it holds nothing of the wizard's.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (env.FSPBX_NAT_DATA_DIR) return env.FSPBX_NAT_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME);
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), APP_DIR_NAME);
}
