import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_DIR_NAME = 'fspbx-nat-wizard';

/** Where the CLI and browser mode keep data when --data-dir is not given; Electron uses its userData folder. */
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
