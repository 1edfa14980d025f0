/**
 * The router engine against the MikroTik simulator in the site lab: the plan
 * applied over API-SSL from the tech host really forwards SIP from the trunk
 * (and not from a stranger), a second plan is empty, restore gives back the
 * exact snapshot, and an unconfirmed apply is undone by the router itself.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerTarget, type RouterTarget } from '../../contract/schemas';
import type { ApplyProgress, ApplyRecord } from '../../electron/routeros/apply';
import { pendingRevert } from '../../electron/routeros/confirm';
import { connectRouter, type RouterConnection } from '../../electron/routeros/connection';
import { applyRouterPlan, confirmRouterApply, settleRouterRecord } from '../../electron/routeros/engine';
import { routerScope } from '../../electron/routeros/managed';
import { planRouter, type RouterPlan } from '../../electron/routeros/plan';
import { readRouterState } from '../../electron/routeros/reader';
import { API_SSL_CERTIFICATE } from '../../electron/routeros/certificate';
import { REVERT_NAME } from '../../electron/routeros/revert';
import { menuKeyOf, type RouterState } from '../../electron/routeros/state';
import { optionsAnswered } from '../lab/clients';
import type { Lab } from '../lab/lab';
import { LAB_CERTIFICATE } from '../lab/routeros';
import { SITE } from '../lab/topology';
import {
  comparableExport,
  comparableState,
  cuttableLink,
  planFor,
  restoreRouter,
  siteLabRouter,
  SITE_INPUTS,
  tookEffect,
  withRouterAt,
} from './router-engine-helpers';

const isRoot = process.getuid?.() === 0;
let lab: Lab;
let target: RouterTarget;

const INPUTS = SITE_INPUTS;
/** What a rollback may write here: the wizard's entries for this PBX (routeros/managed.ts). */
const SCOPE = routerScope(INPUTS);

beforeAll(async () => {
  if (!isRoot) return;
  ({ lab, target } = await siteLabRouter());
}, 120_000);

afterAll(async () => {
  await lab?.stop();
});

const withRouter = <T>(fn: (conn: RouterConnection) => Promise<T>): Promise<T> => withRouterAt(target, fn);

const planOf = (state: RouterState): RouterPlan => planFor(state, INPUTS);

/** Answers "pbx" to every TCP connection on the port given (a stand-in for the PBX's web GUI). */
const TCP_HELLO_SERVER = [
  'import socket, sys',
  's = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
  "s.bind(('0.0.0.0', int(sys.argv[1]))); s.listen(8)",
  'while True:',
  "    c, _ = s.accept(); c.sendall(b'pbx'); c.close()",
].join('\n');
/** Prints what the server at argv[1]:argv[2] says first, or the error. */
const TCP_HELLO_CLIENT = [
  'import socket, sys',
  'try:',
  '    c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)',
  "    print(c.recv(16).decode(), end='')",
  'except OSError as e:',
  "    print(type(e).__name__, end='')",
].join('\n');

/** The firewall in the router namespace follows the API asynchronously: ask a few times. */
async function reaches(from: 'trunk' | 'phone' | 'stranger', port: number, want: boolean): Promise<boolean> {
  let answered = !want;
  for (let i = 0; i < 5 && answered !== want; i += 1)
    answered = await optionsAnswered(lab, from, SITE.router.wan, port);
  return answered;
}

