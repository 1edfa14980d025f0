/**
 * Main-process side of the IPC pipe: every message is checked for its sender
 * before the session parses it; each window gets its own session, closed
 * (and its calls cancelled) when the window goes away.
 */
import type { Dispatcher } from '../api/dispatcher';
import { createSession, type Session } from '../api/session';
import { IPC } from '../../contract/channels';
import type { ServerMessage } from '../../contract/wire';
import { isAppUrl } from './app-origin';

export interface SenderLike {
  id: number;
  send(channel: string, message: ServerMessage): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

export interface FrameLike {
  url: string;
}

export interface IpcEventLike {
  sender: SenderLike;
  /** The frame that sent the message (Electron's WebFrameMain); null once it navigated away or was removed. */
  senderFrame?: FrameLike | null;
}

export interface AppWindowLike {
  isDestroyed(): boolean;
  webContents: { id: number; mainFrame: FrameLike };
}

/**
 * A message is answered only when it comes from the app window's main frame
 * while that frame shows the app's own page: not from another window, a
 * subframe, or the window after it was navigated elsewhere.
 */
export function fromAppWindow(window: AppWindowLike | undefined, event: IpcEventLike): boolean {
  const frame = event.senderFrame;
  return (
    window !== undefined &&
    !window.isDestroyed() &&
    event.sender.id === window.webContents.id &&
    frame != null &&
    frame === window.webContents.mainFrame &&
    isAppUrl(frame.url)
  );
}

export interface IpcMainLike {
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  removeAllListeners(channel: string): unknown;
}

export interface IpcBinding {
  /** Messages dropped because of an untrusted sender, for the log and the tests. */
  rejected(): number;
  dispose(): void;
}

export function bindIpc(
  ipcMain: IpcMainLike,
  dispatcher: Dispatcher,
  isTrusted: (event: IpcEventLike) => boolean,
  onReject: (event: IpcEventLike) => void = () => {},
): IpcBinding {
  const sessions = new Map<number, Session>();
  let rejected = 0;

  ipcMain.on(IPC.toMain, (event, message) => {
    if (!isTrusted(event)) {
      rejected += 1;
      onReject(event);
      return;
    }
    const sender = event.sender;
    let session = sessions.get(sender.id);
    if (!session) {
      const created = createSession(dispatcher, (out) => {
        if (!sender.isDestroyed()) sender.send(IPC.toRenderer, out);
      });
      sessions.set(sender.id, created);
      sender.once('destroyed', () => {
        created.close();
        sessions.delete(sender.id);
      });
      session = created;
    }
    session.receive(message);
  });

  return {
    rejected: () => rejected,
    dispose() {
      ipcMain.removeAllListeners(IPC.toMain);
      for (const session of sessions.values()) session.close();
      sessions.clear();
    },
  };
}
