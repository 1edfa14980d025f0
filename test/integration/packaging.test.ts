/**
 * The packaging config, checked offline with electron-builder's own schema
 * validator: a typo would otherwise surface only on a release machine.
 */
import { existsSync } from 'node:fs';
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

describe('electron-builder config', () => {
  it("passes electron-builder's own validation", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('would reject a misspelt option (the validator is really on)', async () => {
    const broken = { ...config, asarUnpak: ['x'] } as unknown as Configuration;
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/asarUnpak/);
  });

  it('targets AppImage, deb, NSIS and dmg with one app id and an icon that exists', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(existsSync(join(root, String(config.linux?.icon)))).toBe(true);
  });

  it('keeps better-sqlite3 outside the asar archive', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/node_modules/better-sqlite3/**');
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

  it('pins the Electron version it packages to the one the app is developed with', () => {
    expect(config.electronVersion).toBe((require('electron/package.json') as { version: string }).version);
  });
});
