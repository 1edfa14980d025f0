/**
 * The Electron shell: one hardened window, the contract on IPC, nothing else.
 * Everything the wizard does lives behind the dispatcher.
 */
import { join } from 'node:path';
import { app, ipcMain, Menu, type BrowserWindow } from 'electron';
import { createDispatcher } from './api/dispatcher';
import { createHandlers } from './api/handlers';
import { APP_NAME, APP_VERSION } from './app/version';
import { chooseFile } from './shell/dialogs';
import { hardenApp, isAppUrl } from './shell/hardening';
import { bindIpc, type IpcEventLike } from './shell/ipc';
import { buildMenu } from './shell/menu';
import { registerAppScheme, serveRenderer } from './shell/protocol';
import { keychainUsable, safeStorageBox } from './shell/secret-box';
import { createMainWindow } from './shell/window';

if (!app.requestSingleInstanceLock()) {
  // Two wizards on one site would race on the same router: hand over to the first.
  app.quit();
} else {
  start();
}

function start(): void {
  let mainWindow: BrowserWindow | undefined;
  const dataDir = app.getPath('userData');
  const distDir = __dirname; // dist/electron
  const rendererDir = join(distDir, '..', 'renderer');
  const resourcesDir = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources');

  app.setName(APP_NAME);
  app.enableSandbox();
  registerAppScheme();

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('window-all-closed', () => app.quit());

  void app.whenReady().then(() => {
    hardenApp();
    serveRenderer(rendererDir);

    const dispatcher = createDispatcher(
      createHandlers({
        frontEnd: 'electron',
        appName: APP_NAME,
        version: APP_VERSION,
        dataDir,
        runtime: {
          node: process.versions.node,
          electron: process.versions.electron,
          chrome: process.versions.chrome,
        },
        secretStorage: () =>
          keychainUsable()
            ? { available: true, why: 'Remembered passwords are encrypted by the operating system.' }
            : { available: false, why: 'The operating system offers no keychain: passwords will not be remembered.' },
        secretBox: safeStorageBox,
        chooseFile: chooseFile(() => mainWindow),
      }),
      { error: (message, detail) => console.error(message, detail) },
    );

    const isTrusted = (event: IpcEventLike): boolean => {
      const frame = (event as IpcEventLike & { senderFrame?: Electron.WebFrameMain | null }).senderFrame;
      return (
        mainWindow !== undefined &&
        !mainWindow.isDestroyed() &&
        event.sender.id === mainWindow.webContents.id &&
        frame != null &&
        frame === mainWindow.webContents.mainFrame &&
        isAppUrl(frame.url)
      );
    };
    bindIpc(ipcMain as unknown as Parameters<typeof bindIpc>[0], dispatcher, isTrusted, (event) =>
      console.warn(`refused an IPC message from web contents ${event.sender.id}`),
    );

    mainWindow = createMainWindow(join(distDir, 'preload.js'), join(resourcesDir, 'icon.png'));
    mainWindow.on('closed', () => {
      mainWindow = undefined;
    });
    Menu.setApplicationMenu(buildMenu(() => mainWindow, dataDir, !app.isPackaged));
  });
}
