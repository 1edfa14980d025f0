import { dialog, Menu, shell, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { APP_NAME, APP_VERSION } from '../app/version';

export function buildMenu(
  getWindow: () => BrowserWindow | undefined,
  dataDir: string,
  logFile: string,
  devTools: boolean,
): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        {
          label: 'Open Data Folder',
          click: () => void shell.openPath(dataDir),
        },
        {
          label: 'Open Log File',
          click: () => void shell.openPath(logFile),
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...(devTools ? ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const) : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      role: 'help',
      submenu: [
        {
          label: `About ${APP_NAME}`,
          click: () => {
            const window = getWindow();
            const options = {
              type: 'info' as const,
              title: `About ${APP_NAME}`,
              message: `${APP_NAME} ${APP_VERSION}`,
              detail: `Electron ${process.versions.electron}, Chromium ${process.versions.chrome}, Node ${process.versions.node}.\nData folder: ${dataDir}\nLog: ${logFile}`,
            };
            void (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options));
          },
        },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
