/**
 * The packaging config, checked offline with electron-builder's own schema
 * validator: a typo would otherwise surface only on a release machine.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import type { Configuration } from 'app-builder-lib';

const root = join(__dirname, '..', '..');
const require = createRequire(join(root, 'package.json'));
const config = require('./build/electron-builder.config.cjs') as Configuration;
// electron-builder's own validator and logger (deep paths: they are not in its public index).
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration: (c: Configuration, logger: unknown) => Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

/** The Electron the package ships, and its module ABI (NODE_MODULE_VERSION) as the electron package states it. */
const ELECTRON = {
  version: (require('electron/package.json') as { version: string }).version,
  abi: readFileSync(join(root, 'node_modules', 'electron', 'abi_version'), 'utf8').trim(),
};

/** The filter electron-builder applies when it copies production dependencies into the app (Linux options). */
function nodeModuleFilter(): (file: string, stat: { isDirectory(): boolean }) => boolean {
  const { getNodeModuleFileMatcher } = require('app-builder-lib/out/fileMatcher.js') as {
    getNodeModuleFileMatcher: (
      appDir: string,
      destination: string,
      expand: (s: string) => string,
      platformOptions: unknown,
      packager: unknown,
    ) => { createFilter(): (file: string, stat: { isDirectory(): boolean }) => boolean };
  };
  return getNodeModuleFileMatcher(root, '/app', (s) => s, config.linux, {
    config,
    debugLogger: { isEnabled: false },
  }).createFilter();
}

describe('electron-builder config', () => {
  it("passes electron-builder's own validation", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('would reject a misspelt option (the validator is really on)', async () => {
    const broken = { ...config, asarUnpak: ['x'] } as unknown as Configuration;
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/asarUnpak/);
  });

  it('targets deb, AppImage, NSIS and dmg with one app id and an icon that exists', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.linux?.target).toEqual(['deb', 'AppImage']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(existsSync(join(root, String(config.linux?.icon)))).toBe(true);
  });

  it("rebuilds nothing: no native module for Electron's ABI, never the project's own node_modules in place", () => {
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
    expect(config.nodeGypRebuild).toBe(false);
    expect(config.buildDependenciesFromSource).toBe(false);
    expect(config.asarUnpack).toBeUndefined();
  });

  it("leaves better-sqlite3 and cpu-features out of the package and keeps ssh2 (electron-builder's own node_modules filter)", () => {
    const keeps = nodeModuleFilter();
    const file = { isDirectory: () => false };
    const folder = { isDirectory: () => true };
    const at = (path: string) => join(root, 'node_modules', path);
    expect(keeps(at('better-sqlite3'), folder)).toBe(false);
    expect(keeps(at('better-sqlite3/build/Release/better_sqlite3.node'), file)).toBe(false);
    expect(keeps(at('cpu-features'), folder)).toBe(false);
    expect(keeps(at('bindings/bindings.js'), file)).toBe(false);
    expect(keeps(at('ssh2'), folder)).toBe(true);
    expect(keeps(at('ssh2/lib/index.js'), file)).toBe(true);
  });

  it('sets the Electron fuses: no run-as-node, NODE_OPTIONS or --inspect; cookies encrypted; app code only from a checked asar', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('would reject a misspelt fuse (the validator checks them too)', async () => {
    const broken = {
      ...config,
      electronFuses: { ...config.electronFuses, runAsNod: false },
    } as unknown as Configuration;
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
  });

  it(`packages no native module at all, so none has to match Electron ${ELECTRON.version}'s ABI ${ELECTRON.abi}`, () => {
    // Every file of the production dependency closure (what electron-builder copies), through its filter.
    const keeps = nodeModuleFilter();
    const closure = new Set<string>();
    const visit = (name: string): void => {
      if (closure.has(name) || !existsSync(join(root, 'node_modules', name, 'package.json'))) return;
      closure.add(name);
      // Read as a file: some packages' "exports" hide their package.json from require.
      const pkg = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
        optionalDependencies?: Record<string, string>;
      };
      for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep);
    };
    const own = require('./package.json') as { dependencies: Record<string, string> };
    for (const dep of Object.keys(own.dependencies)) visit(dep);
    const nativeKept = [...closure].flatMap((name) =>
      (readdirSync(join(root, 'node_modules', name), { recursive: true }) as string[])
        .filter((file) => file.endsWith('.node'))
        .map((file) => join(root, 'node_modules', name, file))
        .filter((file) => keeps(file, { isDirectory: () => false })),
    );
    expect(closure.has('better-sqlite3')).toBe(true); // the closure is real: it reaches the native module it must drop
    expect(nativeKept, `native modules that would need Electron's ABI ${ELECTRON.abi}`).toEqual([]);
  });

  it("relies on electron-builder's deb to install the AppArmor userns profile Ubuntu 24.04+ needs for the sandbox", () => {
    // app-builder-lib's after-install script copies resources/apparmor-profile to /etc/apparmor.d/<executable>
    // and loads it; a custom afterInstall or appArmorProfile would replace that.
    const templates = join(root, 'node_modules', 'app-builder-lib', 'templates', 'linux');
    expect(readFileSync(join(templates, 'apparmor-profile.tpl'), 'utf8')).toMatch(/^\s*userns,$/m);
    expect(readFileSync(join(templates, 'after-install.tpl'), 'utf8')).toContain('apparmor_parser --replace');
    expect(config.deb).not.toHaveProperty('afterInstall');
    expect(config.deb).not.toHaveProperty('appArmorProfile');
    expect(config.linux?.executableName).toBe('fspbx-nat-wizard');
  });

  it('pins the Electron version it packages to the one the app is developed with', () => {
    expect(config.electronVersion).toBe((require('electron/package.json') as { version: string }).version);
  });
});
