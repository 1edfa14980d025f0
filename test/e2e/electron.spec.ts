/**
 * The real desktop app, driven by Playwright's Electron support. It runs only
 * where an Electron binary is installed; elsewhere it is skipped and says why.
 * Without a binary, the main process's wiring is still run under Node against
 * a stand-in of Electron's APIs (test/unit/electron/main.test.ts), and the
 * store's node:sqlite driver in a real Node 24 (test/unit/store/sqlite-drivers.test.ts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

const root = join(__dirname, '..', '..');

/**
 * Where the binary would be, found as electron's own index.js finds it (path.txt, dist/, or
 * ELECTRON_OVERRIDE_DIST_PATH) but without requiring it: in Electron 45 `require('electron')`
 * starts a download when the binary is missing, and a test must not reach the Internet.
 */
function electronBinary(): string | undefined {
  const pkg = dirname(require.resolve('electron/package.json'));
  const pathFile = join(pkg, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override ? join(override, name ?? 'electron') : name ? join(pkg, 'dist', name) : undefined;
  return candidate && existsSync(candidate) ? candidate : undefined;
}

const binary = electronBinary();

/** Why the test is skipped where there is no binary. */
const NO_BINARY =
  "no Electron binary here: npm ci does not run electron's download script (package.json allowScripts) and this " +
  "machine cannot reach Electron's download host; run `npm run electron:install` where it can, or set " +
  'ELECTRON_OVERRIDE_DIST_PATH to a folder holding an electron executable';

test.describe('Electron app', () => {
  test.skip(!binary, NO_BINARY); // skipped only without a binary: NO_BINARY says why and what to do

  test('opens one hardened window on the first step, answers over IPC and opens its history', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fspbx-electron-'));
    const app = await electron.launch({
      executablePath: binary!,
      args: [root],
      env: { ...process.env, FSPBX_NAT_DATA_DIR: dataDir },
    });
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
      // The store opens inside Electron (node:sqlite), in the data folder the CLI uses too.
      const history = await window.evaluate(
        () =>
          new Promise((resolve) => {
            const bridge = (
              globalThis as unknown as { fspbx: { send(m: unknown): void; onMessage(l: (m: unknown) => void): void } }
            ).fspbx;
            bridge.onMessage((m) => {
              if ((m as { id?: string }).id === 'e2e-history') resolve(m);
            });
            bridge.send({ kind: 'call', id: 'e2e-history', op: 'history.list', input: {} });
          }),
      );
      expect(history).toMatchObject({ kind: 'result', result: { ok: true } });
      expect(existsSync(join(dataDir, 'wizard.db'))).toBe(true);
      expect(existsSync(join(dataDir, 'wizard.log'))).toBe(true);
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
