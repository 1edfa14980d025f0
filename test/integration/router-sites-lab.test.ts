/**
 * Routers as technicians meet them, in the site lab: the MikroTik simulator in the router
 * namespace with its firewall in nftables, changed over the API the way a customer's router
 * was set up before the visit (a HotSpot on a guest bridge, a custom forward drop, …). Each
 * test puts the router back as it found it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerTarget, type RouterTarget } from '../../contract/schemas';
import { connectRouter, type RouterConnection } from '../../electron/routeros/connection';
import { conntrackTargets } from '../../electron/routeros/conntrack';
import { staleConntrack } from '../../electron/routeros/conntrack-clear';
import { applyRouterPlan } from '../../electron/routeros/engine';
import { routerScope } from '../../electron/routeros/managed';
import { planRouter, type RouterPlan } from '../../electron/routeros/plan';
import { readRouterState, writeAccess } from '../../electron/routeros/reader';
import type { RouterState } from '../../electron/routeros/state';
import { resolvedAddresses } from '../../electron/routeros/peer-names';
import { nameChecks } from '../../electron/site/checks/names';
import { optionsAnswered } from '../lab/clients';
import { LAB_CARRIER_NAME } from '../lab/dns';
import type { Lab } from '../lab/lab';
import { RADIUS_USER } from '../lab/router';
import { SITE } from '../lab/topology';
import { siteFacts } from '../../electron/site/facts';
import { wanMovedCheck } from '../../electron/site/checks';
import { storedInputs } from '../unit/helpers/stored-inputs';
import { planFor, restoreRouter, siteLabRouter, SITE_INPUTS, withRouterAt } from './router-engine-helpers';

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

const planOf = (state: RouterState, inputs = INPUTS): RouterPlan => planFor(state, inputs);

/** The firewall in the router namespace follows the API asynchronously: ask a few times. */
async function reaches(from: 'trunk' | 'phone' | 'stranger', port: number, want: boolean): Promise<boolean> {
  let answered = !want;
  for (let i = 0; i < 5 && answered !== want; i += 1)
    answered = await optionsAnswered(lab, from, SITE.router.wan, port);
  return answered;
}

/** One SIP OPTIONS over UDP from port 5062 to argv[1]:argv[2]; prints the status line of the answer, or nothing. */
const SIP_OPTIONS_FROM_5062 = [
  'import socket, sys',
  's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
  's.bind((sys.argv[3], 5062)); s.settimeout(2)',
  'target, port, me = sys.argv[1], sys.argv[2], sys.argv[3]',
  "msg = (f'OPTIONS sip:ping@{target}:{port} SIP/2.0\\r\\nVia: SIP/2.0/UDP {me}:5062;branch=z9hG4bK-lab-1\\r\\n'",
  "       f'From: <sip:trunk@{me}>;tag=1\\r\\nTo: <sip:ping@{target}>\\r\\nCall-ID: lab-stale@{me}\\r\\nCSeq: 1 OPTIONS\\r\\n'",
  "       f'Max-Forwards: 70\\r\\nContent-Length: 0\\r\\n\\r\\n')",
  's.sendto(msg.encode(), (target, int(port)))',
  'try:',
  "    print(s.recv(4096).decode(errors='replace').split('\\r\\n')[0])",
  'except OSError:',
  '    pass',
].join('\n');

async function add(conn: RouterConnection, menu: string, words: string[]): Promise<string> {
  const ret = (await conn.command(`${menu}/add`, words))[0]?.ret;
  if (!ret) throw new Error(`${menu}/add returned no id`);
  return ret;
}

/**
 * The trunk keeps one source port, as a registered trunk's OPTIONS every <= 30 s do (sipsak picks a
 * new one each run): one OPTIONS from port 5062, true when a SIP answer comes back within 2 s.
 */
async function trunkOptionsFrom5062(): Promise<boolean> {
  const argv = ['python3', '-c', SIP_OPTIONS_FROM_5062, SITE.router.wan, '5080', SITE.trunk];
  return (await lab.exec('trunk', argv, { timeoutMs: 6000 })).stdout.startsWith('SIP/2.0');
}

