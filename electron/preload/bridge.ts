/**
 * The bridge the preload exposes, written against the slice of ipcRenderer it
 * uses so that tests can drive it without Electron.
 */
import type { FspbxBridge } from '../../contract/bridge';
import { IPC } from '../../contract/channels';
import type { ServerMessage } from '../../contract/wire';

export interface IpcRendererLike {
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createBridge(ipc: IpcRendererLike): FspbxBridge {
  return {
    send: (message) => ipc.send(IPC.toMain, message),
    onMessage: (listener) => {
      // The event object is never handed to the page: it carries sender internals.
      const handler = (_event: unknown, message: unknown) => listener(message as ServerMessage);
      ipc.on(IPC.toRenderer, handler);
      return () => {
        ipc.removeListener(IPC.toRenderer, handler);
      };
    },
  };
}
