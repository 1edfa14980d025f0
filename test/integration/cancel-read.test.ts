/**
 * A read the technician cancels returns at once, even when the box never
 * answers, and input checks that need no box refuse before any login: a
 * loopback listener that accepts and stays silent stands in for the boxes.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../electron/api/dispatcher';
import { createHandlers } from '../../electron/api/handlers';
import { nodeEnv } from '../../electron/api/handlers/node-env';

let dir: string;
let port: number;
const sockets: Socket[] = [];
const silent = createServer((socket) => void sockets.push(socket));

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fspbx-cancel-'));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  port = (silent.address() as AddressInfo).port;
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('cancelling a read', () => {
  it.each([
    ['router.read', { host: '127.0.0.1', port: 0, tls: false, username: 'admin', password: 'x' }],
    ['pbx.read', { host: '127.0.0.1', port: 0, username: 'root', auth: { kind: 'password', password: 'x' } }],
  ] as const)('%s returns "cancelled" as soon as it is cancelled', async (op, target) => {
    const dispatcher = createDispatcher(createHandlers(nodeEnv('cli', dir)));
    const controller = new AbortController();
    const pending = dispatcher.call(op, { ...target, port }, { signal: controller.signal, progress: () => {} });
    // Connected and waiting for an answer that never comes.
    await expect.poll(() => sockets.length, { timeout: 5000 }).toBeGreaterThan(0);
    controller.abort();
    const outcome = await Promise.race([
      pending,
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2000)),
    ]);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });
});

describe('input checks that need no box', () => {
  it('refuse sources covering the Internet before logging in to either box', async () => {
    const dispatcher = createDispatcher(createHandlers(nodeEnv('cli', dir)));
    const result = await dispatcher.call(
      'site.plan',
      {
        router: { host: '127.0.0.1', port, tls: false, username: 'admin', password: 'x' },
        pbx: { host: '127.0.0.1', port, username: 'root', auth: { kind: 'password', password: 'x' } },
        trunks: [
          { name: 'Half', address: '0.0.0.0/1' },
          { name: 'Other half', address: '128.0.0.0/1' },
        ],
        phones: [],
        options: {},
      },
      { signal: new AbortController().signal, progress: () => {} },
    );
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        field: 'trunks.0.address',
        message: expect.stringMatching(/large part of the Internet/),
      },
    });
    expect(sockets).toEqual([]);
  });
});
