/**
 * Runs sandboxed before the page: exposes the contract's message pipe on
 * window.fspbx through contextBridge. No Node API reaches the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_KEY } from '../../contract/bridge';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld(BRIDGE_KEY, createBridge(ipcRenderer));
