import { createClient, type Client } from './client';
import { bridgePipe, takeToken, webSocketPipe } from './pipes';

export type Connection = { client: Client; transport: 'electron' | 'browser' } | { error: string };

/** Electron when the preload is there; otherwise browser mode, which needs the token from the address. */
export function connect(): Connection {
  if (window.fspbx) return { client: createClient(bridgePipe(window.fspbx)), transport: 'electron' };
  const token = takeToken(window.location, window.sessionStorage, window.history);
  if (!token) {
    return {
      error:
        'This page needs the one-time key from the address that `fspbx-nat browser` printed. Open that full address.',
    };
  }
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${window.location.host}/api?token=${encodeURIComponent(token)}`;
  return { client: createClient(webSocketPipe(url)), transport: 'browser' };
}
