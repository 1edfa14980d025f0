/**
 * The Electron shell: one hardened window, the contract on IPC, nothing else.
 * Everything the wizard does lives behind the dispatcher.
 */
import { join } from 'node:path';
import { app, ipcMain, Menu, Notification, type BrowserWindow } from 'electron';
import { createDispatcher } from './api/dispatcher';
import { createHandlers } from './api/handlers';
import { openLog } from './app/log';
import { defaultDataDir } from './app/paths';
import { onChangeEnded, onQuitAsked } from './app/quit-guard';
import { APP_NAME, APP_VERSION } from './app/version';
import { redactSecrets } from './store';
import { countChanges } from './shell/changes';
import { chooseFile } from './shell/dialogs';
import { hardenApp } from './shell/hardening';
import { bindIpc, fromAppWindow, type IpcEventLike } from './shell/ipc';
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
  // One data folder for the desktop, the CLI and browser mode (FSPBX_NAT_DATA_DIR, else the platform's
  // folder): one history and one signing key per installation. Chromium's own profile stays in userData.
  const dataDir = defaultDataDir();
  const log = openLog(dataDir, { redact: redactSecrets });
  const distDir = __dirname; // dist/electron
  const rendererDir = join(distDir, '..', 'renderer');
  const resourcesDir = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources');
  // Set when the last window closed during a change: quit as soon as it has finished.
  let quitPending = false;

  app.setName(APP_NAME);
  app.enableSandbox();
  registerAppScheme();
  log.info(
    `${APP_NAME} ${APP_VERSION} starting (Electron ${process.versions.electron}, Node ${process.versions.node})`,
  );

  const dispatcher = countChanges(
    createDispatcher(
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
            ? {
                available: true,
                // What the key already on disk is, the bundle-key check says; this is what a new one would be.
                why: 'No password is ever remembered. The OS keychain is available: a bundle signing key made here is encrypted with it.',
              }
            : {
                available: false,
                why: 'No password is ever remembered. This system offers no OS keychain: a bundle signing key made here is a plain file only you can read (0600).',
              },
        secretBox: safeStorageBox,
        chooseFile: chooseFile(() => mainWindow),
      }),
      {
        error: (message, detail) => {
          log.error(message, detail);
          console.error(message, detail);
        },
      },
    ),
    () => {
      if (onChangeEnded({ changesInFlight: dispatcher.changesInFlight(), quitPending }) === 'quit') {
        log.info('the change under way has finished: quitting as asked');
        app.quit();
      }
    },
  );

  const openWindow = (): BrowserWindow => {
    const window = createMainWindow(join(distDir, 'preload.js'), join(resourcesDir, 'icon.png'));
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = undefined;
    });
    mainWindow = window;
    return window;
  };

  app.on('second-instance', () => {
    // Also while windowless, finishing a change: the technician gets the window (and History) back.
    quitPending = false;
    if (!mainWindow) {
      openWindow();
      return;
    }
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // macOS: a click on the dock icon while the app finishes a change windowless brings the window back.
  app.on('activate', () => {
    if (mainWindow || !app.isReady()) return;
    quitPending = false;
    openWindow();
  });

  app.on('window-all-closed', () => {
    const decision = onQuitAsked({ changesInFlight: dispatcher.changesInFlight() });
    if (decision.action === 'quit') {
      app.quit();
      return;
    }
    quitPending = true;
    log.info(`window closed during a change: ${decision.notice}`);
    if (Notification.isSupported()) new Notification({ title: APP_NAME, body: decision.notice }).show();
  });

  app.on('before-quit', (event) => {
    // Quit from the menu or the dock during a change: close the window instead (the page asks first);
    // the app follows once the change has finished.
    if (onQuitAsked({ changesInFlight: dispatcher.changesInFlight() }).action === 'wait') {
      event.preventDefault();
      if (mainWindow) mainWindow.close();
      else quitPending = true;
    }
  });

  app.on('render-process-gone', (_event, _contents, details) =>
    log.error(`the window's page stopped (${details.reason}, exit code ${details.exitCode})`),
  );
  app.on('child-process-gone', (_event, details) =>
    log.error(`an Electron helper process stopped (${details.type}: ${details.reason})`),
  );

  void app.whenReady().then(() => {
    hardenApp();
    serveRenderer(rendererDir);

    const isTrusted = (event: IpcEventLike): boolean => fromAppWindow(mainWindow, event);
    bindIpc(ipcMain as unknown as Parameters<typeof bindIpc>[0], dispatcher, isTrusted, (event) => {
      const from = event.senderFrame?.url ?? 'no frame';
      log.warn(`refused an IPC message from web contents ${event.sender.id} (${from.slice(0, 200)})`);
    });

    openWindow();
    Menu.setApplicationMenu(buildMenu(() => mainWindow, dataDir, log.file, !app.isPackaged));
  });
}
