// `npm start`: launch the built app in Electron. The binary is not fetched by
// `npm ci` (package.json "allowScripts" denies it), so fetch it here on first
// use; offline, explain the two ways forward instead of printing a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

/**
 * Ubuntu 23.10+ (24.04 by default) lets only programs with an AppArmor profile that allows `userns`
 * create the user namespaces Chromium's sandbox needs; an Electron run from node_modules has none and
 * stops at start. The supported fix is such a profile for this binary (Ubuntu's documented way), not
 * --no-sandbox and not turning the restriction off for the whole machine.
 */
function sandboxHint(electron) {
  if (process.platform !== 'linux') return undefined;
  let restricted;
  try {
    restricted = readFileSync('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', 'utf8').trim();
  } catch {
    return undefined;
  }
  if (restricted !== '1') return undefined;
  return [
    '',
    'FS PBX NAT Wizard: Electron stopped. This system restricts unprivileged user namespaces (Ubuntu 24.04 and later),',
    "and Chromium's sandbox needs one. Allow it for this Electron binary only, with an AppArmor profile:",
    '',
    `  sudo tee /etc/apparmor.d/fspbx-nat-wizard-dev >/dev/null <<'EOF'`,
    'abi <abi/4.0>,',
    'include <tunables/global>',
    `profile fspbx-nat-wizard-dev "${electron}" flags=(unconfined) {`,
    '  userns,',
    '}',
    'EOF',
    '  sudo apparmor_parser -r /etc/apparmor.d/fspbx-nat-wizard-dev',
    '',
    'then  npm start  again. (The .deb package installs such a profile by itself; see README, "Linux: the sandbox".)',
    '',
  ].join('\n');
}

const child = spawn(binary, [root], { stdio: 'inherit' });
child.on('exit', (code, signal) => {
  // A sandbox failure is a FATAL in Chromium: an exit code or a crash signal, never the Ctrl+C passed on below.
  const failed = (code !== null && code !== 0) || (signal !== null && signal !== 'SIGINT' && signal !== 'SIGTERM');
  const hint = failed ? sandboxHint(binary) : undefined;
  if (hint) console.error(hint);
  process.exit(code ?? (signal ? 1 : 0));
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
