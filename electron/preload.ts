/**
 * Runs sandboxed before the page: exposes the contract's message pipe on
 * window.fspbx through contextBridge. No Node API reaches the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_KEY } from './api/bridge';
import { createBridge } from './preload/bridge';

contextBridge.exposeInMainWorld(BRIDGE_KEY, createBridge(ipcRenderer));
