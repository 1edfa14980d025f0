/**
 * What the preload puts on `window.fspbx`: a message pipe and nothing else.
 * The renderer builds its typed client on top (renderer/src/api/client.ts).
 */
import type { ServerMessage } from './wire';

export interface FspbxBridge {
  send(message: unknown): void;
  onMessage(listener: (message: ServerMessage) => void): () => void;
}

export const BRIDGE_KEY = 'fspbx';
