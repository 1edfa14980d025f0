/**
 * The lab's servers look like freshly installed Debian servers, not like the test machine: root's
 * shell files are base-files' own, a user's home is /etc/skel's, /usr/local is empty, and nothing
 * of the test machine's environment (its PATH, pyenv, cargo) reaches any process of the host.
 * A slow login shell on the lab's pbx once cost every SSH command of the wizard ~0.5 s (pyenv's
 * init and rehash sourced from the test machine's /root/.bashrc).
 */
import { readFile, readdir, readlink } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshRun } from '../lab/clients';
import { startLab, type Lab } from '../lab/lab';
import { SERVER_ENV } from '../lab/netns';

const isRoot = process.getuid?.() === 0;
let lab: Lab;
/** Words that only the test machine's own shell init or tools put into an environment. */
const TEST_MACHINE = /pyenv|\.cargo|rustup|VIRTUAL_ENV|NODE_OPTIONS|VITEST|FSPBX_NAT_NO_SCAN/i;

beforeAll(async () => {
  if (!isRoot) return;
  lab = await startLab({ mode: 'loopback', routerSim: false });
});

afterAll(async () => {
  await lab?.stop();
});

/** Command line and environment of every process whose mount namespace is the host's. */
async function hostProcesses(holderPid: number): Promise<{ pid: string; cmdline: string; environ: string }[]> {
  const mnt = await readlink(`/proc/${holderPid}/ns/mnt`);
  const out: { pid: string; cmdline: string; environ: string }[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    try {
      if ((await readlink(`/proc/${pid}/ns/mnt`)) !== mnt) continue;
      const read = async (f: string) => (await readFile(`/proc/${pid}/${f}`, 'utf8')).split('\0').join(' ');
      out.push({ pid, cmdline: await read('cmdline'), environ: await read('environ') });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

describe.skipIf(!isRoot)('the lab’s pbx is a fresh Debian server (needs root for the hosts’ private mounts)', () => {
  it('gives root over SSH the stock PATH and base-files’ shell files, and /root nothing else', async () => {
    const root = await sshRun(
      { ...lab.endpoints.pbxSsh, username: 'root', privateKey: lab.ssh.privateKey },
      'echo "$PATH"; echo ---; cat ~/.bashrc; echo ---; cat ~/.profile; echo ---; ls -A ~; echo ---; ls -A /usr/local/bin',
    );
    expect(root.code).toBe(0);
    const [path, bashrc, profile, home, usrLocalBin] = root.stdout.split('---\n');
    // OpenSSH's superuser PATH on Debian (debian/rules: --with-superuser-path); the stock .bashrc adds nothing.
    expect(path!.trim()).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(bashrc).toBe(await readFile('/usr/share/base-files/dot.bashrc', 'utf8'));
    expect(profile).toBe(await readFile('/usr/share/base-files/dot.profile', 'utf8'));
    expect(home!.trim().split('\n').sort()).toEqual(['.bashrc', '.profile', '.ssh']);
    expect(usrLocalBin!.trim()).toBe('');
    expect(root.stdout).not.toMatch(TEST_MACHINE);
  });

  it('gives the sudo user a home made from /etc/skel and the stock user PATH', async () => {
    const admin = await sshRun(
      { ...lab.endpoints.pbxSsh, username: lab.ssh.adminUser, password: lab.ssh.adminPassword },
      'echo "$PATH"; echo ---; cat ~/.bashrc; echo ---; stat -c "%U %a" ~',
    );
    const [path, bashrc, owner] = admin.stdout.split('---\n');
    // OpenSSH's default user PATH as Debian builds it (debian/rules: --with-default-path).
    expect(path!.trim()).toBe('/usr/local/bin:/usr/bin:/bin:/usr/games');
    expect(bashrc).toBe(await readFile('/etc/skel/.bashrc', 'utf8'));
    expect(owner!.trim()).toBe(`${lab.ssh.adminUser} 700`);
  });

  it('lets nothing of the test machine’s environment into any process of the host', async () => {
    // A session still open while we look, so sshd's session processes are counted too.
    const session = sshRun(
      { ...lab.endpoints.pbxSsh, username: 'root', privateKey: lab.ssh.privateKey },
      'fs_cli -x status >/dev/null; env; sleep 2',
    );
    await new Promise((r) => setTimeout(r, 1000));
    const processes = await hostProcesses(lab.hosts.pbx!.holderPid);
    const names = processes.map((p) => p.cmdline).join('\n');
    for (const daemon of ['sshd', 'postgres', 'sip_responder.py']) expect(names).toContain(daemon);
    for (const p of processes) {
      expect(`${p.cmdline} ${p.environ}`, `process ${p.pid}: ${p.cmdline}`).not.toMatch(TEST_MACHINE);
      // Started daemons carry a service's environment; sshd's sessions make their own.
      const path = /(?:^| )PATH=(\S*)/.exec(p.environ)?.[1];
      if (path !== undefined && !/sshd|bash|sleep|fs_cli/.test(p.cmdline)) expect(path).toBe(SERVER_ENV.PATH);
    }
    const env = await session;
    expect(env.code).toBe(0);
    expect(env.stdout).not.toMatch(TEST_MACHINE);
  });
});
