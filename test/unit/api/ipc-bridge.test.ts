/**
 * The Electron leg without Electron: the preload's bridge and the main
 * process's IPC binding, joined by an in-memory stand-in for Electron's IPC
 * that keeps its shape (channels, event.sender, event.senderFrame,
 * 'destroyed'). Trust is decided by the main process's own check
 * (fromAppWindow, on the frame's URL string), never stubbed.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { IPC } from '../../../contract/channels';
import { createDispatcher } from '../../../electron/api/dispatcher';
import { createHandlers } from '../../../electron/api/handlers';
import { nodeEnv } from '../../../electron/api/handlers/node-env';
import type { ServerMessage } from '../../../contract/wire';
import { createBridge } from '../../../electron/preload/bridge';
import {
  bindIpc,
  fromAppWindow,
  type AppWindowLike,
  type FrameLike,
  type IpcEventLike,
  type SenderLike,
} from '../../../electron/shell/ipc';
import { createClient } from '../../../renderer/src/api/client';
import { bridgePipe } from '../../../renderer/src/api/pipes';
import { unitDataDir } from '../helpers/data-dir';

class FakeWebContents extends EventEmitter implements SenderLike {
  destroyed = false;
  readonly renderer = new EventEmitter();
  /** What Electron reports as webContents.mainFrame: its url is the page the frame shows. */
  readonly mainFrame: FrameLike;
  constructor(
    readonly id: number,
    url = 'app://wizard/index.html',
  ) {
    super();
    this.mainFrame = { url };
  }
  send(channel: string, message: ServerMessage) {
    // Electron serialises with structured clone: nothing shared survives.
    this.renderer.emit(channel, {}, structuredClone(message));
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

function electronStandIn(contents: FakeWebContents, ipcMain: EventEmitter) {
  return {
    send: (channel: string, ...args: unknown[]) => {
      const event: IpcEventLike = { sender: contents, senderFrame: contents.mainFrame };
      ipcMain.emit(channel, event, ...args.map((a) => structuredClone(a)));
    },
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) =>
      contents.renderer.on(channel, listener),
    removeListener: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) =>
      contents.renderer.removeListener(channel, listener),
  };
}

const windowOf = (contents: FakeWebContents): AppWindowLike => ({
  isDestroyed: () => contents.destroyed,
  webContents: contents,
});

/** The binding as main.ts makes it: messages trusted only from the app window `appWindow`. */
function setUp(appWindow: FakeWebContents) {
  const ipcMain = new EventEmitter();
  const dispatcher = createDispatcher(createHandlers(nodeEnv('cli', unitDataDir)));
  const binding = bindIpc(ipcMain as never, dispatcher, (event) => fromAppWindow(windowOf(appWindow), event));
  return { ipcMain, binding };
}

describe('Electron IPC through the preload bridge', () => {
  it("round-trips a call and its progress from the app window showing the app's page", async () => {
    const contents = new FakeWebContents(1);
    const { ipcMain, binding } = setUp(contents);
    const client = createClient(bridgePipe(createBridge(electronStandIn(contents, ipcMain))));
    const progress: string[] = [];
    const result = await client.call('app.doctor', {}, { onProgress: (c) => progress.push(c.id) });
    expect(result.ok).toBe(true);
    expect(progress.length).toBeGreaterThan(2);
    expect(binding.rejected()).toBe(0);
    binding.dispose();
  });

  it('drops messages from a sender that is not the app window, without answering', async () => {
    const { ipcMain, binding } = setUp(new FakeWebContents(1));
    const stranger = new FakeWebContents(2);
    const answers: unknown[] = [];
    stranger.renderer.on(IPC.toRenderer, (_e, m) => answers.push(m));
    electronStandIn(stranger, ipcMain).send(IPC.toMain, { kind: 'call', id: 'x1', op: 'app.info', input: {} });
    await new Promise((r) => setTimeout(r, 20));
    expect(answers).toEqual([]);
    expect(binding.rejected()).toBe(1);
    binding.dispose();
  });

  it.each(['app://wizard.evil/index.html', 'app://evil/index.html', 'file:///tmp/index.html', 'about:blank'])(
    'drops messages from the app window once its frame shows %s',
    async (url) => {
      const contents = new FakeWebContents(1, url);
      const { ipcMain, binding } = setUp(contents);
      const answers: unknown[] = [];
      contents.renderer.on(IPC.toRenderer, (_e, m) => answers.push(m));
      electronStandIn(contents, ipcMain).send(IPC.toMain, { kind: 'call', id: 'x1', op: 'app.info', input: {} });
      await new Promise((r) => setTimeout(r, 20));
      expect(answers).toEqual([]);
      expect(binding.rejected()).toBe(1);
      binding.dispose();
    },
  );

  it('never hands the IPC event object to the page', async () => {
    const contents = new FakeWebContents(3);
    const { ipcMain, binding } = setUp(contents);
    const bridge = createBridge(electronStandIn(contents, ipcMain));
    const received: unknown[][] = [];
    bridge.onMessage((...args: unknown[]) => received.push(args));
    bridge.send({ kind: 'call', id: 'c1', op: 'app.info', input: {} });
    await new Promise((r) => setTimeout(r, 20));
    expect(received).toHaveLength(1);
    expect(received[0]).toHaveLength(1);
    expect(received[0]![0]).toMatchObject({ kind: 'result', id: 'c1' });
    binding.dispose();
  });

  it('stops listening when the page unsubscribes', async () => {
    const contents = new FakeWebContents(4);
    const { ipcMain, binding } = setUp(contents);
    const bridge = createBridge(electronStandIn(contents, ipcMain));
    const received: unknown[] = [];
    const stop = bridge.onMessage((m) => received.push(m));
    stop();
    bridge.send({ kind: 'call', id: 'c1', op: 'app.info', input: {} });
    await new Promise((r) => setTimeout(r, 20));
    expect(received).toEqual([]);
    expect(contents.renderer.listenerCount(IPC.toRenderer)).toBe(0);
    binding.dispose();
  });

  it('cancels the calls of a window that is destroyed', async () => {
    const ipcMain = new EventEmitter();
    let aborted = false;
    const handlers = {
      ...createHandlers(nodeEnv('cli', unitDataDir)),
      'lan.detect': (_i: unknown, { signal }: { signal: AbortSignal }) =>
        new Promise<never>(() => signal.addEventListener('abort', () => (aborted = true))),
    };
    const contents = new FakeWebContents(5);
    const binding = bindIpc(ipcMain as never, createDispatcher(handlers as never), (event) =>
      fromAppWindow(windowOf(contents), event),
    );
    electronStandIn(contents, ipcMain).send(IPC.toMain, { kind: 'call', id: 'c1', op: 'lan.detect', input: {} });
    contents.destroy();
    expect(aborted).toBe(true);
    binding.dispose();
  });
});
