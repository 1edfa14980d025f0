import { describe, expect, it } from 'vitest';
import { OP_NAMES } from '../../../contract/operations';
import { createDispatcher, type CallContext, type Handlers } from '../../../electron/api/dispatcher';
import { fail } from '../../../contract/errors';
import { createHandlers } from '../../../electron/api/handlers';
import { nodeEnv } from '../../../electron/api/handlers/node-env';
import { unitDataDir } from '../helpers/data-dir';

const ctx = (events: unknown[] = [], signal = new AbortController().signal): CallContext<unknown> => ({
  progress: (e) => events.push(e),
  signal,
});

function handlersWith(overrides: Partial<Handlers>): Handlers {
  return { ...createHandlers(nodeEnv('cli', unitDataDir)), ...overrides };
}

describe('dispatcher', () => {
  it('answers every operation of the contract with a value or an error value, never a throw', async () => {
    const dispatcher = createDispatcher(createHandlers(nodeEnv('cli', unitDataDir)));
    // discover would scan the real network with its defaults; FSPBX_NAT_NO_SCAN (vitest env) refuses it too.
    for (const op of OP_NAMES.filter((o) => o !== 'discover')) {
      const result = await dispatcher.call(op, {}, ctx());
      expect(typeof result.ok).toBe('boolean');
      if (!result.ok) expect(result.error.message.length).toBeGreaterThan(10);
    }
  });

  it('refuses an operation the contract does not know', async () => {
    const result = await createDispatcher(handlersWith({})).call('router.wipe', {}, ctx());
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown_operation' } });
  });

  it('validates input before the handler runs and names the wrong field', async () => {
    let ran = false;
    const dispatcher = createDispatcher(
      handlersWith({
        'router.read': async () => {
          ran = true;
          return fail('internal', 'should not run');
        },
      }),
    );
    const result = await dispatcher.call(
      'router.read',
      { host: '192.168.88.300', username: 'admin', password: '' },
      ctx(),
    );
    expect(ran).toBe(false);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'invalid_input', field: 'host' });
    expect(result.error.message).toMatch(/IPv4 address/);
  });

  it('rejects unknown fields instead of ignoring them', async () => {
    const result = await createDispatcher(handlersWith({})).call('app.info', { debug: true }, ctx());
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('applies schema defaults so handlers see complete input', async () => {
    let seen: unknown;
    const dispatcher = createDispatcher(
      handlersWith({
        discover: async (input) => {
          seen = input;
          return fail('not_available_yet', 'later');
        },
      }),
    );
    await dispatcher.call('discover', {}, ctx());
    expect(seen).toEqual({ sshPorts: [22], seconds: 1.5 });
  });

  it('turns an unexpected throw into an internal error whose stack stays in the detail', async () => {
    const logged: string[] = [];
    const dispatcher = createDispatcher(
      handlersWith({
        'lan.detect': async () => {
          throw new TypeError('boom at line 3');
        },
      }),
      { error: (m) => logged.push(m) },
    );
    const result = await dispatcher.call('lan.detect', {}, ctx());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('internal');
    expect(result.error.message).not.toContain('boom');
    expect(result.error.detail).toContain('boom at line 3');
    expect(logged).toEqual(['operation lan.detect failed']);
  });

  it('passes progress events through and reports cancellation as its own code', async () => {
    const controller = new AbortController();
    const events: unknown[] = [];
    const dispatcher = createDispatcher(
      handlersWith({
        'app.doctor': async (_input, { progress, signal }) => {
          progress({ id: 'a', title: 'A', status: 'pass', summary: 'first' });
          controller.abort();
          if (signal.aborted) throw new Error('stopped');
          return { checks: [], status: 'pass' };
        },
      }),
    );
    const result = await dispatcher.call('app.doctor', {}, ctx(events, controller.signal));
    expect(events).toHaveLength(1);
    expect(result).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });

  it('refuses to scan the real network while tests run (FSPBX_NAT_NO_SCAN)', async () => {
    expect(process.env.FSPBX_NAT_NO_SCAN).toBe('1');
    const result = await createDispatcher(handlersWith({})).call('discover', { seconds: 1 }, ctx());
    expect(result).toMatchObject({ ok: false, error: { message: expect.stringMatching(/switched off/) } });
  });

  it('says plainly when a run is not in the history', async () => {
    const result = await createDispatcher(handlersWith({})).call('site.verify', { runId: 'run-1' }, ctx());
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: 'That run is not in this history.' },
    });
  });
});
