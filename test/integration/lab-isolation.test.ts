/**
 * The lab stays inside its namespaces: the test machine's own /etc and /var are the same after a
 * lab that wrote to its hosts' /etc and /var, and a lab whose owner was killed is swept by the
 * next start.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { diffSnapshots, snapshotTree } from '../lab/fs-snapshot';
import { REPO_ROOT, startLab } from '../lab/lab';
import { isAlive, listNetns, pidsIn } from '../lab/netns';
import { runDir } from '../lab/registry';

const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)('site lab isolation (needs root for namespaces)', () => {
  it("leaves the test machine's /etc and /var exactly as they were", async () => {
    const before = [...(await snapshotTree('/etc')), ...(await snapshotTree('/var'))];
    const lab = await startLab();
    try {
      // Changes a technician's tools make on a real PBX: they must land in the lab only.
      for (const argv of [
        ['sh', '-c', 'echo lab >> /etc/fusionpbx/config.conf'],
        ['sh', '-c', 'echo "root:changed" | chpasswd'],
        ['useradd', '-m', 'labextra'],
        ['touch', '/var/www/fspbx/touched', '/etc/freeswitch/vars.xml', '/var/lib/postgresql/touched'],
        ['fs_cli', '-x', 'reloadxml'],
      ]) {
        expect((await lab.exec('pbx', argv)).code, argv.join(' ')).toBe(0);
      }
      expect((await lab.exec('nas', ['sh', '-c', 'echo x > /etc/nas-only && useradd nasuser'])).code).toBe(0);
      expect(existsSync('/etc/fusionpbx')).toBe(false);
      expect(existsSync('/var/www/fspbx')).toBe(false);
      expect(existsSync('/usr/bin/fs_cli')).toBe(false);
    } finally {
      await lab.stop();
    }
    const after = [...(await snapshotTree('/etc')), ...(await snapshotTree('/var'))];
    expect(diffSnapshots(new Map(before), new Map(after))).toEqual([]);
  });

  it('sweeps, at the next start, everything a killed lab left behind', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/lab/hold.ts'), '--no-router-sim'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const runId = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the lab did not start')), 90_000);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (!line.startsWith('LAB ')) return;
        clearTimeout(timer);
        resolve((JSON.parse(line.slice(4)) as { runId: string }).runId);
      });
      child.once('exit', (code) => reject(new Error(`the lab exited with ${code}`)));
    });
    const ours = (await listNetns()).filter((n) => n.includes(`-${runId}-`));
    const pids = (await Promise.all(ours.map(pidsIn))).flat();
    expect(ours.length).toBe(10);
    expect(pids.length).toBeGreaterThan(10); // holders, sshd, postgres, mactelnetd, the SIP responder
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // Killed without any clean-up: everything is still there…
    expect((await listNetns()).filter((n) => n.includes(`-${runId}-`))).toEqual(ours);
    expect(existsSync(runDir(runId))).toBe(true);
    const next = await startLab({ routerSim: false });
    try {
      // …until the next start, which removes it while its own lab comes up.
      expect((await listNetns()).filter((n) => n.includes(`-${runId}-`))).toEqual([]);
      expect(pids.filter(isAlive)).toEqual([]);
      expect(existsSync(runDir(runId))).toBe(false);
      expect((await listNetns()).filter((n) => n.includes(`-${next.runId}-`)).length).toBe(10);
    } finally {
      await next.stop();
    }
    expect((await listNetns()).filter((n) => n.includes(`-${next.runId}-`))).toEqual([]);
  });
});
