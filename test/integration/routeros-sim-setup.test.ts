/**
 * Set-up facts of the simulator: parameter names really come from the
 * installed community.routeros tables, the process entry prints READY and
 * exits cleanly, and the MNDP responder announces on its interval.
 */
import { execFile, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMndp } from '../../electron/mndp/codec';
import { startMndpResponder } from '../lab/routeros/mndp/responder';
import { defconf } from '../lab/routeros/model/defconf';
import { buildMenuDefs } from '../lab/routeros/model/menus';
import { RouterModel } from '../lab/routeros/model/router';
import { findApiDataFile, loadAnsibleSchema } from '../lab/routeros/schema/ansible';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routeros-sim-setup-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const source = findApiDataFile();

describe.skipIf(!source)('parameter names from community.routeros (needs Debian ansible)', () => {
  function modelFrom(schema: Awaited<ReturnType<typeof loadAnsibleSchema>>): RouterModel {
    const initial = defconf({
      identity: 'MikroTik',
      wan: { interface: 'ether1', address: '203.0.113.2/24', gateway: '203.0.113.1' },
      lan: { interface: 'bridge', address: '192.168.88.1/24', ports: ['ether2'] },
      users: [{ name: 'admin', password: '', group: 'full' }],
      apiPort: 8728,
      apiSslPort: 8729,
    });
    return new RouterModel(buildMenuDefs(schema), initial);
  }

  it('extracts the tables with python, caches them, and accepts exactly those names', async () => {
    const cache = join(dir, 'cache');
    const schema = await loadAnsibleSchema(cache, source);
    expect((await readdir(cache)).some((f) => /^ansible-api-data-[0-9a-f]{16}\.json$/.test(f))).toBe(true);
    expect(Object.keys(schema['/ip/firewall/nat']?.fields ?? {})).toContain('to-addresses');
    const model = modelFrom(schema);
    const admin = model.actor('admin')!;
    expect(
      model.add(
        '/ip/firewall/address-list',
        [
          ['list', 'a'],
          ['address', '192.0.2.1'],
          ['comment', 'ok'],
        ],
        admin,
      ).ok,
    ).toBe(true);
  });

  it('follows the source file: a name removed from the tables becomes an unknown parameter', async () => {
    const original = await readFile(source!, 'utf8');
    const start = original.indexOf("('ip', 'firewall', 'address-list'): APIData(");
    expect(start).toBeGreaterThan(-1);
    const end = original.indexOf('\n    ),\n', start);
    const section = original
      .slice(start, end)
      .replace("            'comment': KeyInfo(can_disable=True, remove_value=''),\n", '');
    const edited = join(dir, '_api_data.py');
    await writeFile(edited, original.slice(0, start) + section + original.slice(end));
    const model = modelFrom(await loadAnsibleSchema(join(dir, 'cache2'), edited));
    const r = model.add(
      '/ip/firewall/address-list',
      [
        ['list', 'a'],
        ['address', '192.0.2.1'],
        ['comment', 'x'],
      ],
      model.actor('admin')!,
    );
    expect(r).toEqual({ ok: false, trap: { message: 'unknown parameter comment' } });
  });
});

describe('process entry', () => {
  it('prints one READY line, serves, and exits 0 on SIGTERM', async () => {
    const config = join(dir, 'sim.json');
    await writeFile(
      config,
      JSON.stringify({ bind: '127.0.0.34', apiPort: 0, apiSslPort: 0, stateDir: join(dir, 'p') }),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/lab/routeros/main.ts', '--config', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const t0 = performance.now();
    const ready = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no READY in 30 s')), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve(out);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const processStartMs = performance.now() - t0;
    expect(ready).toMatch(/^READY \{"apiPort":\d+,"apiSslPort":\d+,"fingerprint":"[0-9a-f]{64}"\}\n$/);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(1);
    console.log(`routeros-sim: process start to READY ${processStartMs.toFixed(0)} ms`);
  });

  it('exits non-zero with a message when the config is missing', async () => {
    const r = await run(process.execPath, ['--import', 'tsx', 'test/lab/routeros/main.ts'], { timeout: 30_000 }).catch(
      (e: { code?: number; stderr?: string }) => e,
    );
    expect((r as { code?: number }).code).toBe(2);
  });
});

describe('MNDP responder on loopback', () => {
  it('announces on its interval and answers a discovery request at once', async () => {
    const listener = createSocket('udp4');
    await new Promise<void>((r) => listener.bind(0, '127.0.0.1', () => r()));
    const got: number[] = [];
    listener.on('message', (msg) => {
      const d = decodeMndp(msg);
      if (d.ok) got.push(d.packet.sequence);
    });
    const port = listener.address().port;
    // The responder announces to the listener's port; a second socket plays the asker.
    const responder = await startMndpResponder({
      port,
      bindAddress: '127.0.0.35',
      announceTo: '127.0.0.1',
      intervalMs: 150,
      lanInterface: 'bridge',
      info: () => ({
        identity: 'r',
        version: '7.19.4 (stable)',
        board: 'RB5009UG+S+',
        uptimeSeconds: 1,
        interfaceName: 'bridge',
        ipv4: '192.168.88.1',
      }),
    }).catch(async (e: unknown) => {
      listener.close();
      throw e;
    });
    try {
      const asker = createSocket('udp4');
      await new Promise<void>((r) => asker.bind(0, '127.0.0.1', () => r()));
      const answer = new Promise<Buffer>((resolve) => asker.once('message', (m) => resolve(m)));
      const t0 = performance.now();
      asker.send(Buffer.alloc(4), port, '127.0.0.35');
      const reply = await answer;
      expect(performance.now() - t0).toBeLessThan(500);
      expect(decodeMndp(reply)).toMatchObject({ ok: true, packet: { platform: 'MikroTik', identity: 'r' } });
      asker.close();
      await new Promise((r) => setTimeout(r, 700));
      expect(got.length).toBeGreaterThanOrEqual(3);
      expect(new Set(got).size).toBe(got.length); // sequence numbers advance
    } finally {
      await responder.close();
      listener.close();
    }
  });
});
