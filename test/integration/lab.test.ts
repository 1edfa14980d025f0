/**
 * The site lab, proven piece by piece against real peers: OpenSSH, PostgreSQL, the fs_cli
 * stand-in, SIP through the router, the decoys. Everything runs in namespaces this test made.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { RouterOSAPI } from 'node-routeros';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionsAnswered, sshRun } from '../lab/clients';
import { ROUTER_SIM_MAIN, startLab, type Lab } from '../lab/lab';
import { SITE } from '../lab/topology';

const isRoot = process.getuid?.() === 0;
let lab: Lab;

beforeAll(async () => {
  if (!isRoot) return;
  lab = await startLab();
  console.log(`lab start-up: ${lab.startupMs} ms (router simulator: ${lab.router ? 'yes' : 'no'})`);
}, 120_000);

afterAll(async () => {
  await lab?.stop();
});

/** SQL through the real psql, as `sudo -u postgres psql -d fusionpbx` would on the host. */
async function sql(query: string): Promise<string> {
  const result = await lab.exec(
    'pbx',
    ['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-A', '-t', '-d', 'fusionpbx'],
    {
      input: query,
    },
  );
  expect(result.stderr).toBe('');
  return result.stdout.trim();
}

async function fsCli(command: string): Promise<string> {
  const result = await lab.exec('pbx', ['fs_cli', '-x', command]);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout.endsWith('\n')).toBe(true); // fs_cli ends every reply with a newline of its own
  return result.stdout.slice(0, -1);
}

