import { join } from 'node:path';
import { BrowserWindow, dialog } from 'electron';
import { APP_NAME } from '../app/version';
import { APP_ORIGIN } from './protocol';

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
  // Electron shows nothing by itself, so the technician is asked here.
  window.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(window, {
      type: 'warning',
      buttons: ['Keep the wizard open', 'Close anyway'],
      defaultId: 0,
      cancelId: 0,
      title: 'Changes under way',
      message: 'The wizard is changing the router or the PBX.',
      detail:
        'Closing now leaves the run unfinished: the router undoes its part by itself unless confirmed, and History offers to roll the PBX back.',
    });
    if (choice === 1) event.preventDefault();
  });
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

export const resourcesPath = (appPath: string) => join(appPath, 'resources');
