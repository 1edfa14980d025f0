/**
 * The two pipes the renderer can talk through: the Electron preload's bridge,
 * or the browser-mode WebSocket with this run's token.
 */
import type { FspbxBridge } from '../../../contract/bridge';
import type { AppError } from '../../../contract/errors';
import type { ClientMessage, ServerMessage } from '../../../contract/wire';
import type { Pipe } from './client';

declare global {
  interface Window {
    fspbx?: FspbxBridge;
  }
}

export function bridgePipe(bridge: FspbxBridge): Pipe {
  return {
    send: (message) => bridge.send(message),
    onMessage: (listener) => bridge.onMessage(listener),
  };
}

const TOKEN_KEY = 'fspbx-token';

/** The slices of the page's location, session storage and history that takeToken uses. */
export interface AddressBar {
  hash: string;
  pathname: string;
  search: string;
}
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}
export interface HistoryLike {
  replaceState(data: unknown, unused: string, url?: string): void;
}

/** Takes the token from #token=… once, keeps it for reloads of this tab, and clears it from the address bar. */
export function takeToken(location: AddressBar, storage: TokenStorage, history: HistoryLike): string | undefined {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match?.[1]) {
    storage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', location.pathname + location.search);
    return match[1];
  }
  return storage.getItem(TOKEN_KEY) ?? undefined;
}

/** This tab's token, once takeToken has kept it: Done's bundle download carries it. */
export function storedToken(storage: Pick<TokenStorage, 'getItem'>): string | undefined {
  return storage.getItem(TOKEN_KEY) ?? undefined;
}

const LOST: AppError = {
  code: 'transport_closed',
  message: 'The connection to the wizard was lost. Restart `fspbx-nat browser` and open the new address it prints.',
};

export function webSocketPipe(url: string): Pipe {
  const socket = new WebSocket(url);
  const queue: string[] = [];
  const listeners = new Set<(message: ServerMessage) => void>();
  const closeListeners = new Set<(error: AppError) => void>();

  socket.addEventListener('open', () => {
    for (const text of queue.splice(0)) socket.send(text);
  });
  socket.addEventListener('message', (event) => {
    let message: ServerMessage;
    try {
      message = JSON.parse(String(event.data)) as ServerMessage;
    } catch {
      return;
    }
    for (const listener of listeners) listener(message);
  });
  socket.addEventListener('close', () => {
    for (const listener of closeListeners) listener(LOST);
  });

  return {
    send(message: ClientMessage) {
      const text = JSON.stringify(message);
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
      else if (socket.readyState === WebSocket.CONNECTING) queue.push(text);
      else for (const listener of closeListeners) listener(LOST);
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
    },
  };
}
