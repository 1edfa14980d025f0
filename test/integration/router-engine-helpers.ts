/** Shared by the router engine tests: router state and export compared without counters or clock stamps. */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouterChange } from '../../electron/routeros/change';
import { Failure } from '../../contract/errors';
import { routerTarget, type RouterTarget } from '../../contract/schemas';
import { connectRouter, type RouterConnection } from '../../electron/routeros/connection';
import { applyRouterPlan, type RouterApplyOptions } from '../../electron/routeros/engine';
import type { ApplyRecord } from '../../electron/routeros/apply';
import { planRouter, type RouterPlan } from '../../electron/routeros/plan';
import { readRouterState } from '../../electron/routeros/reader';
import { planRouterRestore, type RestoreScope } from '../../electron/routeros/restore';
import type { RouterPlanInputs } from '../../electron/routeros/inputs';
import { menuKeyOf, sameValue, type RosItem, type RouterState } from '../../electron/routeros/state';
import { encodeSentence, SentenceDecoder } from '../lab/routeros/api/codec';
import { startLab, type Lab } from '../lab/lab';
import { startRouterSim, type RouterSim } from '../lab/routeros';
import { SITE } from '../lab/topology';

/** Fields that move on their own (traffic counters, scheduler bookkeeping): not part of "the same state". */
const MOVING = new Set(['bytes', 'packets', 'run-count', 'next-run', 'last-started']);

export function comparableState(state: RouterState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state)) {
    out[key] = Array.isArray(value)
      ? (value as RosItem[]).map((item) => Object.fromEntries(Object.entries(item).filter(([f]) => !MOVING.has(f))))
      : value;
  }
  return out;
}

