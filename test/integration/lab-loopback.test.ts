/**
 * Loopback mode (what `npm run demo` uses): the same pbx, nas and router servers on 127.N.88.x,
 * reached straight from this process with no namespace and no relay.
 */
import { RouterOSAPI } from 'node-routeros';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshRun } from '../lab/clients';
import { startLab, type Lab } from '../lab/lab';

const isRoot = process.getuid?.() === 0;
let lab: Lab;

beforeAll(async () => {
  if (!isRoot) return;
  lab = await startLab({ mode: 'loopback' });
  console.log(`loopback lab start-up: ${lab.startupMs} ms`);
});

afterAll(async () => {
  await lab?.stop();
});

describe.skipIf(!isRoot)('site lab in loopback mode (needs root for the hosts’ private mounts)', () => {
  it('serves the pbx on a 127.0.0.0/8 address: SSH by password and key, fs_cli, PostgreSQL', async () => {
    expect(lab.addresses.pbx).toMatch(/^127\.\d+\.88\.10$/);
    const byPassword = await sshRun(
      { ...lab.endpoints.pbxSsh, username: 'root', password: lab.ssh.rootPassword },
      'hostname; fs_cli -x switchname; sudo -u postgres psql -X -A -t -d fusionpbx -c "select count(*) from v_sip_profiles"',
    );
    expect(byPassword.stdout).toBe('pbx\npbx\n4\n');
    const byKey = await sshRun(
      { ...lab.endpoints.pbxSsh, username: lab.ssh.adminUser, privateKey: lab.ssh.privateKey },
      'fs_cli -x "sofia status"',
    );
    expect(byKey.stdout).toContain(`sip:mod_sofia@${lab.addresses.pbx}:${lab.endpoints.pbxSip.udp[0]!.port}`);
  });

  it('answers SIP OPTIONS on its loopback ports', async () => {
    for (const { host, port } of lab.endpoints.pbxSip.udp) {
      const r = await lab.exec('pbx', ['timeout', '3', 'sipsak', '-s', `sip:ping@${host}:${port}`], {
        timeoutMs: 6000,
      });
      expect(r.code, `${host}:${port}`).toBe(0);
    }
  });

  it('keeps the nas a plain SSH host', async () => {
    const nas = await sshRun(
      { ...lab.endpoints.nasSsh, username: 'root', privateKey: lab.ssh.privateKey },
      'hostname; test -e /var/www/fspbx/.env || echo no-fspbx',
    );
    expect(nas.stdout).toBe('nas\nno-fspbx\n');
  });

  it('runs the router simulator on loopback when it is present', async (context) => {
    if (!lab.router) {
      context.skip('no router simulator in this checkout (test/lab/routeros/main.ts)');
      return;
    }
    const ros = new RouterOSAPI({
      host: lab.addresses.router.lan,
      port: lab.router.apiPort,
      user: lab.router.user,
      password: lab.router.password,
      timeout: 10,
    });
    await ros.connect();
    try {
      const identity = (await ros.write('/system/identity/print')) as { name?: string }[];
      expect(identity[0]?.name).toBe('MikroTik');
    } finally {
      await ros.close();
    }
  });
});
