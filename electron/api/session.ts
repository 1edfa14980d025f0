/**
 * One connected front end (a window, a browser tab): parses what it sends,
 * runs calls through the dispatcher, streams progress back, and cancels
 * everything still running when it goes away.
 */
import type { Dispatcher } from './dispatcher';
import { invalidInput } from './dispatcher';
import { clientMessage, type ServerMessage } from '../../contract/wire';

/** Bounds the work one front end can start at once. */
export const MAX_CALLS_IN_FLIGHT = 16;

export interface Session {
  receive(raw: unknown): void;
  close(): void;
}

export function createSession(dispatcher: Dispatcher, send: (message: ServerMessage) => void): Session {
  const inFlight = new Map<string, AbortController>();
  let closed = false;
  const emit = (message: ServerMessage) => {
    if (!closed) send(message);
  };

  return {
    receive(raw) {
      if (closed) return;
      const parsed = clientMessage.safeParse(raw);
      if (!parsed.success) {
        emit({ kind: 'error', error: invalidInput(parsed.error.issues) });
        return;
      }
      const message = parsed.data;
      if (message.kind === 'cancel') {
        inFlight.get(message.id)?.abort();
        return;
      }
      if (inFlight.has(message.id)) {
        emit({
          kind: 'result',
          id: message.id,
          result: { ok: false, error: { code: 'invalid_input', message: 'A call with this id is already running.' } },
        });
        return;
      }
      if (inFlight.size >= MAX_CALLS_IN_FLIGHT) {
        emit({
          kind: 'result',
          id: message.id,
          result: {
            ok: false,
            error: { code: 'invalid_input', message: 'Too many operations at once; wait for one to finish.' },
          },
        });
        return;
      }
      const controller = new AbortController();
      inFlight.set(message.id, controller);
      void dispatcher
        .call(message.op, message.input, {
          signal: controller.signal,
          progress: (event) => {
            if (!controller.signal.aborted) emit({ kind: 'progress', id: message.id, event });
          },
        })
        .then((result) => {
          inFlight.delete(message.id);
          emit({ kind: 'result', id: message.id, result });
        });
    },
    close() {
      closed = true;
      for (const controller of inFlight.values()) controller.abort();
      inFlight.clear();
    },
  };
}
