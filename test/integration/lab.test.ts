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
});

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
    ).toBe('external=true,external-ipv6=true,internal=true,internal-ipv6=true');
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
    // No unique constraint on (profile, name): a duplicate row is accepted, as on a real host. (The
    // IPv6 twins have no NAT rows on a real install: the two stock rows and the duplicate make three.)
    expect(await setting('internal-ipv6', 'apply-nat-acl')).toBe('no row');
    expect(await setting('internal-ipv6', 'ext-sip-ip')).toBe('$${external_sip_ip}/false');
    expect(
      await sql(
        "begin; insert into v_sip_profile_settings (sip_profile_setting_uuid, sip_profile_uuid, sip_profile_setting_name, sip_profile_setting_value, sip_profile_setting_enabled) select uuid_generate_v4(), sip_profile_uuid, 'apply-nat-acl', 'nat.auto', 'false' from v_sip_profiles where sip_profile_name = 'internal'; select count(*) from v_sip_profile_settings where sip_profile_setting_name = 'apply-nat-acl'; rollback;",
      ),
    ).toBe('3');
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

  /** A restart is refused for 10 s after a start (mod_sofia.c:3760-3763): retry, bounded. */
  async function restart(profile: string): Promise<string> {
    let out = await fsCli(`sofia profile ${profile} restart`);
    for (let i = 0; i < 15 && /must be up for at least 10 seconds/.test(out); i += 1) {
      await new Promise((r) => setTimeout(r, 1000));
      out = await fsCli(`sofia profile ${profile} restart`);
    }
    return out;
  }

  /** profile-info field of a running profile; polls (bounded) while a restart is respawning it. */
  async function runningField(profile: string, name: string): Promise<string | undefined> {
    for (let i = 0; i < 40; i += 1) {
      const xml = await fsCli(`sofia xmlstatus profile ${profile}`);
      if (xml.includes('<profile-info>')) return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
      await new Promise((r) => setTimeout(r, 250));
    }
    return undefined;
  }

  it('answers fs_cli from the database as FS PBX on FreeSWITCH does: four profiles, WS/WSS rows, cache, rescan and async restart', async () => {
    expect(await fsCli('switchname')).toBe('pbx');
    expect(await fsCli('version')).toMatch(/^FreeSWITCH Version 1\.10\./);
    expect(await fsCli('global_getvar external_rtp_ip')).toBe(SITE.pbx);
    expect(await fsCli(`user_data 1003@${lab.pbx.domain} var bypass_media`)).toBe('true');
    // An empty API answer reaches fs_cli as "-ERR no reply" (fixtures/real-freeswitch/06-commands-and-refusals.json).
    expect(await fsCli(`user_data 1001@${lab.pbx.domain} var bypass_media`)).toBe('-ERR no reply\n');
    const status = await fsCli('sofia status');
    expect(status).toMatch(/internal\tprofile\t\s+sip:mod_sofia@192\.168\.88\.10:5060\tRUNNING/);
    for (const name of ['internal', 'external', 'internal-ipv6', 'external-ipv6'])
      expect(status).toContain(`${name}\tprofile`);
    const list = await fsCli('sofia xmlstatus');
    expect(list).toContain('<state>RUNNING (0) (WS)</state>');
    expect(list).toContain('<data>sips:mod_sofia@192.168.88.10:7443;transport=wss</data>');
    expect(list).toMatch(/<gateway>\n<name>[0-9a-f-]{36}<\/name>\n<type>gateway<\/type>/);
    expect(await runningField('internal', 'ext-rtp-ip')).toBe(SITE.pbx);
    expect(await runningField('internal', 'aggressive-nat')).toBe('true');

    await sql(
      "update v_sip_profile_settings set sip_profile_setting_value = 'autonat:203.0.113.2' where sip_profile_setting_name = 'ext-rtp-ip' and sip_profile_uuid = (select sip_profile_uuid from v_sip_profiles where sip_profile_name = 'internal'); update v_sip_profile_settings set sip_profile_setting_enabled = 'false' where sip_profile_setting_name = 'aggressive-nat-detection'",
    );
    // The generated config is cached: a rescan alone still sees the old rows.
    expect(await fsCli('sofia profile internal rescan')).toBe('Reload XML [Success]\n+OK scan complete\n');
    expect(await runningField('internal', 'ext-rtp-ip')).toBe(SITE.pbx);
    await lab.exec('pbx', ['rm', '-f', '/var/cache/fusionpbx/configuration.sofia.conf.pbx']);
    await fsCli('sofia profile internal rescan');
    expect(await runningField('internal', 'ext-rtp-ip')).toBe('203.0.113.2');
    // A row gone from the config keeps its running value on rescan: only a restart drops it.
    expect(await runningField('internal', 'aggressive-nat')).toBe('true');
    expect(await restart('internal')).toBe('Reload XML [Success]\nrestarting: internal');
    // Asynchronous: right after the answer the profile is not running yet.
    expect(await fsCli('sofia xmlstatus profile internal')).toBe('<error>Invalid Profile!</error>\n');
    expect(await runningField('internal', 'aggressive-nat')).toBe('false');
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
  });

  it('copies a variable into the profile when FS PBX generates sofia.conf, so a stale cache outlives reloadxml and restart', async () => {
    const setVar = async (value: string) => {
      const edit = await lab.exec('pbx', [
        'sed',
        '-i',
        `s|data="external_rtp_ip=[^"]*"|data="external_rtp_ip=${value}"|`,
        '/etc/freeswitch/vars.xml',
      ]);
      expect(edit.code).toBe(0);
    };
    const cache = '/var/cache/fusionpbx/configuration.sofia.conf.pbx';
    await setVar('autonat:203.0.113.2');
    expect(await fsCli('global_getvar external_rtp_ip')).toBe(SITE.pbx); // vars.xml is read on reloadxml only
    expect(await fsCli('reloadxml')).toBe('+OK [Success]\n');
    expect(await fsCli('global_getvar external_rtp_ip')).toBe('autonat:203.0.113.2');
    // The cached sofia.conf holds the old address as literal text.
    expect(await fsCli('sofia profile external rescan')).toBe('Reload XML [Success]\n+OK scan complete\n');
    expect(await runningField('external', 'ext-rtp-ip')).toBe(SITE.pbx);
    await lab.exec('pbx', ['rm', '-f', cache]);
    expect(await fsCli('sofia profile external rescan')).toBe('Reload XML [Success]\n+OK scan complete\n');
    expect(await runningField('external', 'ext-rtp-ip')).toBe('203.0.113.2');
    expect(await runningField('external', 'ext-sip-ip')).toBe(SITE.pbx);
    // The trap: cache deleted and regenerated BEFORE reloadxml keeps the old globals, even through a restart.
    await setVar('autonat:203.0.113.9');
    await lab.exec('pbx', ['rm', '-f', cache]);
    await fsCli('xml_locate configuration configuration name sofia.conf');
    expect(await restart('external')).toBe('Reload XML [Success]\nrestarting: external');
    expect(await fsCli('global_getvar external_rtp_ip')).toBe('autonat:203.0.113.9');
    expect(await runningField('external', 'ext-rtp-ip')).toBe('203.0.113.2');
    // A vars.xml that does not parse: reloadxml still says +OK, with the error in brackets.
    const broken = await lab.exec('pbx', [
      'sh',
      '-c',
      'printf "<include>\\n<unclosed>\\n" >> /etc/freeswitch/vars.xml',
    ]);
    expect(broken.code).toBe(0);
    expect(await fsCli('reloadxml')).toMatch(/^\+OK \[\[error near line \d+\]: .+\]\n$/);
    expect(await fsCli('sofia profile external rescan')).toMatch(
      /^Reload XML \[\[error near line \d+\]: .+\]\n\+OK scan complete\n$/,
    );
    await setVar('$${local_ip_v4}');
    await lab.exec('pbx', ['sed', '-i', '/<unclosed>/d;$d', '/etc/freeswitch/vars.xml']);
  });

  it('lists the trunk gateway, whose password is in the sofia.conf FS PBX generates', async () => {
    const gateways = await fsCli('sofia status gateway');
    expect(gateways).toMatch(/^\s+Profile::Gateway-Name\t/);
    // register_to is sip:<username>@<proxy> (FreeSWITCH 1.10.12, fixtures/real-freeswitch/03-gateway-contact.json)
    expect(gateways).toMatch(/external::[0-9a-f-]{36}\t\s*sip:labtrunk@198\.51\.100\.10\tNOREG\t/);
    expect(gateways).toMatch(/1 gateway: Inbound\(Failed\/Total\): 0\/0,Outbound\(Failed\/Total\):0\/0\n$/);
    const password = await sql('select password from v_gateways');
    expect(password).toMatch(/^trunkpw-[0-9a-f]{18}$/);
    expect(await fsCli('xml_locate configuration configuration name sofia.conf')).toContain(
      `<param name="password" value="${password}"/>`,
    );
  });

  it('serves an extension from the directory cache until FS PBX deletes its cache entry', async () => {
    const user = `1003@${lab.pbx.domain}`;
    expect(await fsCli(`user_data ${user} var bypass_media`)).toBe('true');
    await sql("update v_extensions set sip_bypass_media = 'proxy-media' where extension = '1003'");
    expect(await fsCli(`user_data ${user} var proxy_media`)).toBe('-ERR no reply\n'); // still the cached entry
    const rm = await lab.exec('pbx', ['rm', `/var/cache/fusionpbx/directory.${user}`]);
    expect(rm.code, rm.stderr).toBe(0);
    expect(await fsCli(`user_data ${user} var proxy_media`)).toBe('true');
    expect(await fsCli(`user_data ${user} var bypass_media`)).toBe('-ERR no reply\n');
  });

  it('stops and starts a profile, and answers hostile input without running it', async () => {
    let stop = await fsCli('sofia profile external stop');
    for (let i = 0; i < 15 && /must be up for at least 10 seconds/.test(stop); i += 1) {
      await new Promise((r) => setTimeout(r, 1000));
      stop = await fsCli('sofia profile external stop');
    }
    expect(stop).toBe('Reload XML [Success]\nstopping: external');
    expect(await fsCli('sofia status')).not.toMatch(/external\tprofile/);
    expect(await fsCli('sofia profile external rescan')).toBe('Invalid Profile [external]');
    expect(await fsCli('sofia profile external start')).toBe('Reload XML [Success]\nexternal started successfully\n');
    expect(await fsCli('sofia profile external start')).toBe('Reload XML [Success]\nexternal started successfully\n');
    expect(await fsCli('sofia profile nosuch start')).toBe('Reload XML [Success]\nFailure starting nosuch\n');
    const hostile = `user_data x'; drop table v_extensions; --@${lab.pbx.domain} var bypass_media`;
    expect(await fsCli(hostile)).toBe('-ERR no reply\n');
    expect(await sql('select count(*) from v_extensions')).toBe('20');
    expect(await fsCli('memcache delete configuration:sofia.conf:pbx')).toBe('-ERR NOT FOUND\n'); // file cache here
  });

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
