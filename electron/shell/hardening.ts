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

/**
 * The one permission granted: writing text to the clipboard (Review's "Copy as RouterOS script").
 * Reading the clipboard stays refused, as does everything else.
 */
const ALLOWED: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function hardenApp(): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(ALLOWED.has(permission)),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => ALLOWED.has(permission));
}

export { isAppUrl };