/** The router's own /export, without its date-stamped first line. */
export async function comparableExport(conn: RouterConnection): Promise<string> {
  const rows = await conn.command('/export');
  const text = rows.map((r) => r.ret ?? '').join('');
  if (!text.includes('/ip firewall')) throw new Error('the router returned no export');
  return text.replace(/^# .* by RouterOS .*\n/m, '');
}

/** Whether the router now holds what the change asked for, judged from a fresh read (not from the engine's record). */
export function tookEffect(
  change: RouterChange,
  itemId: string | undefined,
  now: RouterState,
  before: RouterState,
): boolean {
  const key = menuKeyOf(change.path)!;
  if (change.action === 'add') {
    const known = new Set(before[key].map((i) => i['.id']));
    return now[key].some(
      (item) =>
        !known.has(item['.id']) &&
        (itemId === undefined || item['.id'] === itemId) &&
        Object.entries(change.after ?? {}).every(([k, v]) => v === null || sameValue(item[k], v)),
    );
  }
  const item = now[key].find((i) => i['.id'] === change.itemId);
  if (change.action === 'remove') return item === undefined;
  return (
    item !== undefined &&
    Object.entries(change.after ?? {}).every(([k, v]) => sameValue(item[k] ?? undefined, v ?? undefined))
  );
}

export interface CuttableLink {
  port: number;
  /**
   * From now on, pass this many more reply sentences to the client, then cut the link both ways.
   * With `heal`, the cable is plugged back in after the cut: later connections pass again.
   */
  cutAfter(sentences: number, options?: { heal?: boolean }): void;
  close(): Promise<void>;
}

/**
 * A TCP hop between the engine and the router's plain API that can be cut
 * like a pulled cable, after a chosen number of reply sentences (it reads the
 * API framing; the router itself is not told).
 */
export function cuttableLink(target: { host: string; port: number }): Promise<CuttableLink> {
  const sockets = new Set<Socket>();
  let budget: number | undefined;
  let heal = false;
  const server = createServer((client) => {
    const upstream = tcpConnect(target.port, target.host);
    const decoder = new SentenceDecoder();
    sockets.add(client).add(upstream);
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
    };
    const pull = (): void => {
      cut();
      if (heal) budget = undefined;
    };
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (budget === undefined) {
        client.write(chunk);
        return;
      }
      for (const event of decoder.push(chunk)) {
        if (event.kind !== 'sentence' || budget <= 0) break;
        client.write(encodeSentence(event.words));
        budget -= 1;
      }
      if (budget <= 0) pull();
    });
    client.on('close', cut).on('error', cut);
    upstream.on('close', cut).on('error', cut);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        cutAfter: (n, options) => {
          budget = n;
          heal = options?.heal ?? false;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

export interface WatchedLink {
  port: number;
  /** Every sentence the client sent, in order, with how many of its commands were unanswered at that moment. */
  sent: { words: string[]; outstanding: number }[];
  close(): Promise<void>;
}

/**
 * A TCP hop that hands the router's bytes to the client a few at a time, each
 * piece on its own turn of the event loop (as a relay over a 1500-byte link
 * cuts a long reply anywhere: inside a length prefix, just before a
 * sentence's closing zero), and records what the client sends.
 */
export function watchedLink(target: { host: string; port: number }, pieceBytes = 3): Promise<WatchedLink> {
  const sockets = new Set<Socket>();
  const sent: WatchedLink['sent'] = [];
  const server = createServer((client) => {
    const upstream = tcpConnect(target.port, target.host);
    const fromClient = new SentenceDecoder();
    const fromRouter = new SentenceDecoder();
    const open = new Set<string>();
    sockets.add(client).add(upstream);
    client.setNoDelay(true);
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      for (const event of fromClient.push(chunk)) {
        if (event.kind !== 'sentence') continue;
        sent.push({ words: event.words, outstanding: open.size });
        const tag = event.words.find((w) => w.startsWith('.tag='));
        if (tag) open.add(tag);
      }
      upstream.write(chunk);
    });
    let queue = Promise.resolve();
    upstream.on('data', (chunk: Buffer) => {
      for (const event of fromRouter.push(chunk)) {
        if (event.kind !== 'sentence' || event.words[0] !== '!done') continue;
        const tag = event.words.find((w) => w.startsWith('.tag='));
        if (tag) open.delete(tag);
      }
      queue = queue.then(async () => {
        for (let at = 0; at < chunk.length && !client.destroyed; at += pieceBytes) {
          client.write(chunk.subarray(at, at + pieceBytes));
          await new Promise((r) => setImmediate(r));
        }
      });
    });
    client.on('close', cut).on('error', cut);
    upstream.on('close', cut).on('error', cut);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        sent,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** The site the loopback router tests plan for: two trunks, a remote phone, the web GUI forward. */
export const LOOPBACK_INPUTS: RouterPlanInputs = {
  pbxAddress: '192.168.88.10',
  trunks: [
    { name: 'Carrier A', address: '198.51.100.10' },
    { name: 'Carrier B', address: '198.51.100.0/28' },
  ],
  phones: [{ name: 'Home office', address: '192.0.2.20' }],
  pbxRtp: { start: 16384, end: 32768 },
  webGui: true,
};

/** The simulator on a loopback address of its own, with admin/secret, its state in a folder that close() removes. */
export async function loopbackRouter(host: string): Promise<{ sim: RouterSim; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'fspbx-router-'));
  const sim = await startRouterSim({
    bind: host,
    apiPort: 0,
    apiSslPort: 0,
    stateDir: dir,
    users: [{ name: 'admin', password: 'secret', group: 'full' }],
  });
  return {
    sim,
    close: async () => {
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The router side of a site rollback, composed from the functions the product runs: a fresh read,
 * the restore planned from it (site/run.ts planRollback), and that plan sent with no revert job
 * (site/open-sides.ts, the router side's apply). Running it again plans nothing.
 */
export async function restoreRouter(
  conn: RouterConnection,
  snapshot: RouterState,
  scope: RestoreScope,
  options: Pick<RouterApplyOptions, 'onProgress' | 'commandTimeoutMs'> = {},
): Promise<{ plan: RouterPlan; record: ApplyRecord }> {
  const current = await readRouterState(conn);
  const plan = planRouterRestore(snapshot, current, scope);
  const result = await applyRouterPlan(conn, current, plan, { revertMinutes: false, ...options });
  if (!result.ok) throw new Failure(result.error);
  return { plan, record: result.record };
}

/** The site lab's trunk and remote phone, as the router planner takes them. */
export const SITE_INPUTS: RouterPlanInputs = {
  pbxAddress: SITE.pbx,
  trunks: [{ name: 'Carrier', address: SITE.trunk }],
  phones: [{ name: 'Home office', address: SITE.phone }],
  pbxRtp: { start: 16384, end: 32768 },
};

/** Starts the site lab and reaches its router from the technician's laptop: API-SSL, certificate pinned. */
export async function siteLabRouter(): Promise<{ lab: Lab; target: RouterTarget }> {
  const lab = await startLab();
  if (!lab.router) throw new Error('the site lab started without the MikroTik simulator');
  const api = await lab.relay('tech', { host: SITE.router.lan, port: lab.router.apiSslPort });
  const target = routerTarget.parse({
    host: api.host,
    port: api.port,
    username: lab.router.user,
    password: lab.router.password,
    fingerprint: lab.router.fingerprint,
  });
  return { lab, target };
}

/** One connection for `fn`, closed whatever happens. */
export async function withRouterAt<T>(target: RouterTarget, fn: (conn: RouterConnection) => Promise<T>): Promise<T> {
  const conn = await connectRouter(target);
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

/** The router plan for `state`, or the planner's refusal as a thrown error. */
export function planFor(state: RouterState, inputs: RouterPlanInputs = SITE_INPUTS): RouterPlan {
  const result = planRouter(state, inputs);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.plan;
}
