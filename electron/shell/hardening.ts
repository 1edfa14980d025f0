/**
 * Locks down every web contents the app creates: no navigation away from the
 * app, no new windows, no webviews, no permissions (camera, notifications…).
 */
import { app, session, type WebContents } from 'electron';
import { isAppUrl } from './app-origin';

export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function hardenApp(): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

export { isAppUrl };