describe.skipIf(!isRoot)('router engine in the site lab (needs root for namespaces)', () => {
  let snapshot: RouterState;
  let exportBefore: string;

  it('applies the plan behind a revert timer: the trunk reaches the pbx, a stranger does not, the SIP helper is off', async () => {
    await withRouter(async (conn) => {
      snapshot = await readRouterState(conn);
      exportBefore = await comparableExport(conn);
      expect(await reaches('trunk', 5080, false)).toBe(false);
      const plan = planOf(snapshot);
      expect(plan.changes.length).toBeGreaterThan(0);

      const progress: ApplyProgress[] = [];
      const result = await applyRouterPlan(conn, snapshot, plan, {
        revertMinutes: 5,
        onProgress: (p) => progress.push(p),
      });
      if (!result.ok) throw new Error(result.error.message);
      expect(result.record.complete).toBe(true);
      expect(result.record.applied).toEqual(plan.changes.map((c) => c.id));
      expect(progress.map((p) => p.changeId).sort()).toEqual(plan.changes.map((c) => c.id).sort());
      expect(progress.at(-1)?.done).toBe(plan.changes.length);

      const after = await readRouterState(conn);
      // Every add's recorded `.id` is the item the router now holds with that content.
      for (const change of plan.changes.filter((c) => c.action === 'add')) {
        const itemId = result.record.outcomes.find((o) => o.id === change.id)?.itemId;
        const menu = menuKeyOf(change.path)!;
        const item = after[menu].find((i) => i['.id'] === itemId);
        expect(item, change.id).toMatchObject(change.after as Record<string, string>);
      }
      expect(after.servicePorts.find((s) => s.name === 'sip')?.disabled).toBe('true');
      expect(after.schedulers.map((s) => s.name)).toEqual([REVERT_NAME]);
      expect(await pendingRevert(conn)).toBeDefined();
      expect(planOf(after).changes).toEqual([]);
    });
    expect(await reaches('trunk', 5080, true)).toBe(true);
    expect(await reaches('phone', 5060, true)).toBe(true);
    // The answers came from the pbx itself, which saw the peers' own addresses (dst-nat, no masquerade).
    const log = await readFile(lab.pbx.sipLog, 'utf8');
    expect(log).toContain(`"from": "${SITE.trunk}"`);
    expect(log).toContain(`"from": "${SITE.phone}"`);
    expect(await optionsAnswered(lab, 'stranger', SITE.router.wan, 5060)).toBe(false);
    expect(await optionsAnswered(lab, 'stranger', SITE.router.wan, 5080)).toBe(false);
    expect(await readFile(lab.pbx.sipLog, 'utf8')).not.toContain(`"from": "${SITE.stranger}"`);
  });

  it('confirm removes the revert job and keeps the change', async () => {
    await withRouter(async (conn) => {
      const confirmation = await confirmRouterApply(conn);
      expect(confirmation.confirmed).toBe(true);
      expect(confirmation.record.complete).toBe(true);
      expect(await pendingRevert(conn)).toBeUndefined();
      const state = await readRouterState(conn);
      expect(state.scripts).toEqual([]);
      expect(state.schedulers).toEqual([]);
      expect(planOf(state).changes).toEqual([]);
      // Nothing left to confirm: the caller learns it was not (or no longer) pending.
      expect(await confirmRouterApply(conn)).toMatchObject({ confirmed: false, record: { outcomes: [] } });
    });
    expect(await reaches('trunk', 5080, true)).toBe(true);
  });

  it('restore brings the router back to exactly the snapshot, and a second restore plans nothing', async () => {
    await withRouter(async (conn) => {
      const first = await restoreRouter(conn, snapshot, SCOPE);
      expect(first.plan.changes.length).toBeGreaterThan(0);
      expect(first.record.complete).toBe(true);
      expect(comparableState(await readRouterState(conn))).toEqual(comparableState(snapshot));
      expect(await comparableExport(conn)).toBe(exportBefore);
      const second = await restoreRouter(conn, snapshot, SCOPE);
      expect(second.plan.changes).toEqual([]);
    });
    expect(await reaches('trunk', 5080, false)).toBe(false);
  });

  it('an apply nobody confirms is undone by the router itself once the timer fires', async () => {
    const minute = 60_000;
    await withRouter(async (conn) => {
      const result = await applyRouterPlan(conn, snapshot, planOf(await readRouterState(conn)), { revertMinutes: 1 });
      if (!result.ok) throw new Error(result.error.message);
      expect(result.record.complete).toBe(true);
    });
    // The laptop goes away: nothing but the router's scheduler can undo it now.
    expect(await reaches('trunk', 5080, true)).toBe(true);
    const deadline = Date.now() + 2 * minute;
    let state: RouterState | undefined;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5000));
      state = await withRouter(readRouterState);
      if (state.nat.length === snapshot.nat.length && state.scripts.length === 0) break;
    }
    expect(comparableState(state!)).toEqual(comparableState(snapshot));
    expect(await withRouter(comparableExport)).toBe(exportBefore);
    expect(await reaches('trunk', 5080, false)).toBe(false);
  }, 200_000);

  it('a link cut halfway through the apply leaves an exact record, and restore still brings the snapshot back', async () => {
    const plain = await lab.relay('tech', { host: SITE.router.lan, port: lab.router!.apiPort });
    const link = await cuttableLink(plain);
    try {
      const conn = await connectRouter(
        routerTarget.parse({ ...target, host: '127.0.0.1', port: link.port, tls: false }),
      );
      let record: ApplyRecord;
      let plan: RouterPlan;
      try {
        plan = planOf(await readRouterState(conn));
        // The router's clock (its row and !done), the revert job's four answers (its script added, read
        // back: row and !done, its timer added), then half of the changes' (one answer each, one at a time).
        const half = Math.floor(plan.changes.length / 2);
        expect(half).toBeGreaterThan(1);
        link.cutAfter(2 + 4 + half);
        const result = await applyRouterPlan(conn, snapshot, plan, { revertMinutes: 5 });
        if (!result.ok) throw new Error(result.error.message);
        record = result.record;
        expect(record.complete).toBe(false);
        expect(record.applied).toEqual(plan.changes.slice(0, half).map((c) => c.id));
        expect(record.failed?.error.code).toBe('transport_closed');
        // The one in flight when the link died: unknown, not applied, not failed; nothing after it was sent.
        const statusOf = (id: string) => record.outcomes.find((o) => o.id === id)?.status;
        expect(statusOf(plan.changes[half]!.id)).toBe('unknown');
        for (const change of plan.changes.slice(half + 1)) expect(statusOf(change.id), change.id).toBe('not-sent');
      } finally {
        await conn.close();
      }

      await withRouter(async (again) => {
        const settled = await settleRouterRecord(again, snapshot, plan.changes, record);
        for (const change of plan.changes) {
          const outcome = settled.record.outcomes.find((o) => o.id === change.id)!;
          expect(outcome.status === 'applied', `${change.id} ${outcome.status}`).toBe(
            tookEffect(change, outcome.itemId, settled.state, snapshot),
          );
        }
        // The revert job went in before the first change: the router would undo this by itself too.
        expect(settled.state.schedulers.map((s) => s.name)).toEqual([REVERT_NAME]);
        const restored = await restoreRouter(again, snapshot, SCOPE);
        expect(restored.record.complete).toBe(true);
        expect(comparableState(await readRouterState(again))).toEqual(comparableState(snapshot));
        expect(await comparableExport(again)).toBe(exportBefore);
      });
      expect(await reaches('trunk', 5080, false)).toBe(false);
    } finally {
      await link.close();
    }
  });

  it('with a custom firewall that jumps to its own chain and drops there, the accept goes before the jump: real traffic passes', async () => {
    // A user chain reached by `action=jump` (https://manual.mikrotik.com/docs/firewall-and-quality-of-service/firewall/filter.md).
    const added: string[] = [];
    await withRouter(async (conn) => {
      const start = await readRouterState(conn);
      const drop = start.filter.find((r) => r.comment === 'defconf: drop all from WAN not DSTNATed')!;
      const add = async (words: string[]) =>
        added.push((await conn.command('/ip/firewall/filter/add', words))[0]!.ret!);
      await add(['=chain=wan-in', '=action=drop', '=comment=wan-in: drop the rest']);
      await add([
        '=chain=forward',
        '=action=jump',
        '=jump-target=wan-in',
        '=in-interface-list=WAN',
        '=connection-state=new',
        '=comment=to wan-in',
        `=place-before=${drop['.id']}`,
      ]);
    });
    const custom = await withRouter(readRouterState);
    await withRouter(async (conn) => {
      const plan = planOf(custom);
      const accepts = plan.changes.filter((c) => c.path === '/ip/firewall/filter' && c.action === 'add');
      expect(accepts.length).toBeGreaterThan(0);
      expect(new Set(accepts.map((c) => c.placeBefore))).toEqual(new Set([added[1]]));
      const result = await applyRouterPlan(conn, custom, plan, { revertMinutes: false });
      if (!result.ok) throw new Error(result.error.message);
      expect(result.record.complete).toBe(true);
      expect(planOf(await readRouterState(conn)).changes).toEqual([]);
    });
    expect(await reaches('trunk', 5080, true)).toBe(true);
    expect(await optionsAnswered(lab, 'stranger', SITE.router.wan, 5080)).toBe(false);
    await withRouter(async (conn) => {
      expect((await restoreRouter(conn, custom, SCOPE)).record.complete).toBe(true);
      for (const id of added.reverse()) await conn.command('/ip/firewall/filter/remove', [`=.id=${id}`]);
      expect(comparableState(await readRouterState(conn))).toEqual(comparableState(snapshot));
    });
  });

  it('with hairpin and the web GUI on, the laptop reaches the PBX at the public address, and the router keeps its own LAN address', async () => {
    const inputs = { ...INPUTS, hairpin: true, webGui: true };
    await withRouter(async (conn) => {
      const before = await readRouterState(conn);
      const plan = planRouter(before, inputs);
      if (!plan.ok) throw new Error(plan.errors.map((e) => e.message).join('; '));
      const result = await applyRouterPlan(conn, before, plan.plan, { revertMinutes: false });
      if (!result.ok || !result.record.complete) throw new Error('apply failed');
      const again = planRouter(await readRouterState(conn), inputs);
      expect(again.ok && again.plan.changes).toEqual([]);
    });
    // tech is a LAN host, not in any peer list (https://manual.mikrotik.com/docs/firewall-and-quality-of-service/firewall/nat.md, "Hairpin NAT").
    let hairpin = false;
    for (let i = 0; i < 5 && !hairpin; i += 1) hairpin = await optionsAnswered(lab, 'tech', SITE.router.wan, 5060);
    expect(hairpin).toBe(true);
    expect(await optionsAnswered(lab, 'tech', SITE.router.wan, 5080)).toBe(true);
    // The router's own LAN address is not forwarded: nothing answers SIP there.
    expect(await optionsAnswered(lab, 'tech', SITE.router.lan, 5060)).toBe(false);
    // The web GUI forward: the public address's port 443 is the PBX's, the router's LAN address keeps its own.
    const pbxWeb = lab.exec('pbx', ['timeout', '8', 'python3', '-c', TCP_HELLO_SERVER, '443']);
    await new Promise((r) => setTimeout(r, 700));
    expect((await lab.exec('tech', ['python3', '-c', TCP_HELLO_CLIENT, SITE.router.wan, '443'])).stdout).toBe('pbx');
    expect((await lab.exec('tech', ['python3', '-c', TCP_HELLO_CLIENT, SITE.router.lan, '443'])).stdout).not.toBe(
      'pbx',
    );
    await pbxWeb;
    await withRouter(async (conn) => {
      expect((await restoreRouter(conn, snapshot, SCOPE)).record.complete).toBe(true);
      expect(comparableState(await readRouterState(conn))).toEqual(comparableState(snapshot));
    });
  });
  it('a stock api-ssl (no certificate) from the laptop: the cause named, then a certificate made over the unverified session and pinned', async () => {
    await withRouter((conn) => conn.command('/ip/service/set', ['=numbers=api-ssl', '=certificate=none']));
    try {
      const refused = await connectRouter({ ...target, fingerprint: undefined }).then(
        () => undefined,
        (e: unknown) => e as { error?: { code?: string } },
      );
      expect(refused?.error?.code).toBe('no_certificate');
      const made = await connectRouter({ ...target, fingerprint: undefined, noCertificate: 'make-certificate' });
      try {
        expect(made.fingerprint).toMatch(/^[0-9a-f]{64}$/);
        expect(made.fingerprint).not.toBe(lab.router!.fingerprint);
        // The service's own row: from 7.19 this session is printed as a dynamic api-ssl row too.
        const [service] = await made.command('/ip/service/print', ['?name=api-ssl', '?dynamic=false']);
        expect(service?.certificate).toBe(API_SSL_CERTIFICATE);
      } finally {
        await made.close();
      }
    } finally {
      // Later tests pin the lab's own certificate: give it back, through the plain API if need be.
      const api = await lab.relay('tech', { host: SITE.router.lan, port: lab.router!.apiPort });
      const plain = await connectRouter({ ...target, tls: false, host: api.host, port: api.port });
      try {
        await plain.command('/ip/service/set', ['=numbers=api-ssl', `=certificate=${LAB_CERTIFICATE}`]);
      } finally {
        await plain.close();
      }
    }
  });
});
