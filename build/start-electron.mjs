// `npm start`: launch the built app in Electron. The binary is not fetched by
// `npm ci` (package.json "allowScripts" denies it), so fetch it here on first
// use; offline, explain the two ways forward instead of printing a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));

function electronPath() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function offlineMessage(version) {
  return [
    '',
    'FS PBX NAT Wizard: the Electron runtime is not installed, and it could not be downloaded.',
    '',
    'Either:',
    `  - On a machine with internet: run  npm run electron:install  (fetches Electron ${version}), then  npm start`,
    '  - Offline, with an Electron build at hand (a folder holding the electron executable):',
    '        ELECTRON_OVERRIDE_DIST_PATH=/path/to/electron-folder npm start',
    '  - Or use browser mode, which needs no Electron:',
    '        npm run browser        (then open the address it prints)',
    '',
  ].join('\n');
}

let binary = electronPath();
if (!binary && !process.env.ELECTRON_OVERRIDE_DIST_PATH && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log('Fetching the Electron runtime (first start only)…');
  const fetched = spawnSync(process.execPath, [require.resolve('electron/install.js')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 5 * 60_000,
  });
  if (fetched.status === 0) binary = electronPath();
}

if (!binary) {
  const { version } = require('electron/package.json');
  console.error(offlineMessage(version));
  process.exit(1);
}

const child = spawn(binary, [root], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
