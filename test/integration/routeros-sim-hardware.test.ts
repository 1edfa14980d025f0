/**
 * What binds a snapshot to its router, read the wizard's way from the simulator over the API: a
 * RouterBOARD's serial number (/system/routerboard) and licence software-id, and a CHR's licence
 * system-id with no RouterBOARD (help.mikrotik.com "RouterBOARD" and "Licenses").
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerTarget } from '../../contract/schemas';
import { connectRouter } from '../../electron/routeros/connection';
import { readRouterState } from '../../electron/routeros/reader';
import { boxOf } from '../../electron/store/box';
import { startRouterSim } from '../lab/routeros';

const HOST = '127.0.0.93';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fspbx-hardware-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function readAs(hardware: 'routerboard' | 'chr') {
  const sim = await startRouterSim({
    bind: HOST,
    apiPort: 0,
    apiSslPort: 0,
    stateDir: join(dir, hardware),
    hardware,
    users: [{ name: 'admin', password: 'pw', group: 'full' }],
  });
  try {
    const conn = await connectRouter(
      routerTarget.parse({ host: HOST, port: sim.apiPort, tls: false, username: 'admin', password: 'pw' }),
    );
    try {
      return {
        state: await readRouterState(conn),
        routerboard: (await conn.command('/system/routerboard/print'))[0],
        license: (await conn.command('/system/license/print'))[0],
      };
    } finally {
      await conn.close();
    }
  } finally {
    await sim.close();
  }
}

describe('the router a snapshot is bound to', () => {
  it('a RouterBOARD prints its serial number and licence software-id; the reader keeps both', async () => {
    const { state, routerboard, license } = await readAs('routerboard');
    expect(routerboard).toMatchObject({ routerboard: 'true', 'serial-number': 'HE2SIM000001' });
    expect(license).toMatchObject({ 'software-id': 'SIM0-0001' });
    expect(boxOf(state, undefined).router).toMatchObject({ serial: 'HE2SIM000001', softwareId: 'SIM0-0001' });
  });

  it('a CHR has no RouterBOARD and no serial: its licence system-id binds it', async () => {
    const { state, routerboard, license } = await readAs('chr');
    expect(routerboard).toEqual({ routerboard: 'false' });
    expect(license).toMatchObject({ 'system-id': 'sImChR0001x', level: 'free' });
    expect(state.board).toBe('CHR');
    expect(state.serial).toBeUndefined();
    expect(boxOf(state, undefined).router).toMatchObject({ softwareId: 'sImChR0001x' });
  });
});
