/**
 * The trust check the main process applies to every IPC message and every
 * navigation, on the URL strings Electron hands it (frame.url, will-navigate's
 * url). Parsed with Node's URL, as in the main process; nothing stubbed.
 */
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, isAppUrl } from '../../../electron/shell/app-origin';

describe('isAppUrl', () => {
  it("accepts the app's own page, as its frame reports it", () => {
    expect(isAppUrl(`${APP_ORIGIN}/index.html`)).toBe(true);
    expect(isAppUrl('app://wizard/index.html')).toBe(true);
    expect(isAppUrl('app://wizard/')).toBe(true);
    expect(isAppUrl('app://wizard/index.html#/history?run=1')).toBe(true);
    expect(isAppUrl('app://wizard/assets/index-3f2a.js')).toBe(true);
  });

  it('does not depend on URL.origin, which Node gives as "null" for a scheme only Chromium knows', () => {
    // Why an origin comparison refused every message from the app's own window.
    expect(new URL('app://wizard/index.html').origin).toBe('null');
    expect(isAppUrl('app://wizard/index.html')).toBe(true);
  });

  it.each([
    ['another app host', 'app://evil/index.html'],
    ['a host that only starts with the name', 'app://wizard.evil/index.html'],
    ['user info before another host', 'app://wizard@evil/index.html'],
    ['user and password before another host', 'app://wizard:pw@evil/'],
    ['a port', 'app://wizard:8080/index.html'],
    ['an encoded dot', 'app://wizard%2eevil/'],
    ['no authority at all', 'app:wizard/index.html'],
    ['an empty host', 'app:///index.html'],
    ['a file on disk', 'file:///usr/lib/fspbx-nat-wizard/resources/app.asar/dist/renderer/index.html'],
    ['the Vite dev server', 'http://localhost:5173/index.html'],
    ['a web page', 'https://wizard/index.html'],
    ['a page with the same host over http', 'http://wizard/index.html'],
    ['a data URL', 'data:text/html,<script>alert(1)</script>'],
    ['a blank frame', 'about:blank'],
    ['a javascript URL', 'javascript:alert(1)'],
    ['an empty string', ''],
    ['not a URL', 'index.html'],
  ])('refuses %s (%s)', (_what, url) => {
    expect(isAppUrl(url)).toBe(false);
  });
});
