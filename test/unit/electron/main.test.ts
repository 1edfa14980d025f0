/**
 * electron/main.ts itself, run under Node against the Electron stand-in
 * (./stand-in.ts): the real window set-up, trust check, IPC binding,
 * dispatcher and handlers. A wiring fault between them (a trust check that
 * refuses the app's own page, a channel bound to nothing) fails here without
 * an Electron binary.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC } from '../../../contract/channels';
import type { AppInfo } from '../../../contract/types';
import { LOG_FILE } from '../../../electron/app/log';
import { createBridge } from '../../../electron/preload/bridge';
import { createClient } from '../../../renderer/src/api/client';
import { bridgePipe } from '../../../renderer/src/api/pipes';
import { app, BrowserWindow, recorded, type WebContents } from './stand-in';

vi.mock('electron', () => import('./stand-in'));

const dataDir = mkdtempSync(join(tmpdir(), 'fspbx-main-'));
const previous = process.env.FSPBX_NAT_DATA_DIR;
let appWindow: BrowserWindow;

beforeAll(async () => {
  process.env.FSPBX_NAT_DATA_DIR = dataDir;
  await import('../../../electron/main');
  app.becomeReady();
  await app.whenReady();
  // main.ts opens its window in a then() on whenReady: one turn later.
  await new Promise((resolve) => setImmediate(resolve));
  appWindow = BrowserWindow.all[0]!;
});

afterAll(() => {
  if (previous === undefined) delete process.env.FSPBX_NAT_DATA_DIR;
  else process.env.FSPBX_NAT_DATA_DIR = previous;
  rmSync(dataDir, { recursive: true, force: true });
});

/** A hang guard, not a speed check: a refused call is never answered, and the test should say so. */
function answered<T>(call: Promise<T>): Promise<T> {
  return Promise.race([
    call,
    new Promise<never>((_resolve, reject) =>
      setTimeout(() => reject(new Error('the main process never answered (the message was refused?)')), 20_000),
    ),
  ]);
}

const logText = () => readFileSync(join(dataDir, LOG_FILE), 'utf8');

/**
 * Sends one raw app.info call from a page. ipcMain delivers synchronously, so a
 * refusal is in the log when send() returns (and no answer ever comes); an
 * accepted call is awaited until its result arrives.
 */
async function rawCall(contents: WebContents): Promise<{ refused: boolean; answers: unknown[] }> {
  const answers: unknown[] = [];
  const listener = (_event: unknown, message: unknown) => answers.push(message);
  contents.page.on(IPC.toRenderer, listener);
  const logged = logText().length;
  contents.ipcRenderer().send(IPC.toMain, { kind: 'call', id: 'probe', op: 'app.info', input: {} });
  const refused = logText().slice(logged).includes('refused an IPC message');
  try {
    if (!refused) {
      await answered(
        (async () => {
          while (!answers.some((m) => (m as { kind?: string }).kind === 'result')) {
            await new Promise((resolve) => setImmediate(resolve));
          }
        })(),
      );
    }
    return { refused, answers };
  } finally {
    contents.page.removeListener(IPC.toRenderer, listener);
  }
}

describe('the Electron main process under Node', () => {
  it('opens one sandboxed, isolated window on the app page and serves the app scheme', () => {
    expect(BrowserWindow.all).toHaveLength(1);
    expect(appWindow.webContents.mainFrame.url).toBe('app://wizard/index.html');
    expect(appWindow.options).toMatchObject({
      webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false },
    });
    expect(recorded.sandboxed).toBe(true);
    expect(recorded.protocolHandlers).toEqual(['app']);
    expect(appWindow.webContents.windowOpenHandler).toBeTypeOf('function');
    expect(recorded.menus).toHaveLength(1);
  });

  it.each([
    ['app://wizard/index.html#/history', false],
    ['app://wizard.evil/index.html', true],
    ['https://example.com/', true],
    ['file:///etc/passwd', true],
  ])('lets the window navigate to %s only within the app (prevented: %s)', (url, prevented) => {
    let stopped = false;
    appWindow.webContents.emit('will-navigate', { preventDefault: () => (stopped = true) }, url);
    expect(stopped).toBe(prevented);
  });

  it("answers a call from the app's own page, through the preload bridge, the IPC binding and a handler", async () => {
    const client = createClient(bridgePipe(createBridge(appWindow.webContents.ipcRenderer())));
    const result = await answered(client.call('app.info', {}));
    expect(result.ok).toBe(true);
    const info = (result as { ok: true; value: AppInfo }).value;
    expect(info).toMatchObject({ frontEnd: 'electron', dataDir });
  });

  it('keeps its data, and its log, in FSPBX_NAT_DATA_DIR: the folder the CLI and browser mode use', () => {
    const log = readFileSync(join(dataDir, LOG_FILE), 'utf8');
    expect(log).toMatch(/INFO FS PBX NAT Wizard .* starting/);
  });

  it('says in doctor that no password is remembered and what guards the signing key', async () => {
    const client = createClient(bridgePipe(createBridge(appWindow.webContents.ipcRenderer())));
    const result = await answered(client.call('app.doctor', {}));
    expect(result.ok).toBe(true);
    const checks = (result as { ok: true; value: { checks: { id: string; summary: string }[] } }).value.checks;
    const secrets = checks.find((c) => c.id === 'secrets');
    expect(secrets?.summary).toMatch(/No password is ever remembered/);
    expect(secrets?.summary).toMatch(/0600/);
  });

  it("refuses a second window even on the app's page: only the app window is answered", async () => {
    const stranger = new BrowserWindow();
    await stranger.loadURL('app://wizard/index.html');
    expect(await rawCall(stranger.webContents)).toEqual({ refused: true, answers: [] });
    stranger.close();
    expect(logText()).toMatch(
      new RegExp(
        `WARN refused an IPC message from web contents ${stranger.webContents.id} \\(app://wizard/index.html\\)`,
      ),
    );
  });

  it.each([
    'app://wizard.evil/index.html',
    'app://wizard@evil/index.html',
    'app://evil/index.html',
    'file:///tmp/index.html',
    'http://localhost:5173/',
    'data:text/html,hello',
    'about:blank',
  ])('refuses the app window itself once its frame shows %s', async (url) => {
    appWindow.webContents.navigate(url);
    try {
      expect(await rawCall(appWindow.webContents)).toEqual({ refused: true, answers: [] });
    } finally {
      appWindow.webContents.navigate('app://wizard/index.html');
    }
    expect(await rawCall(appWindow.webContents)).toMatchObject({
      refused: false,
      answers: [{ kind: 'result', id: 'probe', result: { ok: true } }],
    });
  });

  it('quits when its last window closes with no change under way', () => {
    const before = recorded.quit;
    appWindow.close();
    expect(recorded.quit).toBe(before + 1);
    expect(recorded.notifications).toEqual([]);
  });

  it('opens a new app window on activate (the dock) and answers it, not the closed one', async () => {
    app.emit('activate');
    const reopened = BrowserWindow.all.at(-1)!;
    expect(reopened).not.toBe(appWindow);
    expect(reopened.isDestroyed()).toBe(false);
    expect(reopened.webContents.mainFrame.url).toBe('app://wizard/index.html');
    expect(await rawCall(reopened.webContents)).toMatchObject({ refused: false });
    reopened.close();
  });
});
