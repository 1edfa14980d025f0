/**
 * The wizard's RouterOS connection against the simulator on loopback:
 * certificate pinning before login, rights, !empty, and errors as values.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createTlsServer, type Server } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf } from './helpers/failure';
import { routerTarget, type RouterTarget } from '../../contract/schemas';
import { confirmRevert, installRevert } from '../../electron/routeros/confirm';
import { connectRouter } from '../../electron/routeros/connection';
import { REVERT_NAME } from '../../electron/routeros/revert';
import { canWrite, readRouterState } from '../../electron/routeros/reader';
import { createDispatcher } from '../../electron/api/dispatcher';
import { createHandlers } from '../../electron/api/handlers';
import { nodeEnv } from '../../electron/api/handlers/node-env';
import { startRouterSim, type RouterSim } from '../lab/routeros';
import { applyChanges } from '../../electron/routeros/apply';
import { planRouter } from '../../electron/routeros/plan';
import { watchedLink } from './router-engine-helpers';

const HOST = '127.0.0.41';
let dir: string;
let sim: RouterSim;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fspbx-rconn-'));
  sim = await startRouterSim({
    bind: HOST,
    apiPort: 0,
    apiSslPort: 0,
    stateDir: dir,
    identity: 'HQ-<b>router</b>',
    users: [
      { name: 'admin', password: 'secret', group: 'full' },
      { name: 'viewer', password: 'look', group: 'read' },
    ],
  });
});

afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

const target = (patch: Partial<RouterTarget> = {}): RouterTarget =>
  routerTarget.parse({ host: HOST, port: sim.apiSslPort, username: 'admin', password: 'secret', ...patch });

describe('RouterOS connection', () => {
  it('stops at first contact with the certificate fingerprint, and sends no password', async () => {
    const first = await failureOf(connectRouter(target()));
    expect(first.error.code).toBe('host_key_unknown');
    expect(first.error.fingerprint).toBe(sim.fingerprint);
  });

  it('logs in once the fingerprint is pinned, in either spelling', async () => {
    const colons = sim.fingerprint.toUpperCase().match(/../g)!.join(':');
    for (const fingerprint of [sim.fingerprint, colons]) {
      const conn = await connectRouter(target({ fingerprint }));
      expect(conn.fingerprint).toBe(sim.fingerprint);
      expect(conn.insecure).toBe(false);
      await conn.close();
    }
  });

  it('refuses a changed certificate before login', async () => {
    const wrong = 'ab'.repeat(32);
    const changed = await failureOf(connectRouter(target({ fingerprint: wrong })));
    expect(changed.error.code).toBe('host_key_changed');
    expect(changed.error.message).toMatch(/CHANGED/);
    expect(changed.error.fingerprint).toBe(sim.fingerprint);
  });

  it('never lets the password reach a server whose certificate does not match', async () => {
    // An impostor with its own certificate that records anything it is sent.
    const impostorDir = await mkdtemp(join(tmpdir(), 'fspbx-impostor-'));
    const other = await startRouterSim({ bind: '127.0.0.42', apiPort: 0, apiSslPort: 0, stateDir: impostorDir });
    const received: Buffer[] = [];
    const server: Server = createTlsServer(
      { key: readFileSync(join(impostorDir, 'api-ssl.key')), cert: readFileSync(join(impostorDir, 'api-ssl.crt')) },
      (socket) => socket.on('data', (d: Buffer) => received.push(d)),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.43', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const refused = await failureOf(
        connectRouter(
          routerTarget.parse({
            host: '127.0.0.43',
            port,
            username: 'admin',
            password: 'secret',
            fingerprint: sim.fingerprint,
          }),
        ),
      );
      expect(refused.error.code).toBe('host_key_changed');
      await new Promise((r) => setTimeout(r, 100));
      expect(Buffer.concat(received).toString('latin1')).not.toContain('secret');
      expect(received).toEqual([]);
    } finally {
      server.close();
      await other.close();
      await rm(impostorDir, { recursive: true, force: true });
    }
  });

  it('names a wrong password, a closed port and a read-only account', async () => {
    const denied = await failureOf(connectRouter(target({ fingerprint: sim.fingerprint, password: 'nope' })));
    expect(denied.error.code).toBe('auth_failed');
    const closed = await failureOf(
      connectRouter(routerTarget.parse({ host: '127.0.0.44', port: 9, tls: false, username: 'a', password: '' })),
    );
    expect(closed.error.code).toBe('host_unreachable');
    expect(closed.error.message).toMatch(
      /127\.0\.0\.44:9 refused the connection: nothing listens on port 9 there\. Either the RouterOS API is off/,
    );
    const viewer = await connectRouter(target({ fingerprint: sim.fingerprint, username: 'viewer', password: 'look' }));
    expect(await canWrite(viewer, 'viewer')).toBe(false);
    const trap = await failureOf(viewer.command('/ip/firewall/address-list/add', ['=list=x', '=address=198.51.100.1']));
    expect(trap.error.code).toBe('permission_denied');
    await viewer.close();
  });

  it('rights follow what the change and its revert job need: read and write; no api policy is named at login', async () => {
    const admin = await connectRouter(target({ fingerprint: sim.fingerprint }));
    const made: [string, string][] = [];
    try {
      for (const [group, policy] of [
        ['no-api', 'read,write,test'],
        ['write-only', 'write,api'],
        ['changer', 'read,write,api'],
      ] as const) {
        await admin.command('/user/group/add', [`=name=${group}`, `=policy=${policy}`]);
        await admin.command('/user/add', [`=name=${group}`, `=group=${group}`, '=password=pw']);
        made.push(['/user', group], ['/user/group', group]);
      }
      const noApi = await failureOf(
        connectRouter(target({ fingerprint: sim.fingerprint, username: 'no-api', password: 'pw' })),
      );
      expect(noApi.error.code).toBe('auth_failed');
      expect(noApi.error.message).toMatch(/"api" policy/);
      // "write" does not include "read" (user/group.md): such an account cannot read what it would change.
      const writeOnly = await connectRouter(
        target({ fingerprint: sim.fingerprint, username: 'write-only', password: 'pw' }),
      );
      expect(await canWrite(writeOnly, 'write-only')).toBe(false);
      await writeOnly.close();
      // Neither "policy" nor "test": the revert job carries read,write only, and such an account installs and fires it.
      const changer = await connectRouter(
        target({ fingerprint: sim.fingerprint, username: 'changer', password: 'pw' }),
      );
      try {
        expect(await canWrite(changer, 'changer')).toBe(true);
        const installed = await installRevert(changer, [], 1);
        if (!installed.ok) throw new Error(installed.error.message);
        const [job] = await changer.command('/system/scheduler/print', [`?name=${REVERT_NAME}`]);
        expect(job?.policy).toBe('read,write');
        expect((await confirmRevert(changer)).confirmed).toBe(true);
      } finally {
        await changer.close();
      }
    } finally {
      for (const [path, name] of made)
        await admin.command(`${path}/remove`, [`=numbers=${name}`]).catch(() => undefined);
      await admin.close();
    }
  });

  it('reads the whole state in one pipelined batch, empty menus included (RouterOS 7.18+ !empty)', async () => {
    const conn = await connectRouter(target({ fingerprint: sim.fingerprint }));
    const state = await readRouterState(conn);
    expect(state.identity).toBe('HQ-<b>router</b>');
    expect(state.addressLists).toEqual([]);
    expect(state.nat.length).toBeGreaterThan(0);
    expect(state.servicePorts.find((p) => p.name === 'sip')).toBeDefined();
    expect(await canWrite(conn, 'admin')).toBe(true);
    await conn.close();
  });

  it('answers router.read through the contract with WAN and rights', async () => {
    const dispatcher = createDispatcher(createHandlers(nodeEnv('cli', join(dir, 'data'))));
    const result = await dispatcher.call(
      'router.read',
      { host: HOST, port: sim.apiSslPort, username: 'admin', password: 'secret', fingerprint: sim.fingerprint },
      { progress: () => undefined, signal: new AbortController().signal },
    );
    expect(result).toMatchObject({
      ok: true,
      value: {
        wanAddresses: ['203.0.113.2/24'],
        defaultRoute: '203.0.113.1',
        canWrite: true,
        doubleNat: false,
        insecure: false,
      },
    });
  });
});

describe('the API link as it really is', () => {
  const plain = (port: number): RouterTarget =>
    routerTarget.parse({ host: '127.0.0.1', port, tls: false, username: 'admin', password: 'secret' });

  it('reads the whole router although a relay cuts its replies anywhere (inside a length, before the closing zero)', async () => {
    for (const pieceBytes of [1, 2, 7]) {
      const link = await watchedLink({ host: HOST, port: sim.apiPort }, pieceBytes);
      try {
        const conn = await connectRouter(plain(link.port), { connectTimeoutMs: 3000, commandTimeoutMs: 5000 });
        const state = await readRouterState(conn);
        expect(state.identity).toBe('HQ-<b>router</b>');
        expect(state.filter.length).toBeGreaterThan(5);
        await conn.close();
      } finally {
        await link.close();
      }
    }
  });

  it('sends only documented commands (each starts with "/"), also while an answer is slow', async () => {
    // https://manual.mikrotik.com/docs/developer-guides/api.md: command words begin with "/"; a
    // bare "#" is answered with a trap (notes: routeros-facts.md §9), so a keep-alive may not use it.
    const link = await watchedLink({ host: HOST, port: sim.apiPort }, 4096);
    sim.setFaults({ replyDelayMs: 1200 });
    try {
      const conn = await connectRouter(plain(link.port), { connectTimeoutMs: 2000, commandTimeoutMs: 6000 });
      await conn.command('/system/identity/print');
      await conn.close();
      expect(link.sent.length).toBe(2);
      expect(link.sent.filter((s) => !s.words[0]?.startsWith('/')).map((s) => s.words[0])).toEqual([]);
    } finally {
      sim.setFaults({});
      await link.close();
    }
  });

  it('applies a plan one command at a time: no change is sent before the previous one is answered', async () => {
    // No public source promises that tagged commands run in the order sent (routeros-facts.md §9).
    const link = await watchedLink({ host: HOST, port: sim.apiPort }, 4096);
    try {
      const conn = await connectRouter(plain(link.port));
      const state = await readRouterState(conn);
      const plan = planRouter(state, {
        pbxAddress: '192.168.88.10',
        trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
        phones: [{ name: 'Home office', address: '192.0.2.20' }],
        pbxRtp: { start: 16384, end: 32768 },
      });
      if (!plan.ok) throw new Error(JSON.stringify(plan.errors));
      expect(plan.plan.changes.length).toBeGreaterThan(5);
      const record = await applyChanges(conn, plan.plan.changes);
      expect(record.complete).toBe(true);
      const writes = link.sent.filter((s) => /\/(add|set|remove|unset)$/.test(s.words[0] ?? ''));
      expect(writes.length).toBe(plan.plan.changes.length);
      expect(writes.filter((s) => s.outstanding > 0)).toEqual([]);
      // Leave the shared simulator as it was for the other tests.
      const restore = await applyChanges(
        conn,
        plan.plan.changes
          .filter((c) => c.action === 'add')
          .reverse()
          .map((c, i) => ({
            ...c,
            id: `undo-${i}`,
            action: 'remove' as const,
            itemId: record.outcomes.find((o) => o.id === c.id)!.itemId!,
          })),
      );
      expect(restore.complete).toBe(true);
      await conn.close();
    } finally {
      await link.close();
    }
  });
});

describe('accepted certificates are remembered per address', () => {
  it('pins what was accepted, uses it on the next visit, and refuses a different certificate there later', async () => {
    const data = join(dir, 'known');
    const dispatcher = createDispatcher(createHandlers(nodeEnv('cli', data)));
    const call = (input: Record<string, unknown>) =>
      dispatcher.call('router.read', input, { progress: () => undefined, signal: new AbortController().signal });
    const first = await startRouterSim({ bind: '127.0.0.46', apiPort: 0, apiSslPort: 0, stateDir: join(dir, 'first') });
    const port = first.apiSslPort;
    const login = { host: '127.0.0.46', port, username: 'admin', password: '' };
    try {
      expect(await call(login)).toMatchObject({
        ok: false,
        error: { code: 'host_key_unknown', fingerprint: first.fingerprint },
      });
      expect(await call({ ...login, fingerprint: first.fingerprint })).toMatchObject({ ok: true });
      // Next visit: nothing typed, the remembered pin is used.
      expect(await call(login)).toMatchObject({ ok: true, value: { fingerprint: first.fingerprint } });
    } finally {
      await first.close();
    }
    // The same address now answers with another certificate.
    const second = await startRouterSim({
      bind: '127.0.0.46',
      apiPort: 0,
      apiSslPort: port,
      stateDir: join(dir, 'second'),
    });
    try {
      expect(second.fingerprint).not.toBe(first.fingerprint);
      expect(await call(login)).toMatchObject({
        ok: false,
        error: { code: 'host_key_changed', fingerprint: second.fingerprint },
      });
    } finally {
      await second.close();
    }
  });
});
