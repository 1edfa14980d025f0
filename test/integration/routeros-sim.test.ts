/** The RouterOS simulator over real sockets: protocol, login, menus, traps, third-party clients, faults. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { RouterOSAPI } from 'node-routeros';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RouterSim, startRouterSim } from '../lab/routeros';
import { RawApiClient, attrs } from '../lab/routeros/testing/raw-client';
import { legacyResponse } from '../lab/routeros/api/session';

const run = promisify(execFile);
const HOST = '127.0.0.31';
const USERS = [
  { name: 'admin', password: 'secret', group: 'full' as const },
  { name: 'viewer', password: 'look', group: 'read' as const },
];

let dir: string;
let sim: RouterSim;
let startupMs: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routeros-sim-'));
  const t0 = performance.now();
  sim = await startRouterSim({ bind: HOST, apiPort: 0, apiSslPort: 0, stateDir: dir, users: USERS });
  startupMs = performance.now() - t0;
});

afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

async function login(tls = false, user = 'admin', password = 'secret'): Promise<RawApiClient> {
  const c = await RawApiClient.open(HOST, tls ? sim.apiSslPort : sim.apiPort, tls);
  const r = await c.call('/login', `=name=${user}`, `=password=${password}`);
  expect(r.at(-1)?.[0]).toBe('!done');
  return c;
}

describe('login', () => {
  it('accepts the >= 6.43 login and refuses a wrong password with RouterOS text', async () => {
    const c = await RawApiClient.open(HOST, sim.apiPort);
    const bad = await c.call('/login', '=name=admin', '=password=nope');
    expect(bad[0]).toEqual(['!trap', '=message=invalid user name or password (6)']);
    const good = await c.call('/login', '=name=admin', '=password=secret');
    expect(good).toEqual([['!done']]);
    c.close();
  });

  it('supports the legacy MD5 challenge login', async () => {
    const c = await RawApiClient.open(HOST, sim.apiPort);
    const challenge = attrs((await c.call('/login'))[0]!).ret!;
    expect(challenge).toMatch(/^[0-9a-f]{32}$/);
    const wrong = await c.call('/login', '=name=admin', `=response=${legacyResponse('other', challenge)}`);
    expect(wrong[0]?.[0]).toBe('!trap');
    const again = attrs((await c.call('/login'))[0]!).ret!;
    const ok = await c.call('/login', '=name=admin', `=response=${legacyResponse('secret', again)}`);
    expect(ok).toEqual([['!done']]);
    c.close();
  });

  it('refuses commands before login', async () => {
    const c = await RawApiClient.open(HOST, sim.apiPort);
    const r = await c.call('/system/identity/print');
    expect(r[0]?.[0]).toBe('!trap');
    c.close();
  });

  it('serves API-SSL with the certificate whose fingerprint it reports', async () => {
    const der = await new Promise<Buffer>((resolve, reject) => {
      const s = tlsConnect({ host: HOST, port: sim.apiSslPort, rejectUnauthorized: false }, () => {
        resolve(s.getPeerCertificate().raw);
        s.destroy();
      });
      s.once('error', reject);
    });
    expect(createHash('sha256').update(der).digest('hex')).toBe(sim.fingerprint);
    const c = await login(true);
    const r = await c.call('/system/identity/print');
    expect(attrs(r[0]!).name).toBe('MikroTik');
    c.close();
  });
});

describe('protocol', () => {
  it('answers tagged commands concurrently, each reply carrying its tag', async () => {
    const c = await login();
    await c.call('/system/script/add', '=name=slow', '=source=:delay 700ms');
    c.send('/system/script/run', '=number=slow', '.tag=slow');
    c.send('/system/identity/print', '.tag=fast');
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = (await c.next())!;
      order.push(`${s[0]}:${s.find((w) => w.startsWith('.tag='))}`);
    }
    expect(order).toEqual(['!re:.tag=fast', '!done:.tag=fast', '!done:.tag=slow']);
    await c.call('/system/script/remove', '=numbers=slow');
    c.close();
  });

  it('sends !empty for an empty print on 7.18+ and not before', async () => {
    const c = await login();
    const r = await c.call('/ip/firewall/address-list/print', '?list=nothing-here');
    expect(r.map((s) => s[0])).toEqual(['!empty', '!done']);
    c.close();
    const old = await startRouterSim({ bind: HOST, apiPort: 0, apiSslPort: 0, stateDir: dir, version: '7.17.2' });
    try {
      const o = await RawApiClient.open(HOST, old.apiPort);
      await o.call('/login', '=name=admin', '=password=');
      const e = await o.call('/ip/firewall/address-list/print');
      expect(e).toEqual([['!done']]);
      o.close();
    } finally {
      await old.close();
    }
  });

  it('filters with queries and .proplist', async () => {
    const c = await login();
    const inputDrops = await c.call(
      '/ip/firewall/filter/print',
      '=.proplist=.id,comment,no-such-prop',
      '?chain=input',
      '?action=drop',
    );
    expect(inputDrops.filter((s) => s[0] === '!re').map((s) => attrs(s).comment)).toEqual([
      'defconf: drop invalid',
      'defconf: drop all not coming from LAN',
    ]);
    expect(Object.keys(attrs(inputDrops[0]!))).toEqual(['.id', 'comment']);
    const either = await c.call(
      '/ip/firewall/filter/print',
      '=.proplist=action',
      '?action=accept',
      '?action=drop',
      '?#|',
    );
    expect(either.filter((s) => s[0] === '!re').length).toBe(10);
    const notInput = await c.call('/ip/firewall/filter/print', '?chain=input', '?#!');
    expect(notInput.filter((s) => s[0] === '!re').every((s) => attrs(s).chain === 'forward')).toBe(true);
    // Ten defconf rules and the dynamic fasttrack counter rule have no protocol.
    const noProto = await c.call('/ip/firewall/filter/print', '?-protocol', '=count-only=');
    expect(attrs(noProto[0]!).ret).toBe('11');
    c.close();
  });

  it('adds, sets, disables, moves and removes by .id, returning the new .id in =ret=', async () => {
    const c = await login();
    const add = await c.call(
      '/ip/firewall/nat/add',
      '=chain=dstnat',
      '=action=dst-nat',
      '=protocol=udp',
      '=dst-port=5080',
      '=in-interface-list=WAN',
      '=to-addresses=192.168.88.10',
      '=comment=fspbx test',
    );
    const id = attrs(add[0]!).ret!;
    expect(id).toMatch(/^\*[0-9A-F]+$/);
    expect(await c.call('/ip/firewall/nat/set', `=.id=${id}`, '=to-ports=5080')).toEqual([['!done']]);
    expect(await c.call('/ip/firewall/nat/disable', `=.id=${id}`)).toEqual([['!done']]);
    const masq = attrs((await c.call('/ip/firewall/nat/print', '?action=masquerade'))[0]!)['.id']!;
    await c.call('/ip/firewall/nat/move', `=numbers=${id}`, `=destination=${masq}`);
    const all = (await c.call('/ip/firewall/nat/print')).filter((s) => s[0] === '!re').map(attrs);
    expect(all[0]).toMatchObject({ '.id': id, 'to-ports': '5080', disabled: 'true', comment: 'fspbx test' });
    expect(await c.call('/ip/firewall/nat/remove', `=.id=${id}`)).toEqual([['!done']]);
    const gone = await c.call('/ip/firewall/nat/remove', `=.id=${id}`);
    expect(gone[0]).toEqual(['!trap', '=message=no such item']);
    c.close();
  });

  it("gives RouterOS's trap texts for unknown parameters, bad values and duplicates", async () => {
    const c = await login();
    const unknown = await c.call(
      '/ip/firewall/address-list/add',
      '=list=trunks',
      '=address=198.51.100.10',
      '=colour=red',
    );
    expect(attrs(unknown[0]!).message).toBe('unknown parameter colour');
    const badAddress = await c.call('/ip/address/add', '=address=192.168.300.1/24', '=interface=ether1');
    expect(attrs(badAddress[0]!).message).toBe('invalid value for argument address');
    const badIface = await c.call('/ip/address/add', '=address=203.0.113.91/24', '=interface=ether9');
    expect(attrs(badIface[0]!)).toEqual({ category: '1', message: 'input does not match any value of interface' });
    const badPorts = await c.call('/ip/firewall/nat/add', '=chain=dstnat', '=protocol=udp', '=dst-port=70000');
    expect(attrs(badPorts[0]!).message).toBe('invalid value for argument dst-port');
    expect((await c.call('/ip/firewall/address-list/add', '=list=trunks', '=address=198.51.100.10'))[0]?.[0]).toBe(
      '!done',
    );
    const dup = await c.call('/ip/firewall/address-list/add', '=list=trunks', '=address=198.51.100.10');
    expect(attrs(dup[0]!).message).toBe('failure: already have such entry');
    const noItem = await c.call('/ip/firewall/address-list/set', '=.id=*FFFF', '=comment=x');
    expect(attrs(noItem[0]!).message).toBe('no such item');
    const badMenu = await c.call('/ip/nonsense/print');
    expect(attrs(badMenu[0]!).message).toBe('no such command prefix');
    c.close();
  });

  it('lets a read user print but not write', async () => {
    const c = await login(false, 'viewer', 'look');
    expect((await c.call('/ip/firewall/service-port/print', '?name=sip'))[0]?.[0]).toBe('!re');
    const w = await c.call('/ip/firewall/service-port/disable', '=numbers=sip');
    expect(w[0]).toEqual(['!trap', '=message=not enough permissions (9)']);
    c.close();
  });

  it('exports the configuration as a script that quotes hostile comments', async () => {
    const c = await login();
    const hostile = 'x" ; /system reset-configuration ; $y \\ [z]';
    const add = await c.call(
      '/ip/firewall/address-list/add',
      '=list=phones',
      '=address=192.0.2.20',
      `=comment=${hostile}`,
    );
    const text = attrs((await c.call('/export'))[0]!).ret!;
    expect(text).toContain('/ip firewall filter\nadd action=accept chain=input comment="defconf: accept established');
    expect(text).toContain('comment="x\\" ; /system reset-configuration ; \\$y \\\\ [z]"');
    await c.call('/ip/firewall/address-list/remove', `=.id=${attrs(add[0]!).ret}`);
    c.close();
  });
});

describe('third-party clients', () => {
  it('node-routeros logs in over API and API-SSL and prints, adds, sets and removes', async () => {
    for (const tls of [false, true]) {
      const api = new RouterOSAPI({
        host: HOST,
        user: 'admin',
        password: 'secret',
        port: tls ? sim.apiSslPort : sim.apiPort,
        timeout: 5,
        ...(tls ? { tls: { rejectUnauthorized: false } } : {}),
      });
      await api.connect();
      const identity = await api.write('/system/identity/print');
      expect(identity[0]?.name).toBe('MikroTik');
      const added = await api.write('/ip/firewall/address-list/add', ['=list=node', `=address=192.0.2.${tls ? 2 : 1}`]);
      const id = (added[0] as { ret: string }).ret;
      await api.write('/ip/firewall/address-list/set', [`=.id=${id}`, '=comment=from node']);
      const printed = await api.write('/ip/firewall/address-list/print', [`?.id=${id}`]);
      expect(printed[0]).toMatchObject({ list: 'node', comment: 'from node' });
      await api.write('/ip/firewall/address-list/remove', [`=.id=${id}`]);
      await api.close();
    }
  });

  it('python3-librouteros logs in, reads every menu and writes every writable one', async () => {
    const menus = [...sim.state.defs.keys()];
    // /user/active lists sessions: librouteros's own is the one there while it reads. From 7.19 /ip/service
    // also prints that connection as a dynamic row (test/lab/routeros/index.ts).
    const during: Record<string, number> = {
      '/user/active': 1,
      '/ip/service': sim.state.print('/ip/service').length + 1,
    };
    const expected = Object.fromEntries(menus.map((m) => [m, during[m] ?? sim.state.print(m).length]));
    const { stdout } = await run(
      '/usr/bin/python3',
      [
        'test/lab/routeros/testing/librouteros_every_menu.py',
        HOST,
        String(sim.apiPort),
        'admin',
        'secret',
        menus.join(','),
      ],
      { timeout: 30_000 },
    );
    const result = JSON.parse(stdout) as { counts: Record<string, number>; writes: Record<string, string> };
    expect(result.counts).toEqual(expected);
    // Status menus with nothing settable (/user/active, /ip/firewall/connection) are read only.
    const writable = menus.filter((m) => sim.state.def(m)?.kind !== 'readonly' && sim.state.def(m)!.fields.size > 0);
    expect(Object.keys(result.writes).sort()).toEqual(writable.sort());
    for (const m of writable) expect(result.writes[m], m).toBe('ok');
    expect(sim.state.single('/system/identity').name).toBe('lab-router');
    expect(sim.state.print('/ip/firewall/address-list').map((e) => e.list)).toContain('py');
    expect(sim.state.single('/ip/firewall/connection/tracking')['udp-timeout']).toBe('30s');
  });
});

describe('hostile input', () => {
  it('answers a broken stream with !fatal, closes it, and keeps serving others', async () => {
    const { connect } = await import('node:net');
    for (const garbage of [Buffer.from([0xf8, 1, 2, 3]), Buffer.from([0xf0, 0xff, 0xff, 0xff, 0xff])]) {
      const reply = await new Promise<Buffer>((resolve) => {
        const s = connect({ host: HOST, port: sim.apiPort }, () => s.write(garbage));
        let got = Buffer.alloc(0);
        s.on('data', (d: Buffer) => (got = Buffer.concat([got, d])));
        s.on('close', () => resolve(got));
        s.on('error', () => resolve(got));
      });
      expect(reply.toString('latin1')).toContain('!fatal');
    }
    const c = await login();
    const odd = await c.call('/ip/firewall/address-list/add', '=list=\u0000"; /system reset', '=address=192.0.2.1');
    expect(attrs(odd[0]!).message).toBe('invalid value for argument list');
    expect((await c.call('/system/identity/print'))[0]?.[0]).toBe('!re');
    c.close();
  });

  it('lets node-routeros use the legacy challenge against a pre-6.43 router', async () => {
    const old = await startRouterSim({ bind: HOST, apiPort: 0, apiSslPort: 0, stateDir: dir, version: '6.42.12' });
    try {
      const api = new RouterOSAPI({ host: HOST, user: 'admin', password: '', port: old.apiPort, timeout: 5 });
      await api.connect();
      const r = await api.write('/system/resource/print');
      expect(r[0]?.version).toBe('6.42.12 (stable)');
      await api.close();
    } finally {
      await old.close();
    }
  });
});

describe('fault injection', () => {
  it('closes the connection after N sentences', async () => {
    const c = await login();
    sim.setFaults({ closeAfterSentences: 2 });
    try {
      const r = await c.call('/ip/firewall/filter/print');
      expect(r.length).toBeLessThanOrEqual(2);
      expect(c.closed || (await c.next(1000)) === undefined).toBe(true);
    } finally {
      sim.setFaults({});
      c.close();
    }
  });

  it('delays replies', async () => {
    const c = await login();
    sim.setFaults({ replyDelayMs: 300 });
    try {
      const t0 = performance.now();
      await c.call('/system/identity/print');
      expect(performance.now() - t0).toBeGreaterThanOrEqual(280);
    } finally {
      sim.setFaults({});
      c.close();
    }
  });

  it('refuses every login', async () => {
    sim.setFaults({ refuseLogin: true });
    try {
      const c = await RawApiClient.open(HOST, sim.apiPort);
      const r = await c.call('/login', '=name=admin', '=password=secret');
      expect(r[0]).toEqual(['!trap', '=message=invalid user name or password (6)']);
      c.close();
    } finally {
      sim.setFaults({});
    }
  });

  it('answers a chosen command with !fatal and closes', async () => {
    const c = await login();
    sim.setFaults({ fatalOn: '/ip/firewall/nat/add' });
    try {
      const r = await c.call('/ip/firewall/nat/add', '=chain=dstnat');
      expect(r[0]?.[0]).toBe('!fatal');
      expect(await c.next(1000)).toBeUndefined();
    } finally {
      sim.setFaults({});
      c.close();
    }
  });
});

describe('figures', () => {
  // Printed, not asserted: a time limit here would fail on a loaded machine, not on a slow simulator
  // (speed targets live in npm run bench).
  it('answers 200 prints in a row on one connection, and prints how fast', async () => {
    const c = await login();
    const rounds = 200;
    const t0 = performance.now();
    const answers: unknown[] = [];
    for (let i = 0; i < rounds; i++) answers.push(await c.call('/system/identity/print'));
    const rtt = (performance.now() - t0) / rounds;
    c.close();
    console.log(`routeros-sim: startup ${startupMs.toFixed(0)} ms, identity print round trip ${rtt.toFixed(2)} ms`);
    expect(answers).toHaveLength(rounds);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
  });
});
