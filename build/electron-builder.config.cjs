// electron-builder: Linux AppImage + deb, Windows NSIS, macOS dmg.
// `npm run dist` needs internet (it downloads Electron for the target);
// test/integration/packaging.test.ts validates this file offline.
const { version: electronVersion } = require('electron/package.json');

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.fspbx.natwizard',
  productName: 'FS PBX NAT Wizard',
  copyright: 'FS PBX NAT Wizard team',
  electronVersion,
  directories: { output: 'release', buildResources: 'build' },
  files: ['dist/**/*', '!dist/**/*.map', 'package.json'],
  extraResources: [{ from: 'resources', to: '.', filter: ['icon.png'] }],
  asar: true,
  // better-sqlite3 is a native module: Node cannot load it from inside an asar archive.
  asarUnpack: ['**/node_modules/better-sqlite3/**'],
  npmRebuild: true,
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
    target: ['AppImage', 'deb'],
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
