/** Scripts and scheduler in the simulator: an automatic revert really reverts, a confirm really cancels it. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RouterSim, startRouterSim } from '../lab/routeros';
import { RawApiClient, attrs } from '../lab/routeros/testing/raw-client';

const HOST = '127.0.0.33';
let dir: string;
let sim: RouterSim;
let c: RawApiClient;

const REVERT = [
  '# revert written by the wizard',
  '/ip firewall nat remove [find where comment~"^fspbx"]',
  '/ip firewall address-list',
  'remove [find list="fspbx-trunks"]',
  '/ip/firewall/service-port/set sip disabled=no',
  '/system scheduler remove [find name="fspbx-revert"]',
].join('\n');

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

function clockIn(ms: number): { date: string; time: string } {
  const iso = new Date(Date.now() + ms).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19) };
}

async function applyWizardChanges(): Promise<void> {
  for (const s of [
    ['/ip/firewall/address-list/add', '=list=fspbx-trunks', '=address=198.51.100.10'],
    [
      '/ip/firewall/nat/add',
      '=chain=dstnat',
      '=action=dst-nat',
      '=protocol=udp',
      '=dst-port=5080',
      '=to-addresses=192.168.88.10',
      '=comment=fspbx sip',
    ],
    ['/ip/firewall/service-port/set', '=numbers=sip', '=disabled=yes'],
  ]) {
    expect((await c.call(...s)).at(-1)?.[0]).toBe('!done');
  }
}

const natComments = () => sim.state.print('/ip/firewall/nat').map((r) => r.comment);
const sipDisabled = () => sim.state.print('/ip/firewall/service-port').find((s) => s.name === 'sip')?.disabled;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routeros-sim-scripts-'));
  sim = await startRouterSim({
    bind: HOST,
    apiPort: 0,
    apiSslPort: 0,
    stateDir: dir,
    users: [
      { name: 'admin', password: '', group: 'full' },
      { name: 'viewer', password: 'v', group: 'read' },
    ],
  });
  c = await RawApiClient.open(HOST, sim.apiPort);
  await c.call('/login', '=name=admin', '=password=');
});

afterAll(async () => {
  c?.close();
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('/system/script', () => {
  it('runs command paths, key=value, [find where …] and context lines', async () => {
    await applyWizardChanges();
    expect(sipDisabled()).toBe('true');
    await c.call('/system/script/add', '=name=fspbx-revert-now', `=source=${REVERT}`);
    const r = await c.call('/system/script/run', '=number=fspbx-revert-now');
    expect(r).toEqual([['!done']]);
    expect(natComments()).toEqual(['defconf: masquerade']);
    expect(sim.state.print('/ip/firewall/address-list')).toEqual([]);
    expect(sipDisabled()).toBe('false');
    const printed = attrs((await c.call('/system/script/print', '?name=fspbx-revert-now'))[0]!);
    expect(printed['run-count']).toBe('1');
    await c.call('/system/script/remove', '=numbers=fspbx-revert-now');
  });

  it('stops at the first error and reports its trap text', async () => {
    await c.call(
      '/system/script/add',
      '=name=broken',
      '=source=/ip firewall address-list add list=x address=1.2.3.4 colour=red',
    );
    const r = await c.call('/system/script/run', '=number=broken');
    expect(attrs(r[0]!).message).toBe('unknown parameter colour');
    expect(sim.state.print('/ip/firewall/address-list')).toEqual([]);
    await c.call('/system/script/remove', '=numbers=broken');
  });

  it('refuses to run a write script for a read user', async () => {
    await c.call('/system/script/add', '=name=w', '=source=/system identity set name=x');
    const v = await RawApiClient.open(HOST, sim.apiPort);
    await v.call('/login', '=name=viewer', '=password=v');
    const r = await v.call('/system/script/run', '=number=w');
    expect(attrs(r[0]!).message).toBe('not enough permissions (9)');
    v.close();
    await c.call('/system/script/remove', '=numbers=w');
  });
});

describe('/system/scheduler', () => {
  it('fires at start-date/start-time and the revert undoes the change', async () => {
    await applyWizardChanges();
    await c.call('/system/script/add', '=name=fspbx-revert', `=source=${REVERT}`);
    const at = clockIn(2000);
    await c.call(
      '/system/scheduler/add',
      '=name=fspbx-revert',
      '=on-event=fspbx-revert',
      `=start-date=${at.date}`,
      `=start-time=${at.time}`,
      '=interval=0s',
    );
    const next = attrs((await c.call('/system/scheduler/print', '?name=fspbx-revert'))[0]!)['next-run'];
    expect(next).toBe(`${at.date} ${at.time}`);
    expect(natComments()).toContain('fspbx sip');
    expect(await waitFor(() => !natComments().includes('fspbx sip'), 6000)).toBe(true);
    expect(sipDisabled()).toBe('false');
    expect(sim.state.print('/system/scheduler')).toEqual([]);
    await c.call('/system/script/remove', '=numbers=fspbx-revert');
  });

  it('does not fire once removed (the confirm)', async () => {
    await applyWizardChanges();
    await c.call('/system/script/add', '=name=fspbx-revert', `=source=${REVERT}`);
    const at = clockIn(1500);
    const add = await c.call(
      '/system/scheduler/add',
      '=name=fspbx-revert',
      '=on-event=fspbx-revert',
      `=start-date=${at.date}`,
      `=start-time=${at.time}`,
    );
    await c.call('/system/scheduler/remove', `=.id=${attrs(add[0]!).ret}`);
    await new Promise((r) => setTimeout(r, 2500));
    expect(natComments()).toContain('fspbx sip');
    expect(attrs((await c.call('/system/script/print', '?name=fspbx-revert'))[0]!)['run-count']).toBe('0');
    await c.call('/system/script/run', '=number=fspbx-revert');
    await c.call('/system/script/remove', '=numbers=fspbx-revert');
  });

  it('honours the interval and runs inline on-event source', async () => {
    const at = clockIn(1000);
    const add = await c.call(
      '/system/scheduler/add',
      '=name=ticker',
      `=start-date=${at.date}`,
      `=start-time=${at.time}`,
      '=interval=1s',
      '=on-event=:do { /ip firewall address-list add list=tick address=203.0.113.91 } on-error={ :log info "already" }',
    );
    const id = attrs(add[0]!).ret!;
    const runs = () => Number(sim.state.print('/system/scheduler').find((s) => s['.id'] === id)?.['run-count'] ?? 0);
    expect(await waitFor(() => runs() >= 3, 6000)).toBe(true);
    expect(sim.state.print('/ip/firewall/address-list').filter((e) => e.list === 'tick')).toHaveLength(1);
    await c.call('/system/scheduler/remove', `=.id=${id}`);
    await c.call(
      '/ip/firewall/address-list/remove',
      `=.id=${sim.state.print('/ip/firewall/address-list')[0]?.['.id']}`,
    );
  });

  it('rejects an impossible start time with the invalid-value trap', async () => {
    const r = await c.call('/system/scheduler/add', '=name=bad', '=start-time=25:00:00');
    expect(attrs(r[0]!).message).toBe('invalid value for argument start-time');
  });
});
