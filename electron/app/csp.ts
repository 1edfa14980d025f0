/**
 * The Content-Security-Policy of the renderer, shared by the Electron shell
 * and the browser-mode host so the two cannot drift. 'self' also covers the
 * WebSocket of the same origin (CSP 3).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
