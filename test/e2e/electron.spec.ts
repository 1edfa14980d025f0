/**
 * The real desktop app, driven by Playwright's Electron support. It runs only
 * where an Electron binary is installed; elsewhere it is skipped and says why.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

const root = join(__dirname, '..', '..');

function electronBinary(): string | undefined {
  try {
    // The electron package exports the binary's path, and throws when the binary was never downloaded.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const path = require('electron') as unknown as string;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();

test.describe('Electron app', () => {
  test.skip(!binary, 'no Electron binary on this machine (offline install); set ELECTRON_OVERRIDE_DIST_PATH to run it');

  test('opens one hardened window on the first step and answers over IPC', async () => {
    const app = await electron.launch({ executablePath: binary!, args: [join(root, 'dist', 'electron', 'main.js')] });
    try {
      const window = await app.firstWindow();
      await expect(window.getByRole('heading', { name: '1 · Network' })).toBeVisible();
      await expect(window.getByTestId('app-info')).toContainText('electron');
      // Sandboxed, isolated, no Node: the page sees only the bridge's two functions.
      const page = await window.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        bridge: Object.keys((globalThis as { fspbx?: object }).fspbx ?? {}).sort(),
      }));
      expect(page).toEqual({ require: 'undefined', process: 'undefined', bridge: ['onMessage', 'send'] });
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    } finally {
      await app.close();
    }
  });
});
