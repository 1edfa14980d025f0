/**
 * The typed client of the contract. It knows messages, not pipes: the
 * Electron preload and the browser-mode WebSocket each provide a Pipe.
 * Types only are imported from electron/.
 */
import type { InputArg, OpName, Output, Progress } from '../../../contract/operations';
import type { AppError, Result } from '../../../contract/errors';
import { showable } from '../../../contract/text';
import type { ClientMessage, ServerMessage } from '../../../contract/wire';

export interface Pipe {
  send(message: ClientMessage): void;
  /** Returns a function that stops listening. */
  onMessage(listener: (message: ServerMessage) => void): () => void;
  /** Called with an error when the pipe can carry no more calls. */
  onClose?(listener: (error: AppError) => void): void;
}

export interface CallOptions<P> {
  onProgress?: (event: P) => void;
  signal?: AbortSignal;
}

export interface Client {
  call<K extends OpName>(op: K, input: InputArg<K>, options?: CallOptions<Progress<K>>): Promise<Result<Output<K>>>;
  /** Errors that belong to no call (a malformed message, the pipe closing). */
  onError(listener: (error: AppError) => void): () => void;
}

interface Pending {
  resolve: (result: Result<unknown>) => void;
  onProgress?: (event: unknown) => void;
}

export function createClient(pipe: Pipe): Client {
  const pending = new Map<string, Pending>();
  // Call ids are per client: the random part keeps two windows' calls apart in the host's log.
  let counter = 0;
  const nextId = (): string => {
    counter += 1;
    const random = globalThis.crypto?.randomUUID?.().slice(0, 8) ?? Math.random().toString(36).slice(2, 10);
    return `c${counter}-${random}`;
  };
  const errorListeners = new Set<(error: AppError) => void>();

  pipe.onMessage((message) => {
    if (message.kind === 'error') {
      for (const listener of errorListeners) listener(message.error);
      return;
    }
    const call = pending.get(message.id);
    if (!call) return;
    // Names and notes from routers, PBXs and bundles are shown: no bidi override or invisible letter gets through.
    if (message.kind === 'progress') {
      call.onProgress?.(showable(message.event));
    } else {
      pending.delete(message.id);
      call.resolve(showable(message.result));
    }
  });

  pipe.onClose?.((error) => {
    for (const [id, call] of pending) {
      pending.delete(id);
      call.resolve({ ok: false, error });
    }
    for (const listener of errorListeners) listener(error);
  });

  return {
    call(op, input, options = {}) {
      const id = nextId();
      return new Promise((resolve) => {
        const entry: Pending = { resolve: resolve as (result: Result<unknown>) => void };
        if (options.onProgress) entry.onProgress = options.onProgress as (event: unknown) => void;
        pending.set(id, entry);
        if (options.signal) {
          if (options.signal.aborted) {
            pending.delete(id);
            resolve({ ok: false, error: { code: 'cancelled', message: 'Cancelled before it started.' } });
            return;
          }
          options.signal.addEventListener('abort', () => pipe.send({ kind: 'cancel', id }), { once: true });
        }
        pipe.send({ kind: 'call', id, op, input });
      });
    },
    onError(listener) {
      errorListeners.add(listener);
      return () => errorListeners.delete(listener);
    },
  };
}
