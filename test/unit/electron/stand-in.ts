/**
 * A minimal stand-in for the Electron main-process APIs electron/main.ts and
 * electron/shell/* use, so the real main module can run under Node. It keeps
 * Electron's shapes and the few behaviours the wiring depends on, and nothing
 * more:
 * - every web contents created is announced with app 'web-contents-created';
 * - loadURL makes the URL the main frame's url (frame.url is a string, which the
 *   main process parses with Node's URL, as the real one does);
 * - an IPC message reaches ipcMain 'toMain' listeners with event.sender (the web
 *   contents) and event.senderFrame (its main frame); replies are structured clones;
 * - closing a window destroys its web contents, emits 'closed', and when it was the
 *   last one, app 'window-all-closed';
 * - app.quit() emits 'before-quit' (which a listener may prevent) before quitting.
 * Dialogs, menus, notifications and the keychain record what they were asked.
 */
import { EventEmitter } from 'node:events';
import type { IpcRendererLike } from '../../../electron/preload/bridge';

export interface Recorded {
  quit: number;
  menus: unknown[];
  notifications: { title: string; body: string }[];
  protocolHandlers: string[];
  privilegedSchemes: unknown[];
  sandboxed: boolean;
}

export const recorded: Recorded = {
  quit: 0,
  menus: [],
  notifications: [],
  protocolHandlers: [],
  privilegedSchemes: [],
  sandboxed: false,
};

class PreventableEvent {
  defaultPrevented = false;
  preventDefault() {
    this.defaultPrevented = true;
  }
}

class App extends EventEmitter {
  isPackaged = false;
  private readyResolve: () => void = () => {};
  private readonly ready = new Promise<void>((resolve) => (this.readyResolve = resolve));
  requestSingleInstanceLock() {
    return true;
  }
  setName(_name: string) {}
  enableSandbox() {
    recorded.sandboxed = true;
  }
  getAppPath() {
    return process.cwd();
  }
  private readyNow = false;
  whenReady() {
    return this.ready;
  }
  isReady() {
    return this.readyNow;
  }
  /** What Electron does once Chromium is up. */
  becomeReady() {
    this.readyNow = true;
    this.readyResolve();
    this.emit('ready');
  }
  quit() {
    const event = new PreventableEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) recorded.quit += 1;
  }
}

export const app = new App();
export const ipcMain = new EventEmitter();

let nextId = 1;

export class WebContents extends EventEmitter {
  readonly id = nextId++;
  readonly mainFrame = { url: '' };
  /** The page's side of IPC: what ipcRenderer.on listens to. */
  readonly page = new EventEmitter();
  private destroyed = false;
  windowOpenHandler: unknown;
  setWindowOpenHandler(handler: unknown) {
    this.windowOpenHandler = handler;
  }
  isDestroyed() {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]) {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.page.emit(channel, {}, ...args.map((a) => structuredClone(a)));
  }
  /** The frame now shows another page (a navigation Electron let through). */
  navigate(url: string) {
    this.mainFrame.url = url;
  }
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('destroyed');
  }
  /** The preload's ipcRenderer for this page: messages leave from the main frame. */
  ipcRenderer(): IpcRendererLike {
    return {
      send: (channel, ...args) =>
        ipcMain.emit(channel, { sender: this, senderFrame: this.mainFrame }, ...args.map((a) => structuredClone(a))),
      on: (channel, listener) => this.page.on(channel, listener),
      removeListener: (channel, listener) => this.page.removeListener(channel, listener),
    };
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly all: BrowserWindow[] = [];
  readonly webContents = new WebContents();
  private destroyed = false;
  constructor(readonly options: Record<string, unknown> = {}) {
    super();
    BrowserWindow.all.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(url: string) {
    this.webContents.navigate(url);
    this.emit('ready-to-show');
    return Promise.resolve();
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {}
  show() {}
  close() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroy();
    this.emit('closed');
    if (BrowserWindow.all.every((w) => w.isDestroyed())) app.emit('window-all-closed');
  }
}

export const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown[]) => recorded.privilegedSchemes.push(...schemes),
  handle: (scheme: string) => recorded.protocolHandlers.push(scheme),
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler: () => {},
    setPermissionCheckHandler: () => {},
  },
};

/** No keychain, as on a Linux laptop without a secret service: Electron's "basic_text". */
export const safeStorage = {
  isEncryptionAvailable: () => false,
  getSelectedStorageBackend: () => 'basic_text',
  encryptString: () => {
    throw new Error('Encryption is not available.');
  },
  decryptString: () => {
    throw new Error('Encryption is not available.');
  },
};

export const dialog = {
  showMessageBoxSync: () => 0,
  showMessageBox: () => Promise.resolve({ response: 0, checkboxChecked: false }),
  showSaveDialog: () => Promise.resolve({ canceled: true }),
  showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
};

export const Menu = {
  buildFromTemplate: (template: unknown[]) => ({ template }),
  setApplicationMenu: (menu: unknown) => recorded.menus.push(menu),
};

export const shell = { openPath: () => Promise.resolve('') };

export class Notification {
  static isSupported() {
    return true;
  }
  constructor(private readonly options: { title: string; body: string }) {}
  show() {
    recorded.notifications.push(this.options);
  }
}
