/**
 * A real OpenSSH server inside a lab host, with the lab's users: root (password and key) and a
 * non-root sudo user. Keys, users and config are written into the host's overlay only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, chown, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mustRun } from '../run';
import { mustExecIn, execIn, type NsHost } from '../netns';
import { startDaemon, waitFor, type Daemon } from './daemon';
import { makeHome, writeHostFile, type Sandbox } from './sandbox';
import { freeUid, withLabUsers } from './users';

export interface SshCredentials {
  rootPassword: string;
  adminUser: string;
  adminPassword: string;
  /** OpenSSH private key (ed25519) that root and the admin user both accept. */
  privateKey: string;
  privateKeyPath: string;
  publicKey: string;
}

/** One key pair and passwords per run, shared by every ssh host of the run. */
export async function makeCredentials(runDir: string): Promise<SshCredentials> {
  const privateKeyPath = join(runDir, 'lab_ed25519');
  await mustRun(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'fspbx-lab', '-f', privateKeyPath]);
  return {
    rootPassword: `root-${randomBytes(6).toString('hex')}`,
    adminUser: 'fsadmin',
    adminPassword: `admin-${randomBytes(6).toString('hex')}`,
    privateKey: await readFile(privateKeyPath, 'utf8'),
    privateKeyPath,
    publicKey: (await readFile(`${privateKeyPath}.pub`, 'utf8')).trim(),
  };
}

/** OpenSSH's SHA256:… fingerprint of a public key line (`ssh-ed25519 AAAA… comment`). */
export function hostKeyFingerprint(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

async function cryptHash(password: string): Promise<string> {
  return (await mustRun(['openssl', 'passwd', '-6', '-stdin'], { input: `${password}\n` })).trim();
}

export function sshdConfig(listen: string, port: number): string {
  return [
    `Port ${port}`,
    `ListenAddress ${listen}`,
    'HostKey /etc/ssh/ssh_host_ed25519_key',
    'PermitRootLogin yes',
    'PasswordAuthentication yes',
    'PubkeyAuthentication yes',
    'KbdInteractiveAuthentication no',
    // No PAM: passwords are checked against the host's private /etc/shadow.
    'UsePAM no',
    'AuthorizedKeysFile .ssh/authorized_keys',
    'PidFile /run/sshd.pid',
    'PrintMotd no',
    'AcceptEnv LANG LC_*',
    'Subsystem sftp /usr/lib/openssh/sftp-server',
    '',
  ].join('\n');
}

/** Writes users, sudoers, host key, authorized keys and sshd_config into the overlay. */
export async function prepareSsh(
  sandbox: Sandbox,
  creds: SshCredentials,
  listen: string,
  port: number,
): Promise<{ adminUid: number; hostKey: string }> {
  const base = {
    passwd: await readFile('/etc/passwd', 'utf8'),
    shadow: await readFile('/etc/shadow', 'utf8'),
    group: await readFile('/etc/group', 'utf8'),
  };
  const adminUid = freeUid(base.passwd);
  const db = withLabUsers(base, await cryptHash(creds.rootPassword), {
    name: creds.adminUser,
    uid: adminUid,
    hash: await cryptHash(creds.adminPassword),
    groups: ['sudo'],
  });
  const shadowGid = Number(/^shadow:x:(\d+):/m.exec(base.group)?.[1] ?? 0);
  await writeHostFile(sandbox, '/etc/passwd', db.passwd, 0o644);
  await writeHostFile(sandbox, '/etc/group', db.group, 0o644);
  await writeHostFile(sandbox, '/etc/shadow', db.shadow, 0o640, { uid: 0, gid: shadowGid });
  await writeHostFile(sandbox, '/etc/sudoers.d/fspbx-lab', `${creds.adminUser} ALL=(ALL:ALL) ALL\n`, 0o440);
  await writeHostFile(sandbox, '/etc/ssh/sshd_config', sshdConfig(listen, port), 0o644);
  await writeHostFile(sandbox, '/root/.ssh/authorized_keys', `${creds.publicKey}\n`, 0o600);
  const admin = { uid: adminUid, gid: adminUid };
  await makeHome(sandbox, `/home/${creds.adminUser}`, admin);
  await writeHostFile(sandbox, `/home/${creds.adminUser}/.ssh/authorized_keys`, `${creds.publicKey}\n`, 0o600, admin);
  await chown(sandbox.upper(`/home/${creds.adminUser}/.ssh`), adminUid, adminUid);
  await chmod(sandbox.upper('/root/.ssh'), 0o700);
  await chmod(sandbox.upper(`/home/${creds.adminUser}/.ssh`), 0o700);
  const hostKey = sandbox.upper('/etc/ssh/ssh_host_ed25519_key');
  await mustRun(['rm', '-f', hostKey, `${hostKey}.pub`]);
  await mustRun(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'lab-host', '-f', hostKey]);
  return { adminUid, hostKey: hostKeyFingerprint(await readFile(`${hostKey}.pub`, 'utf8')) };
}

/** Starts sshd inside the host (after the sandbox is mounted) and waits until it accepts. */
export async function startSshd(host: NsHost, log: string, listen: string, port: number): Promise<Daemon> {
  await mustExecIn(host, ['mkdir', '-p', '-m', '0755', '/run/sshd']);
  await mustExecIn(host, ['/usr/sbin/sshd', '-t']);
  const daemon = await startDaemon(host, 'sshd', ['/usr/sbin/sshd', '-D', '-e'], log);
  const probe = ['bash', '-c', 'exec 3<>"/dev/tcp/$0/$1"', listen === '0.0.0.0' ? '127.0.0.1' : listen, String(port)];
  await waitFor(`sshd on ${host.name}`, async () => (await execIn(host, probe, { timeoutMs: 2000 })).code === 0, {
    daemon,
  });
  return daemon;
}