describe.skipIf(!isRoot)('site lab (needs root for namespaces)', () => {
  it('logs in to the pbx over SSH with the root password, the key, and as the sudo user', async () => {
    const ssh = await lab.relay('tech', lab.endpoints.pbxSsh);
    const withPassword = await sshRun(
      { ...ssh, username: 'root', password: lab.ssh.rootPassword },
      'hostname; id -u; cat /var/www/fspbx/.env',
    );
    expect(withPassword.code).toBe(0);
    expect(withPassword.stdout).toMatch(/^pbx\n0\n/);
    expect(withPassword.stdout).toContain('APP_NAME="FS PBX"');
    const withKey = await sshRun({ ...ssh, username: 'root', privateKey: lab.ssh.privateKey }, 'echo $SSH_CONNECTION');
    expect(withKey.stdout.split(' ')[0]).toBe(SITE.tech); // the login came from tech, through the LAN
    const admin = await sshRun(
      { ...ssh, username: lab.ssh.adminUser, password: lab.ssh.adminPassword },
      "id -u; sudo -S -p '' id -u",
      `${lab.ssh.adminPassword}\n`,
    );
    expect(admin.stdout.split('\n').slice(0, 2)).toEqual([expect.stringMatching(/^[1-9]\d*$/), '0']);
    await expect(sshRun({ ...ssh, username: 'root', password: 'wrong-password' }, 'true')).rejects.toThrow(
      /authentication/i,
    );
  });

  it('has PostgreSQL with the stock FS PBX rows, reachable by peer auth and with the .env password', async () => {
    expect(
      await sql(
        "select string_agg(sip_profile_name || '=' || sip_profile_enabled, ',' order by sip_profile_name) from v_sip_profiles",
      ),
    ).toBe('external=true,external-ipv6=false,internal=true,internal-ipv6=false');
    const setting = (profile: string, name: string) =>
      sql(
        `select coalesce(string_agg(s.sip_profile_setting_value || '/' || s.sip_profile_setting_enabled, ','), 'no row') from v_sip_profile_settings s join v_sip_profiles p using (sip_profile_uuid) where p.sip_profile_name = '${profile}' and s.sip_profile_setting_name = '${name}'`,
      );
    expect(await setting('internal', 'aggressive-nat-detection')).toBe('true/true');
    expect(await setting('external', 'aggressive-nat-detection')).toBe('no row');
    expect(await setting('internal', 'apply-nat-acl')).toBe('nat.auto/true');
    expect(await setting('internal', 'NDLB-received-in-nat-reg-contact')).toBe('true/false');
    expect(await setting('external', 'sip-port')).toBe('5080/true');
    expect(await setting('internal-ipv6', 'sip-ip')).toBe('$${local_ip_v6}/true');
    // No unique constraint on (profile, name): a duplicate row is accepted, as on a real host.
    expect(
      await sql(
        "begin; insert into v_sip_profile_settings (sip_profile_setting_uuid, sip_profile_uuid, sip_profile_setting_name, sip_profile_setting_value, sip_profile_setting_enabled) select uuid_generate_v4(), sip_profile_uuid, 'apply-nat-acl', 'nat.auto', 'false' from v_sip_profiles where sip_profile_name = 'internal'; select count(*) from v_sip_profile_settings where sip_profile_setting_name = 'apply-nat-acl'; rollback;",
      ),
    ).toBe('5');
    expect(
      await sql(
        "select string_agg(var_name || '=' || var_value, ',' order by var_name) from v_vars where var_category = 'IP Address'",
      ),
    ).toBe('external_rtp_ip=$${local_ip_v4},external_sip_ip=$${local_ip_v4}');
    expect(
      await sql(
        "select count(*) || '/' || count(*) filter (where sip_bypass_media = 'bypass-media') || '/' || count(*) filter (where sip_bypass_media is null) || '/' || count(*) filter (where sip_bypass_media = '') from v_extensions",
      ),
    ).toBe('20/3/13/2');
    expect(
      await sql(
        "select default_setting_value from v_default_settings where default_setting_category = 'cache' order by default_setting_subcategory",
      ),
    ).toBe('/var/cache/fusionpbx\nfile');
    expect(await sql('select domain_name, domain_enabled from v_domains')).toBe(`${lab.pbx.domain}|t`);
    const env = await readFile(lab.pbx.upper('/var/www/fspbx/.env'), 'utf8');
    const password = /^DB_PASSWORD=(.*)$/m.exec(env)?.[1];
    expect(password).toBe(lab.db.password);
    const tcp = await lab.exec(
      'pbx',
      [
        'psql',
        '-X',
        '-A',
        '-t',
        '-h',
        '127.0.0.1',
        '-U',
        'fusionpbx',
        'fusionpbx',
        '-c',
        'select current_user, (select rolsuper from pg_roles where rolname = current_user)',
      ],
      {
        env: { ...process.env, PGPASSWORD: password },
      },
    );
    expect(tcp.stdout.trim()).toBe('fusionpbx|t');
  });

  it('answers fs_cli from the database, with the cache and rescan/restart semantics of FreeSWITCH', async () => {
    expect(await fsCli('switchname')).toBe('pbx');
    expect(await fsCli('version')).toMatch(/^FreeSWITCH Version 1\.10\./);
    expect(await fsCli('global_getvar external_rtp_ip')).toBe(SITE.pbx);
    expect(await fsCli(`user_data 1003@${lab.pbx.domain} var bypass_media`)).toBe('true');
    expect(await fsCli(`user_data 1001@${lab.pbx.domain} var bypass_media`)).toBe('');
    const status = await fsCli('sofia status');
    expect(status).toMatch(/internal\tprofile\t\s+sip:mod_sofia@192\.168\.88\.10:5060\tRUNNING/);
    expect(status).not.toMatch(/ipv6/);
    const field = async (name: string) =>
      new RegExp(`<${name}>([^<]*)</${name}>`).exec(await fsCli('sofia xmlstatus profile internal'))?.[1];
    expect(await field('ext-rtp-ip')).toBe(SITE.pbx);
    expect(await field('aggressive-nat')).toBe('true');

    await sql(
      "update v_sip_profile_settings set sip_profile_setting_value = 'autonat:203.0.113.2' where sip_profile_setting_name = 'ext-rtp-ip' and sip_profile_uuid = (select sip_profile_uuid from v_sip_profiles where sip_profile_name = 'internal'); update v_sip_profile_settings set sip_profile_setting_enabled = 'false' where sip_profile_setting_name = 'aggressive-nat-detection'",
    );
    // The generated config is cached: a rescan alone still sees the old rows.
    expect(await fsCli('sofia profile internal rescan')).toBe('+OK scan complete\n');
    expect(await field('ext-rtp-ip')).toBe(SITE.pbx);
    await lab.exec('pbx', ['rm', '-f', '/var/cache/fusionpbx/configuration.sofia.conf.pbx']);
    expect(await fsCli('xml_locate configuration configuration name sofia.conf')).toContain('autonat:203.0.113.2');
    await fsCli('sofia profile internal rescan');
    expect(await field('ext-rtp-ip')).toBe('203.0.113.2');
    // A disabled row keeps its running value on rescan: only a restart drops it.
    expect(await field('aggressive-nat')).toBe('true');
    let restart = await fsCli('sofia profile internal restart');
    for (let i = 0; i < 15 && /must be up for at least 10 seconds/.test(restart); i += 1) {
      await new Promise((r) => setTimeout(r, 1000));
      restart = await fsCli('sofia profile internal restart');
    }
    expect(restart).toBe('restarting: internal');
    expect(await field('aggressive-nat')).toBe('false');
    expect(await fsCli('sofia profile internal restart')).toMatch(
      /^Profile internal must be up for at least 10 seconds to stop\/restart\.\nPlease wait \d+ seconds?\n$/,
    );
    expect(await fsCli('sofia profile nosuch rescan')).toBe('Invalid Profile [nosuch]');
    expect(await fsCli('no_such_api')).toBe('-ERR no_such_api Command not found!\n');
    const logged = (await readFile(lab.pbx.fsCliLog, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { command: string }).command);
    expect(logged).toEqual(
      expect.arrayContaining(['sofia profile internal rescan', 'sofia profile internal restart', 'no_such_api']),
    );
  }, 60_000);

  it('resolves a changed FreeSWITCH variable into a profile only when the profile restarts', async () => {
    const field = async (name: string) =>
      new RegExp(`<${name}>([^<]*)</${name}>`).exec(await fsCli('sofia xmlstatus profile external'))?.[1];
    const edit = await lab.exec('pbx', [
      'sed',
      '-i',
      's|data="external_rtp_ip=[^"]*"|data="external_rtp_ip=autonat:203.0.113.2"|',
      '/etc/freeswitch/vars.xml',
    ]);
    expect(edit.code).toBe(0);
    expect(await fsCli('global_getvar external_rtp_ip')).toBe(SITE.pbx); // vars.xml is read on reloadxml only
    expect(await fsCli('reloadxml')).toBe('+OK [Success]\n');
    expect(await fsCli('global_getvar external_rtp_ip')).toBe('autonat:203.0.113.2');
    await lab.exec('pbx', ['rm', '-f', '/var/cache/fusionpbx/configuration.sofia.conf.pbx']);
    expect(await fsCli('sofia profile external rescan')).toBe('+OK scan complete\n');
    expect(await field('ext-rtp-ip')).toBe(SITE.pbx);
    let restart = await fsCli('sofia profile external restart');
    for (let i = 0; i < 15 && /must be up for at least 10 seconds/.test(restart); i += 1) {
      await new Promise((r) => setTimeout(r, 1000));
      restart = await fsCli('sofia profile external restart');
    }
    expect(restart).toBe('restarting: external');
    expect(await field('ext-rtp-ip')).toBe('203.0.113.2');
    expect(await field('ext-sip-ip')).toBe(SITE.pbx);
  }, 60_000);

  it('serves an extension from the directory cache until FS PBX deletes its cache entry', async () => {
    const user = `1003@${lab.pbx.domain}`;
    expect(await fsCli(`user_data ${user} var bypass_media`)).toBe('true');
    await sql("update v_extensions set sip_bypass_media = 'proxy-media' where extension = '1003'");
    expect(await fsCli(`user_data ${user} var proxy_media`)).toBe(''); // still the cached entry
    const rm = await lab.exec('pbx', ['rm', `/var/cache/fusionpbx/directory.${user}`]);
    expect(rm.code, rm.stderr).toBe(0);
    expect(await fsCli(`user_data ${user} var proxy_media`)).toBe('true');
    expect(await fsCli(`user_data ${user} var bypass_media`)).toBe('');
  });

  it('stops and starts a profile, and answers hostile input without running it', async () => {
    let stop = await fsCli('sofia profile external stop');
    for (let i = 0; i < 15 && /must be up for at least 10 seconds/.test(stop); i += 1) {
      await new Promise((r) => setTimeout(r, 1000));
      stop = await fsCli('sofia profile external stop');
    }
    expect(stop).toBe('stopping: external');
    expect(await fsCli('sofia status')).not.toMatch(/external\tprofile/);
    expect(await fsCli('sofia profile external rescan')).toBe('Invalid Profile [external]');
    expect(await fsCli('sofia profile external start')).toBe('external started successfully\n');
    expect(await fsCli('sofia profile external start')).toBe('Failure starting external\n');
    expect(await fsCli('sofia profile internal-ipv6 start')).toBe('Failure starting internal-ipv6\n'); // disabled in the DB
    const hostile = `user_data x'; drop table v_extensions; --@${lab.pbx.domain} var bypass_media`;
    expect(await fsCli(hostile)).toBe('');
    expect(await sql('select count(*) from v_extensions')).toBe('20');
    expect(await fsCli('memcache delete configuration:sofia.conf:pbx')).toBe('-ERR NOT FOUND\n'); // file cache here
  }, 60_000);

  it('runs the host firewall FS PBX installs (iptables, INPUT policy DROP)', async () => {
    const rules = await lab.exec('pbx', ['iptables', '-S', 'INPUT']);
    expect(rules.stdout).toContain('-P INPUT DROP');
    expect(rules.stdout).toContain('-A INPUT -p udp -m udp --dport 5060:5091 -j ACCEPT');
    expect((await lab.exec('tech', ['iptables', '-S', 'INPUT'])).stdout).not.toContain('5060');
  });

  it('answers SIP OPTIONS on UDP and TCP 5060 and 5080 inside the LAN', async () => {
    for (const transport of ['udp', 'tcp'] as const) {
      for (const port of [5060, 5080]) {
        expect(await optionsAnswered(lab, 'tech', SITE.pbx, port, transport), `${transport}/${port}`).toBe(true);
      }
    }
  });

  it.skipIf(!existsSync(ROUTER_SIM_MAIN))(
    "answers OPTIONS from the trunk only once a forward is added through the router simulator's API (needs test/lab/routeros)",
    async () => {
      expect(lab.router).toBeDefined();
      expect(await optionsAnswered(lab, 'trunk', SITE.router.wan, 5060)).toBe(false);
      // Through the MikroTik simulator's API, from tech, as the wizard will.
      const api = await lab.relay('tech', { host: SITE.router.lan, port: lab.router!.apiPort });
      const ros = new RouterOSAPI({ ...api, user: lab.router!.user, password: lab.router!.password, timeout: 10 });
      await ros.connect();
      try {
        await ros.write('/ip/firewall/nat/add', [
          '=chain=dstnat',
          '=in-interface=ether1',
          '=protocol=udp',
          '=dst-port=5060',
          `=src-address=${SITE.trunk}`,
          '=action=dst-nat',
          `=to-addresses=${SITE.pbx}`,
          '=to-ports=5060',
          '=comment=lab test forward',
        ]);
      } finally {
        await ros.close();
      }
      let answered = false;
      for (let i = 0; i < 5 && !answered; i += 1) answered = await optionsAnswered(lab, 'trunk', SITE.router.wan, 5060);
      expect(answered).toBe(true);
      const log = await readFile(lab.pbx.sipLog, 'utf8');
      expect(log).toContain(`"from": "${SITE.trunk}"`);
      expect(await optionsAnswered(lab, 'stranger', SITE.router.wan, 5060)).toBe(false);
    },
  );

  it('has a nas that is a plain SSH host with no FS PBX files, and an MNDP speaker that is no MikroTik', async () => {
    const ssh = await lab.relay('tech', lab.endpoints.nasSsh);
    const nas = await sshRun(
      { ...ssh, username: 'root', privateKey: lab.ssh.privateKey },
      'hostname; for p in /var/www/fspbx/.env /var/www/fspbx/artisan /etc/fusionpbx/config.conf /etc/freeswitch /usr/bin/fs_cli; do test -e $p && echo FOUND $p; done; echo done',
    );
    expect(nas.stdout).toBe('nas\ndone\n');
    // MAC-Telnet's own mndp client (stdbuf: it is killed by timeout, its output must not sit in a buffer).
    // A busy machine can lose the first round of answers: up to three rounds, until both speakers answered.
    const routerLine = new RegExp(`^${SITE.router.lan.replace(/\./g, '\\.')} .* \\(MikroTik `, 'm');
    let seen = '';
    for (let round = 0; round < 3; round += 1) {
      seen += (await lab.exec('tech', ['timeout', '5', 'stdbuf', '-o0', 'mndp'], { timeoutMs: 9000 })).stdout;
      if (seen.includes(`${SITE.mactel} `) && (!lab.router || routerLine.test(seen))) break;
    }
    const mactel = seen.split('\n').find((l) => l.startsWith(`${SITE.mactel} `));
    expect(mactel).toMatch(/ mactel \(Linux /);
    if (lab.router) expect(seen).toMatch(routerLine);
  });
});
