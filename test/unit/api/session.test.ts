import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../electron/api/dispatcher';
import { createHandlers } from '../../../electron/api/handlers';
import { nodeEnv } from '../../../electron/api/handlers/node-env';
import { createSession, MAX_CALLS_IN_FLIGHT } from '../../../electron/api/session';
import type { ServerMessage } from '../../../contract/wire';
import { createClient, type Pipe } from '../../../renderer/src/api/client';
import { unitDataDir } from '../helpers/data-dir';

/** A pipe that hands messages straight to a session, as IPC and the WebSocket do, but in memory. */
function memoryPipe(handlers = createHandlers(nodeEnv('cli', unitDataDir))) {
  const listeners = new Set<(m: ServerMessage) => void>();
  const session = createSession(createDispatcher(handlers), (m) =>
    queueMicrotask(() => listeners.forEach((l) => l(m))),
  );
  const pipe: Pipe = {
    send: (m) => session.receive(JSON.parse(JSON.stringify(m))),
    onMessage: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { pipe, session };
}

describe('session and client', () => {
  it('round-trips a typed call', async () => {
    const client = createClient(memoryPipe().pipe);
    const result = await client.call('app.info', {});
    expect(result.ok && result.value.frontEnd).toBe('cli');
  });

  it('streams progress events to the call that asked for them', async () => {
    const client = createClient(memoryPipe().pipe);
    const seen: string[] = [];
    const result = await client.call('app.doctor', {}, { onProgress: (check) => seen.push(check.id) });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(seen).toEqual(result.value.checks.map((c) => c.id));
    expect(seen).toContain('data-dir');
  });

  it('answers a malformed message with an error value that belongs to no call', async () => {
    const { pipe, session } = memoryPipe();
    const client = createClient(pipe);
    const errors: string[] = [];
    client.onError((e) => errors.push(e.code));
    session.receive({ kind: 'call', id: 'bad id with spaces', op: 'app.info', input: {} });
    session.receive('not even an object');
    await new Promise((r) => setTimeout(r, 10));
    expect(errors).toEqual(['invalid_input', 'invalid_input']);
  });

  it('cancels a running call when the client aborts it', async () => {
    let sawAbort = false;
    const handlers = {
      ...createHandlers(nodeEnv('cli', unitDataDir)),
      'lan.detect': (_i: unknown, { signal }: { signal: AbortSignal }) =>
        new Promise<never>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(new Error('aborted'));
          });
        }),
    };
    const client = createClient(memoryPipe(handlers as never).pipe);
    const controller = new AbortController();
    const pending = client.call('lan.detect', {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    const result = await pending;
    expect(sawAbort).toBe(true);
    expect(result).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });

  it('bounds the calls one front end can have in flight', async () => {
    const never = () => new Promise<never>(() => {});
    const handlers = { ...createHandlers(nodeEnv('cli', unitDataDir)), 'lan.detect': never };
    const client = createClient(memoryPipe(handlers as never).pipe);
    for (let i = 0; i < MAX_CALLS_IN_FLIGHT; i += 1) void client.call('lan.detect', {});
    const refused = await client.call('lan.detect', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(refused.ok || refused.error.message).toMatch(/Too many/);
  });

  it('stops talking once closed and aborts what was running', async () => {
    let aborted = false;
    const handlers = {
      ...createHandlers(nodeEnv('cli', unitDataDir)),
      'lan.detect': (_i: unknown, { signal }: { signal: AbortSignal }) =>
        new Promise<never>(() => signal.addEventListener('abort', () => (aborted = true))),
    };
    const sent: ServerMessage[] = [];
    const session = createSession(createDispatcher(handlers as never), (m) => sent.push(m));
    session.receive({ kind: 'call', id: 'c1', op: 'lan.detect', input: {} });
    session.close();
    session.receive({ kind: 'call', id: 'c2', op: 'app.info', input: {} });
    await new Promise((r) => setTimeout(r, 10));
    expect(aborted).toBe(true);
    expect(sent).toEqual([]);
  });
});
