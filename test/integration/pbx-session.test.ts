/**
 * The wizard's SSH session and PBX fingerprint against the site lab's real
 * OpenSSH: the pbx host (FS PBX files, fs_cli, PostgreSQL) and the nas decoy.
 * The test process reaches them through the lab's relay, so every connection
 * starts from the `tech` laptop inside the lab.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Failure } from '../../contract/errors';
import { failureOf } from './helpers/failure';
import { pbxTarget, type PbxTarget } from '../../contract/schemas';
import { fingerprintPbx } from '../../electron/pbx/session/fingerprint';
import { openSsh } from '../../electron/pbx/session/ssh';
import { createDispatcher } from '../../electron/api/dispatcher';
import { createHandlers } from '../../electron/api/handlers';
import { nodeEnv } from '../../electron/api/handlers/node-env';
import { startLab, type Endpoint, type Lab } from '../lab/lab';

let lab: Lab;
let pbx: Endpoint;
let nas: Endpoint;
let pbxKey: string;

beforeAll(async () => {
  lab = await startLab({ routerSim: false });
  pbx = await lab.relay('tech', lab.endpoints.pbxSsh);
  nas = await lab.relay('tech', lab.endpoints.nasSsh);
  const first = await openSsh(
    pbxTarget.parse({ host: pbx.host, port: pbx.port, username: 'root', auth: { kind: 'agent' } }),
    {
      agentSocket: '/nonexistent',
    },
  ).catch((e: Failure) => e);
  pbxKey = (first as Failure).error.fingerprint!;
});

afterAll(async () => {
  await lab?.stop();
});

const root = (patch: Partial<PbxTarget> = {}): PbxTarget =>
  pbxTarget.parse({
    host: pbx.host,
    port: pbx.port,
    username: 'root',
    auth: { kind: 'password', password: lab.ssh.rootPassword },
    hostKey: pbxKey,
    ...patch,
  });

describe('SSH session to the lab PBX', () => {
  it('stops at first contact with the host key fingerprint, before any password', async () => {
    const { hostKey: _unused, ...unpinned } = root();
    const first = await failureOf(openSsh(unpinned as PbxTarget));
    expect(first.error.code).toBe('host_key_unknown');
    expect(first.error.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(first.error.message).toMatch(/No password was sent/);
  });

  it('refuses a changed host key', async () => {
    const changed = await failureOf(openSsh(root({ hostKey: `SHA256:${'A'.repeat(43)}` })));
    expect(changed.error.code).toBe('host_key_changed');
    expect(changed.error.fingerprint).toBe(pbxKey);
  });

  it('logs in as root with the password and with the key; refuses a wrong password', async () => {
    const byPassword = await openSsh(root());
    expect((await byPassword.run(['id', '-u'])).stdout.trim()).toBe('0');
    byPassword.close();
    const byKey = await openSsh(root({ auth: { kind: 'key', privateKey: lab.ssh.privateKey } }));
    expect((await byKey.run(['whoami'])).stdout.trim()).toBe('root');
    byKey.close();
    const wrong = await failureOf(openSsh(root({ auth: { kind: 'password', password: 'wrong' } })));
    expect(wrong.error.code).toBe('auth_failed');
  });

  it('runs commands as root through sudo for a sudo user, with the password fed on stdin', async () => {
    const admin = await openSsh(
      root({
        username: lab.ssh.adminUser,
        auth: { kind: 'password', password: lab.ssh.adminPassword },
        sudoPassword: lab.ssh.adminPassword,
      }),
    );
    const asRoot = await admin.run(['cat'], { asRoot: true, input: 'typed data\n' });
    expect(asRoot.stdout).toBe('typed data\n');
    expect((await admin.run(['id', '-u'], { asRoot: true })).stdout.trim()).toBe('0');
    admin.close();
    const noSudoPassword = await openSsh(
      root({ username: lab.ssh.adminUser, auth: { kind: 'password', password: lab.ssh.adminPassword } }),
    );
    const refused = await failureOf(noSudoPassword.run(['true'], { asRoot: true }));
    expect(refused.error.code).toBe('permission_denied');
    expect(refused.error.message).toMatch(/sudo password/);
    noSudoPassword.close();
  });

  it('passes hostile arguments to the program byte for byte, never to the shell', async () => {
    const ssh = await openSsh(root());
    const hostile = [`'; rm -rf /tmp/x; echo '`, '$(id)', '`reboot`', 'a\nb', '"quoted" \\ back', 'ünïcødé ☎'];
    const result = await ssh.run(['printf', '%s\\0', ...hostile]);
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(hostile);
    const nul = await failureOf(ssh.run(['echo', 'a\u0000b']));
    expect(nul.error.code).toBe('invalid_input');
    ssh.close();
  });

  it('gives up on a command that hangs, and keeps the session usable', async () => {
    const ssh = await openSsh(root());
    const slow = await failureOf(ssh.run(['sleep', '30'], { timeoutMs: 500 }));
    expect(slow.error.code).toBe('timeout');
    expect((await ssh.run(['echo', 'still here'])).stdout).toBe('still here\n');
    ssh.close();
  });
});

describe('PBX fingerprint in the lab', () => {
  it('recognises the FS PBX host with its versions', async () => {
    const ssh = await openSsh(root());
    const summary = await fingerprintPbx(ssh);
    ssh.close();
    expect(summary.kind).toBe('fspbx');
    expect(summary.hostKey).toBe(pbxKey);
    expect(summary.freeswitchVersion).toMatch(/^1\.\d+/);
    expect(summary.switchname).toBeTruthy();
  });

  it('does not take the nas for a PBX', async () => {
    const first = await failureOf(openSsh(root({ host: nas.host, port: nas.port, hostKey: undefined })));
    const ssh = await openSsh(root({ host: nas.host, port: nas.port, hostKey: first.error.fingerprint! }));
    const summary = await fingerprintPbx(ssh);
    ssh.close();
    expect(summary.kind).toBe('not-a-pbx');
  });
});

describe('accepted host keys are remembered per address', () => {
  it('asks once, then checks the remembered key on every later visit', async () => {
    const dispatcher = createDispatcher(createHandlers(nodeEnv('cli', `${lab.dir}/wizard-data`)));
    const call = (input: Record<string, unknown>) =>
      dispatcher.call('pbx.read', input, { progress: () => undefined, signal: new AbortController().signal });
    const login = {
      host: pbx.host,
      port: pbx.port,
      username: 'root',
      auth: { kind: 'password', password: lab.ssh.rootPassword },
    };
    expect(await call(login)).toMatchObject({ ok: false, error: { code: 'host_key_unknown', fingerprint: pbxKey } });
    expect(await call({ ...login, hostKey: pbxKey })).toMatchObject({ ok: true, value: { kind: 'fspbx' } });
    expect(await call(login)).toMatchObject({ ok: true, value: { kind: 'fspbx', hostKey: pbxKey } });
    // The nas answers on another relay port: it is another address, with a key of its own to accept.
    expect(await call({ ...login, port: nas.port })).toMatchObject({ ok: false, error: { code: 'host_key_unknown' } });
  });
});
