/**
 * Everything the renderer receives from the other side (results and progress) is shown without
 * bidirectional or invisible characters: the client cleans it before any view sees it.
 */
import { describe, expect, it } from 'vitest';
import type { ClientMessage, ServerMessage } from '../../../contract/wire';
import { createClient, type Pipe } from '../../../renderer/src/api/client';

/** A pipe that answers each call with the given progress event and result. */
function answering(progress: unknown, result: unknown): Pipe {
  let listener: ((m: ServerMessage) => void) | undefined;
  return {
    send: (m: ClientMessage) => {
      if (m.kind !== 'call') return;
      queueMicrotask(() => {
        listener?.({ kind: 'progress', id: m.id, event: progress } as ServerMessage);
        listener?.({ kind: 'result', id: m.id, result } as ServerMessage);
      });
    },
    onMessage: (l) => {
      listener = l;
      return () => (listener = undefined);
    },
  };
}

describe('the renderer client', () => {
  it('removes bidi overrides and invisible letters from device strings in results and progress', async () => {
    const router = {
      mac: 'AA',
      identity: 'HQ\u202e\u2066gnp\u3164',
      ipv4: '192.168.88.1',
      isMikrotik: true,
      seenOn: 'eth0',
    };
    const client = createClient(
      answering({ kind: 'router', router }, { ok: true, value: { routers: [router], note: 'a\u00adb\nc\u034fd' } }),
    );
    const seen: unknown[] = [];
    const result = await client.call('discover', {}, { onProgress: (e) => seen.push(e) });
    expect(seen).toEqual([{ kind: 'router', router: { ...router, identity: 'HQgnp' } }]);
    expect(result).toEqual({ ok: true, value: { routers: [{ ...router, identity: 'HQgnp' }], note: 'ab\ncd' } });
  });
});