/** A custom input accept for SIP to the router itself, above defconf's drop: a connection the forward never sees. */
async function acceptSipOnInput(conn: RouterConnection): Promise<string> {
  const drop = (await conn.command('/ip/firewall/filter/print')).find(
    (r) => r.comment === 'defconf: drop all not coming from LAN',
  );
  return add(conn, '/ip/firewall/filter', [
    '=chain=input',
    '=action=accept',
    '=protocol=udp',
    '=dst-port=5080',
    '=in-interface-list=WAN',
    '=comment=custom: SIP to the router',
    `=place-before=${drop!['.id']}`,
  ]);
}

describe.skipIf(!isRoot)('routers as technicians meet them (needs root for namespaces)', () => {
  it('a HotSpot on a guest bridge plus a custom forward drop: the accept goes before the drop, apply completes, the trunk reaches the PBX', async () => {
    // The guest bridge is a real interface of the router namespace, as ether1 and the LAN bridge are.
    expect((await lab.exec('router', ['ip', 'link', 'add', 'guest', 'type', 'bridge'])).code).toBe(0);
    const made: { menu: string; id: string }[] = [];
    let before: RouterState | undefined;
    try {
      before = await withRouter(async (conn) => {
        const start = await readRouterState(conn);
        made.push({ menu: '/interface/bridge', id: await add(conn, '/interface/bridge', ['=name=guest']) });
        made.push({ menu: '/ip/hotspot', id: await add(conn, '/ip/hotspot', ['=name=hotspot1', '=interface=guest']) });
        const drop = await add(conn, '/ip/firewall/filter', [
          '=chain=forward',
          '=action=drop',
          '=connection-state=new',
          '=in-interface-list=WAN',
          '=comment=custom: drop everything new from WAN',
        ]);
        made.push({ menu: '/ip/firewall/filter', id: drop });
        expect(start.filter.some((r) => r['jump-target'] === 'hs-unauth')).toBe(false);
        return readRouterState(conn);
      });
      const state = before;
      const hsJump = state.filter.find((r) => r['jump-target'] === 'hs-unauth');
      expect(hsJump?.dynamic).toBe('true');
      expect(state.hotspots?.map((h) => h.interface)).toEqual(['guest']);
      // The custom drop really holds the trunk back before the plan.
      expect(await reaches('trunk', 5080, false)).toBe(false);

      const plan = planOf(state);
      const accepts = plan.changes.filter((c) => c.path === '/ip/firewall/filter' && c.action === 'add');
      expect(accepts.length).toBeGreaterThan(0);
      const dropId = made.find((m) => m.menu === '/ip/firewall/filter')!.id;
      expect(new Set(accepts.map((c) => c.placeBefore))).toEqual(new Set([dropId]));
      expect(plan.warnings.filter((w) => w.code.startsWith('dynamic'))).toEqual([]);
      await withRouter(async (conn) => {
        const result = await applyRouterPlan(conn, state, plan, { revertMinutes: false });
        if (!result.ok) throw new Error(result.error.message);
        expect(result.record.complete).toBe(true);
        expect(planOf(await readRouterState(conn)).changes).toEqual([]);
      });
      expect(await reaches('trunk', 5080, true)).toBe(true);
      expect(await optionsAnswered(lab, 'stranger', SITE.router.wan, 5080)).toBe(false);
      await withRouter(async (conn) => {
        expect((await restoreRouter(conn, state, SCOPE)).record.complete).toBe(true);
      });
    } finally {
      await withRouter(async (conn) => {
        for (const { menu, id } of made.reverse()) await conn.command(`${menu}/remove`, [`=.id=${id}`]);
        const after = await readRouterState(conn);
        expect(after.filter.some((r) => r['jump-target'] === 'hs-unauth')).toBe(false);
      });
      await lab.exec('router', ['ip', 'link', 'del', 'guest']);
    }
  });

  it('a PPPoE client outside the WAN list: the plan is refused with the reason and the fix, and plans once the fix is made', async () => {
    const undo: (() => Promise<unknown>)[] = [];
    try {
      await withRouter(async (conn) => {
        // A PPPoE site: no static default route, the provider's comes with the client.
        const statics = (await conn.command('/ip/route/print', ['?dst-address=0.0.0.0/0'])).filter(
          (r) => r.dynamic !== 'true',
        );
        for (const route of statics) {
          await conn.command('/ip/route/set', [`=.id=${route['.id']}`, '=disabled=yes']);
          undo.push(() => withRouter((c) => c.command('/ip/route/set', [`=.id=${route['.id']}`, '=disabled=no'])));
        }
        const client = await add(conn, '/interface/pppoe-client', [
          '=name=pppoe-out1',
          '=interface=ether1',
          '=user=site',
          '=password=provider-secret',
          '=add-default-route=yes',
          '=disabled=no',
        ]);
        undo.push(() => withRouter((c) => c.command('/interface/pppoe-client/remove', [`=.id=${client}`])));
      });
      const state = await withRouter(readRouterState);
      expect(state.routes?.find((r) => r.gateway === 'pppoe-out1')?.dynamic).toBe('true');
      const refused = planRouter(state, INPUTS);
      expect(refused.ok).toBe(false);
      const error = !refused.ok ? refused.errors.find((e) => e.field === 'router.wanList') : undefined;
      expect(error?.message).toMatch(/through pppoe-out1, which is not in its WAN interface list \(ether1\)/);
      expect(error?.message).toContain('list=WAN interface=pppoe-out1');

      await withRouter(async (conn) => {
        const member = await add(conn, '/interface/list/member', ['=list=WAN', '=interface=pppoe-out1']);
        undo.push(() => withRouter((c) => c.command('/interface/list/member/remove', [`=.id=${member}`])));
      });
      const fixed = planOf(await withRouter(readRouterState));
      expect(fixed.facts['router.wanAddress']).toBe('203.0.113.77');
      const forwards = fixed.changes.filter((c) => c.path === '/ip/firewall/nat' && c.action === 'add');
      expect(forwards.length).toBeGreaterThan(0);
      for (const f of forwards) expect(f.after?.['in-interface-list']).toBe('WAN');
    } finally {
      for (const step of undo.reverse()) await step();
    }
    const back = await withRouter(readRouterState);
    expect(back.routes?.some((r) => r.gateway === 'pppoe-out1')).toBe(false);
    expect(planRouter(back, INPUTS).ok).toBe(true);
  });

  it('a RADIUS account (no /user row): its rights come from its session in /user/active, and it applies', async () => {
    const radius = routerTarget.parse({ ...target, username: RADIUS_USER });
    const conn = await connectRouter(radius);
    try {
      expect(await conn.command('/user/print', [`?name=${RADIUS_USER}`])).toEqual([]);
      const sessions = await conn.command('/user/active/print', [`?name=${RADIUS_USER}`]);
      expect(sessions[0]).toMatchObject({ group: 'full', radius: 'true', via: 'api' });
      expect(await writeAccess(conn, RADIUS_USER)).toBe('yes');
      const state = await readRouterState(conn);
      const plan = planOf(state);
      const result = await applyRouterPlan(conn, state, plan, { revertMinutes: false });
      if (!result.ok) throw new Error(result.error.message);
      expect(result.record.complete).toBe(true);
      expect(planOf(await readRouterState(conn)).changes).toEqual([]);
      expect((await restoreRouter(conn, state, SCOPE)).record.complete).toBe(true);
    } finally {
      await conn.close();
    }
  });

  it('a stale connection-tracking entry to 5080 (a custom input accept let the trunk reach the router itself) is cleared by the apply, and the next OPTIONS reaches the PBX', async () => {
    const options = trunkOptionsFrom5062;
    let accept: string | undefined;
    let state: RouterState | undefined;
    try {
      state = await withRouter(async (conn) => {
        accept = await acceptSipOnInput(conn);
        return readRouterState(conn);
      });
      expect(await options()).toBe(false);
      const stale = await withRouter((conn) => conn.command('/ip/firewall/connection/print'));
      const entry = stale.find((e) => e['src-address'] === `${SITE.trunk}:5062`);
      expect(entry).toMatchObject({ protocol: 'udp', 'dst-address': `${SITE.router.wan}:5080`, dstnat: 'false' });

      const plan = planOf(state);
      expect(plan.facts['router.conntrack']).toContain(`UDP 5080 from ${SITE.trunk}`);
      // What verify would name: the entry bypasses the forward the plan adds.
      const targets = conntrackTargets(state, plan.changes);
      const bypassing = await withRouter((conn) => staleConntrack(conn, targets, SITE.pbx));
      expect(bypassing.map((e) => e['src-address'])).toContain(`${SITE.trunk}:5062`);
      const result = await withRouter((conn) => applyRouterPlan(conn, state!, plan, { revertMinutes: false }));
      if (!result.ok) throw new Error(result.error.message);
      expect(result.record.complete).toBe(true);
      expect(result.conntrack?.removed).toBeGreaterThanOrEqual(1);
      // At once: no waiting for the stale entry to run out.
      expect(await options()).toBe(true);
      expect(await withRouter((conn) => staleConntrack(conn, targets, SITE.pbx))).toEqual([]);
      const fresh = await withRouter((conn) => conn.command('/ip/firewall/connection/print'));
      expect(fresh.find((e) => e['src-address'] === `${SITE.trunk}:5062`)).toMatchObject({
        'reply-src-address': `${SITE.pbx}:5080`,
        dstnat: 'true',
      });
    } finally {
      await withRouter(async (conn) => {
        if (state) expect((await restoreRouter(conn, state, SCOPE)).record.complete).toBe(true);
        if (accept) await conn.command('/ip/firewall/filter/remove', [`=.id=${accept}`]);
      });
    }
    // The rollback cleared the forwarded entry too: the trunk's next OPTIONS no longer reach the PBX.
    expect(await options()).toBe(false);
  });

  it("a trunk given as a DNS name: the router resolves it through the ISP's DNS, its stale connection is cleared, the trunk reaches the PBX, and the name's entry and its addresses are read back", async () => {
    const inputs = { ...INPUTS, trunks: [{ name: 'Carrier', address: LAB_CARRIER_NAME }] };
    const options = trunkOptionsFrom5062;
    let accept: string | undefined;
    let state: RouterState | undefined;
    try {
      // A custom input accept lets the trunk's OPTIONS reach the router itself: a connection the forward never sees.
      state = await withRouter(async (conn) => {
        accept = await acceptSipOnInput(conn);
        return readRouterState(conn);
      });
      expect(await options()).toBe(false);
      const plan = planOf(state, inputs);
      const nameEntry = plan.changes.filter(
        (c) => c.path === '/ip/firewall/address-list' && c.after?.address === LAB_CARRIER_NAME,
      );
      expect(nameEntry.map((c) => c.after?.list)).toEqual(['fspbx-trunks']);
      expect(plan.warnings.map((w) => w.code)).toContain('peer-by-name');
      const result = await withRouter((conn) => applyRouterPlan(conn, state!, plan, { revertMinutes: false }));
      if (!result.ok) throw new Error(result.error.message);
      expect(result.record.complete).toBe(true);
      // The name's address was known by the time the apply cleared the table: the next OPTIONS is forwarded at once.
      expect(result.conntrack?.removed).toBeGreaterThanOrEqual(1);
      expect(await options()).toBe(true);
      const after = await withRouter(readRouterState);
      expect(after.addressLists.filter((e) => e.list === 'fspbx-trunks').map((e) => [e.address, e.dynamic])).toEqual([
        [LAB_CARRIER_NAME, 'false'],
        [SITE.trunk, 'true'],
      ]);
      expect(resolvedAddresses(after, 'fspbx-trunks', LAB_CARRIER_NAME)).toEqual([SITE.trunk]);
      expect(nameChecks(nameEntry, after).map((c) => [c.status, c.summary.split(' and ')[0]])).toEqual([
        ['pass', `The router resolved ${LAB_CARRIER_NAME} to ${SITE.trunk}`],
      ]);
      expect(planOf(after, inputs).changes).toEqual([]);
      expect(await optionsAnswered(lab, 'stranger', SITE.router.wan, 5080)).toBe(false);
    } finally {
      await withRouter(async (conn) => {
        if (state) expect((await restoreRouter(conn, state, SCOPE)).record.complete).toBe(true);
        if (accept) await conn.command('/ip/firewall/filter/remove', [`=.id=${accept}`]);
        // The name's dynamic entries went with it, as RouterOS drops them.
        expect((await readRouterState(conn)).addressLists.filter((e) => e.list === 'fspbx-trunks')).toEqual([]);
      });
    }
  });

  it('a DHCP WAN address (no WAN list) that changes after the visit: trunk, remote phone and hairpin still reach the PBX at the new address', async () => {
    const inputs = { ...INPUTS, hairpin: true };
    const undo: (() => Promise<unknown>)[] = [];
    let state: RouterState | undefined;
    try {
      await withRouter(async (conn) => {
        const member = (await conn.command('/interface/list/member/print')).find(
          (m) => m.list === 'WAN' && m.interface === 'ether1',
        );
        await conn.command('/interface/list/member/remove', [`=.id=${member!['.id']}`]);
        undo.push(() => withRouter((c) => add(c, '/interface/list/member', ['=list=WAN', '=interface=ether1'])));
        const client = await add(conn, '/ip/dhcp-client', ['=interface=ether1']);
        undo.push(() => withRouter((c) => c.command('/ip/dhcp-client/remove', [`=.id=${client}`])));
        // The router's own DDNS name, which follows the address: the plan's advice names it.
        await conn.command('/ip/cloud/set', ['=ddns-enabled=yes']);
        undo.push(() => withRouter((c) => c.command('/ip/cloud/set', ['=ddns-enabled=no'])));
      });
      state = await withRouter(readRouterState);
      expect(state.addresses.find((a) => a.interface === 'ether1')).toMatchObject({ dynamic: 'true' });
      const plan = planOf(state, inputs);
      expect(plan.facts['router.wanMatch']).toBe('in-interface=ether1');
      expect(plan.facts['router.hairpinMatch']).toMatch(/^dst-address-type=local dst-address=!192\.168\.88\.1/);
      expect(plan.facts['router.cloudDnsName']).toBe('he2sim000001.sn.mynetname.net');
      expect(plan.warnings.find((w) => w.code === 'wan-address-dynamic')?.message).toContain(
        "the router's IP Cloud name he2sim000001.sn.mynetname.net rather than the address",
      );
      const applied = await withRouter((conn) => applyRouterPlan(conn, state!, plan, { revertMinutes: false }));
      if (!applied.ok || !applied.record.complete) throw new Error('apply failed');

      // The provider hands out another address after the visit.
      await withRouter(async (conn) => {
        const [client] = await conn.command('/ip/dhcp-client/print');
        await conn.command('/ip/dhcp-client/renew', [`=.id=${client!['.id']}`]);
      });
      const after = await withRouter(readRouterState);
      const moved = after.addresses.find((a) => a.interface === 'ether1');
      const now = moved?.address?.split('/')[0];
      expect(now).toBe('203.0.113.3');
      // What verify says on this site (site/facts.ts, checks/wan.ts): the PBX still announces the
      // address the plan was made with, and the fix.
      const site = storedInputs({ pbx: { ...storedInputs().pbx, host: SITE.pbx } });
      const pbxRtp = { rtp: { start: 16384, end: 32768, source: 'default' as const } };
      const planned = siteFacts(site, state, pbxRtp);
      expect(planned).toMatchObject({ publicIp: SITE.router.wan, publicDynamic: true, wanInterface: 'ether1' });
      const finding = wanMovedCheck(planned, siteFacts(site, after, pbxRtp));
      expect(finding?.summary).toContain(
        `is 203.0.113.3 now; the plan was made with ${SITE.router.wan}, which the PBX`,
      );
      expect(finding?.fix).toMatch(/^Plan and apply again so the PBX announces 203\.0\.113\.3\. The provider gives/);
      let reached = false;
      for (let i = 0; i < 5 && !reached; i += 1) reached = await optionsAnswered(lab, 'trunk', now!, 5080);
      expect(reached).toBe(true);
      expect(await optionsAnswered(lab, 'phone', now!, 5060)).toBe(true);
      expect(await optionsAnswered(lab, 'tech', now!, 5080)).toBe(true);
      expect(await optionsAnswered(lab, 'stranger', now!, 5080)).toBe(false);
      // The provider gave the old address to someone else: its routers forget where it was (the
      // ISP host's neighbour cache), and nothing answers there any more.
      await lab.exec('isp', ['ip', 'neigh', 'flush', 'all']);
      expect(await optionsAnswered(lab, 'trunk', SITE.router.wan, 5080)).toBe(false);
    } finally {
      await withRouter(async (conn) => {
        if (state) expect((await restoreRouter(conn, state, SCOPE)).record.complete).toBe(true);
      });
      for (const step of undo.reverse()) await step();
    }
    const back = await withRouter(readRouterState);
    expect(back.addresses.find((a) => a.interface === 'ether1')).toMatchObject({
      address: `${SITE.router.wan}/24`,
      dynamic: 'false',
    });
    expect(await reaches('trunk', 5080, false)).toBe(false);
  });
});
