/**
 * Where the app's own page lives, and the one test of "is this the app's page?".
 * No Electron import: the main process parses frame URLs with Node's URL, and so
 * do the tests.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'wizard';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * Compares the parsed protocol and host, as VS Code's validated IPC does: in the
 * main process `new URL('app://wizard/…').origin` is "null" (Node's URL parser
 * knows nothing of schemes registered with Chromium), so an origin comparison
 * refuses the app itself. A host with a port or user info is someone else.
 */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === ''
  );
}
