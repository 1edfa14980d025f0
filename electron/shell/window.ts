import { join } from 'node:path';
import { BrowserWindow, dialog } from 'electron';
import { CLOSE_QUESTION } from '../app/quit-guard';
import { APP_NAME } from '../app/version';
import { APP_ORIGIN } from './app-origin';

export function createMainWindow(preloadPath: string, iconPath: string): BrowserWindow {
  const window = new BrowserWindow({
    title: APP_NAME,
    width: 1200,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    icon: iconPath,
    backgroundColor: '#101418',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click must not open links in new windows.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => window.show());
  // The page holds its unload while a router or PBX change is under way (renderer/src/api/site-changes.ts);
  // Electron shows nothing by itself, so the technician is asked here. Closing does not cut the change
  // off: the app stays up, windowless, until it has finished (main.ts, app/quit-guard.ts).
  window.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(window, {
      type: 'warning',
      buttons: ['Keep the wizard open', 'Close the window'],
      defaultId: 0,
      cancelId: 0,
      title: 'Changes under way',
      message: CLOSE_QUESTION.message,
      detail: CLOSE_QUESTION.detail,
    });
    if (choice === 1) event.preventDefault();
  });
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

export const resourcesPath = (appPath: string) => join(appPath, 'resources');
