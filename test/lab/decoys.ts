/** The hosts that must NOT be mistaken for the PBX or the router: nas (plain sshd), mactel. */
import { join } from 'node:path';
import { mustExecIn, type NsHost } from './netns';
import { startDaemon, waitFor, type Daemon } from './host/daemon';
import { mountSandbox, planSandbox, prepareSandbox, writeHostFile } from './host/sandbox';
import { prepareSsh, startSshd, type SshCredentials } from './host/ssh';
import { readFile } from 'node:fs/promises';

export async function startNas(
  host: NsHost,
  dir: string,
  creds: SshCredentials,
  bind: string,
  sshPort: number,
  ip: string,
): Promise<{ daemons: Daemon[]; hostKey: string }> {
  const sandbox = planSandbox(dir, ['/etc', '/var', '/root', '/home']);
  await prepareSandbox(dir, sandbox);
  const { hostKey } = await prepareSsh(sandbox, creds, bind, sshPort);
  await writeHostFile(sandbox, '/etc/hostname', 'nas\n', 0o644);
  await writeHostFile(sandbox, '/etc/hosts', `127.0.0.1\tlocalhost\n${ip}\tnas\n`, 0o644);
  await mountSandbox(host, dir, sandbox, ['/run', '/tmp']);
  return { daemons: [await startSshd(host, join(dir, 'sshd.log'), bind, sshPort)], hostKey };
}

/** mactelnetd: answers MNDP and MAC-Telnet like a MikroTik would, but is a Linux box. */
export async function startMactel(host: NsHost, dir: string, password: string): Promise<Daemon[]> {
  const sandbox = planSandbox(dir, ['/etc', '/var', '/root', '/home']);
  await prepareSandbox(dir, sandbox);
  await writeHostFile(sandbox, '/etc/mactelnetd.users', `# lab user\nadmin:${password}\n`, 0o600);
  await mountSandbox(host, dir, sandbox, ['/run']);
  await mustExecIn(host, ['mkdir', '-p', '/run/mactelnetd']);
  const log = join(dir, 'mactelnetd.log');
  const daemon = await startDaemon(host, 'mactelnetd', ['/usr/sbin/mactelnetd', '-f'], log);
  // mactelnetd binds UDP 20561 once its interfaces are read; give it a bounded moment.
  await waitFor(
    'mactelnetd',
    async () => (await readFile(`/proc/${daemon.pid}/net/udp`, 'utf8').catch(() => '')).includes(':5051 '),
    { daemon, timeoutMs: 5000 },
  ).catch(() => undefined);
  return [daemon];
}
