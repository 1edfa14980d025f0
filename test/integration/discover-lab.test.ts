/**
 * Scan from the technician's laptop in the site lab: MNDP finds the MikroTik
 * simulator and tells the mactelnetd decoy apart; the SSH sweep finds the pbx
 * and the nas. The scan runs inside the lab's `tech` host, never on this
 * machine's own network.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoverProgress, DiscoverResult } from '../../contract/types';
import type { Result } from '../../contract/errors';
import { REPO_ROOT, startLab, type Lab } from '../lab/lab';
import { nsenterArgv } from '../lab/netns';
import { runProgram } from '../lab/run';

let lab: Lab;
let events: DiscoverProgress[];
let result: Result<DiscoverResult>;

beforeAll(async () => {
  lab = await startLab();
  const env = { ...process.env };
  delete env.FSPBX_NAT_NO_SCAN;
  const run = await runProgram(
    nsenterArgv(
      lab.hosts.tech!,
      [process.execPath, '--import', 'tsx', 'test/integration/helpers/discover-in-lab.ts', '3'],
      REPO_ROOT,
    ),
    { env, timeoutMs: 60_000 },
  );
  const lines = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { progress?: DiscoverProgress; result?: Result<DiscoverResult> });
  events = lines.flatMap((l) => (l.progress ? [l.progress] : []));
  const last = lines.find((l) => l.result)?.result;
  if (!last) throw new Error(`discover printed no result: ${run.stderr}`);
  result = last;
}, 240_000);

afterAll(async () => {
  await lab?.stop();
}, 120_000);

describe('discover in the site lab', () => {
  it('sees the laptop on the customer LAN with its gateway', () => {
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const lan = result.value.lan;
    expect(lan.interfaces.find((i) => i.likelyLan)).toMatchObject({
      address: lab.addresses.tech,
      subnet: '192.168.88.0/24',
    });
    expect(lan.defaultGateway?.address).toBe(lab.addresses.router.lan);
  });

  it('finds the MikroTik by MNDP and names the mactelnetd decoy as not a MikroTik', () => {
    if (!result.ok) throw new Error(result.error.message);
    const router = result.value.routers.find((r) => r.ipv4 === lab.addresses.router.lan);
    expect(router).toMatchObject({ isMikrotik: true, platform: 'MikroTik' });
    const decoy = result.value.routers.find((r) => r.ipv4 === lab.addresses.mactel);
    expect(decoy).toMatchObject({ isMikrotik: false });
    expect(decoy?.platform).toBe('Linux');
  });

  it('finds the SSH hosts (pbx and nas) and nothing that is not listening', () => {
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.sshHosts.map((h) => h.address)).toEqual([lab.addresses.pbx, lab.addresses.nas]);
    for (const host of result.value.sshHosts) expect(host.banner).toMatch(/^SSH-2\.0-OpenSSH/);
  });

  it('streams every find as a progress event before the result', () => {
    if (!result.ok) throw new Error(result.error.message);
    expect(events[0]?.kind).toBe('lan');
    expect(events.filter((e) => e.kind === 'router')).toHaveLength(result.value.routers.length);
    expect(events.filter((e) => e.kind === 'ssh-host')).toHaveLength(result.value.sshHosts.length);
    const sweeps = events.filter((e) => e.kind === 'sweep');
    expect(sweeps.at(-1)).toMatchObject({ scanned: 253, total: 253 });
  });
});
