// electron-builder: Linux deb (recommended) + AppImage, Windows NSIS, macOS dmg.
// `npm run dist` needs internet (it downloads Electron for the target);
// test/integration/packaging.test.ts validates this file offline.
const { version: electronVersion } = require('electron/package.json');

/** Dependencies that are native modules (or only serve one), kept out of the desktop package. */
const NATIVE_ONLY = ['better-sqlite3', 'bindings', 'file-uri-to-path', 'prebuild-install', 'cpu-features', 'nan'];

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.fspbx.natwizard',
  productName: 'FS PBX NAT Wizard',
  copyright: 'FS PBX NAT Wizard team',
  electronVersion,
  directories: { output: 'release', buildResources: 'build' },
  files: [
    'dist/**/*',
    '!dist/**/*.map',
    'package.json',
    // No native module is packaged. The desktop app opens its history with Electron's own node:sqlite
    // (electron/store/sqlite.ts): better-sqlite3 serves the CLI and browser mode on plain Node only.
    // ssh2 runs without cpu-features (an optional dependency whose install script npm's allowScripts
    // skips; ssh2 loads it in a try and carries on without it).
    ...NATIVE_ONLY.map((name) => `!**/node_modules/${name}{,/**/*}`),
    // ssh2's optional crypto binding, if an install script ever built one, is for Node's ABI: ssh2 uses JS without it.
    '!**/node_modules/ssh2/lib/protocol/crypto/build{,/**/*}',
  ],
  extraResources: [{ from: 'resources', to: '.', filter: ['icon.png'] }],
  asar: true,
  // Nothing to rebuild for Electron's ABI, and the project's own node_modules are never rebuilt in place
  // (that would break the tests, the CLI and browser mode on Node).
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  // Electron fuses, flipped in the binary at packaging time: a shipped app cannot be turned into a plain
  // Node (ELECTRON_RUN_AS_NODE), steered by NODE_OPTIONS or --inspect, or made to load code from outside
  // its checked app.asar. (The bundle inflater uses a worker thread, not a child process, so it needs none.)
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  extraMetadata: { main: 'dist/electron/main.js' },
  linux: {
    // deb first: it installs the AppArmor profile (userns) Ubuntu 24.04+ needs for Chromium's sandbox
    // (app-builder-lib's after-install template); the AppImage needs one written by hand (README).
    target: ['deb', 'AppImage'],
    category: 'Network',
    icon: 'resources/icon.png',
    synopsis: 'Put an FS PBX server behind a MikroTik router safely',
    executableName: 'fspbx-nat-wizard',
  },
  deb: { maintainer: 'FS PBX NAT Wizard team <support@fspbx.invalid>' },
  win: { target: ['nsis'], icon: 'resources/icon.png' },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  mac: {
    target: ['dmg'],
    icon: 'resources/icon.png',
    category: 'public.app-category.utilities',
    hardenedRuntime: true,
  },
  publish: null,
};
