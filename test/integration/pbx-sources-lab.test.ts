/**
 * The PBX engine against what FS PBX and FreeSWITCH really do (issue 13), in the lab whose
 * fs_cli stand-in follows their sources (test/lab/README.md): each test is a case where the
 * wizard and the old lab agreed on something the sources contradict.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Failure } from '../../contract/errors';
import { pbxTarget, type PbxTarget } from '../../contract/schemas';
import { askFsCli } from '../../electron/pbx/session/batch';
import { applyPbx, readPbx, withPbxSession } from './helpers/boxes';
import { mintRowIds } from '../../electron/site/run';
import { planPbx, type PbxPlan } from '../../electron/pbx/plan/plan';
import { openSsh } from '../../electron/pbx/session/ssh';
import type { PbxState } from '../../electron/pbx/model/state';
import { startLab, type Lab } from '../lab/lab';
import { varsXml } from '../lab/pbx/files';
import { seedSql } from '../lab/pbx/seed';
import { installVariant } from '../lab/pbx/variants';
import { SITE } from '../lab/topology';

const PUBLIC_IP = '203.0.113.2';
/** Planted in v_gateways by every reset: nothing the wizard keeps may contain it. */
const TRUNK_PASSWORD = `trunkpw-sources-${process.pid}-${Date.now()}`;
const isRoot = process.getuid?.() === 0;
let lab: Lab;
let target: PbxTarget;

beforeAll(async () => {
  if (!isRoot) return;
  lab = await startLab({ routerSim: false });
  const ssh = await lab.relay('tech', lab.endpoints.pbxSsh);
  const login = {
    host: ssh.host,
    port: ssh.port,
    username: 'root',
    auth: { kind: 'password', password: lab.ssh.rootPassword },
  };
  const first = await openSsh(pbxTarget.parse(login)).catch((e: unknown) => e);
  target = pbxTarget.parse({ ...login, hostKey: (first as Failure).error.fingerprint });
});

afterAll(async () => {
  await lab?.stop();
});

async function exec(argv: string[], input?: string): Promise<string> {
  const r = await lab.exec('pbx', argv, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const psql = (sql: string) =>
  exec(
    ['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', 'fusionpbx'],
    sql,
  );

const fsCli = async (command: string) => (await lab.exec('pbx', ['fs_cli', '-x', command])).stdout;

/** A running profile's profile-info field; polls (bounded) while a restart respawns it. */
async function runningField(profile: string, name: string): Promise<string | undefined> {
  for (let i = 0; i < 40; i += 1) {
    const xml = await fsCli(`sofia xmlstatus profile ${profile}`);
    if (xml.includes('<profile-info>')) return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
    await new Promise((r) => setTimeout(r, 250));
  }
  return undefined;
}

async function fsCliLog(): Promise<string[]> {
  const text = await exec(['cat', '/var/log/fslab/fs_cli.log']);
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { command: string }).command);
}

function plan(state: PbxState, mediaMode: 'proxy' | 'leave' = 'proxy'): PbxPlan {
  const result = planPbx(state, { newIds: mintRowIds(), publicIp: PUBLIC_IP, mediaMode, extensions: [] });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.plan;
}

/** The stock FS PBX again: database, vars.xml, switch.conf, empty caches, FreeSWITCH started on them. */
async function stock(): Promise<void> {
  await exec(['sed', '-i', '/name="switchname"/d', '/etc/freeswitch/autoload_configs/switch.conf.xml']);
  await exec(['rm', '-f', '/etc/freeswitch/autoload_configs/lab_broken.conf.xml']);
  await installVariant((argv, options) => lab.exec('pbx', argv, options ?? {}), {
    name: 'stock',
    sql: seedSql({ domain: lab.pbx.domain, trunkPassword: TRUNK_PASSWORD }),
    varsXml: varsXml(lab.pbx.domain),
    secrets: [],
    traits: [],
  });
}

describe.skipIf(!isRoot)('FS PBX as its sources show it (needs root)', () => {
  beforeEach(async () => {
    await stock();
  });

  it('brings back a profile left with the old address by a stale cache: reloadxml before the cache goes, then rescan (no restart)', async () => {
    // Database and vars.xml already right, FreeSWITCH never reloaded: running profiles and the cache are stale.
    await psql(`update v_vars set var_value = 'autonat:${PUBLIC_IP}' where var_name like 'external_%_ip';`);
    await exec(['sed', '-i', 's|=\\$\\${local_ip_v4}" />|=autonat:' + PUBLIC_IP + '" />|', '/etc/freeswitch/vars.xml']);
    expect(await exec(['grep', '-c', `autonat:${PUBLIC_IP}`, '/etc/freeswitch/vars.xml'])).toBe('2\n');
    expect(await runningField('internal', 'ext-rtp-ip')).toBe(SITE.pbx);
    const p = plan(await readPbx(target), 'leave');
    expect(p.changes).toEqual([]);
    const from = (await fsCliLog()).length;
    const { record } = await applyPbx(target, p);
    expect(record.error).toBeUndefined();
    for (const profile of ['internal', 'external']) {
      expect(await runningField(profile, 'ext-rtp-ip')).toBe(PUBLIC_IP);
      expect(await runningField(profile, 'ext-sip-ip')).toBe(PUBLIC_IP);
    }
    const commands = (await fsCliLog()).slice(from);
    expect(commands.filter((c) => /restart|xml_locate/.test(c))).toEqual([]);
  });

  it('stops at a reloadxml that printed +OK with a parse error, before any cache is deleted', async () => {
    await exec(
      ['tee', '/etc/freeswitch/autoload_configs/lab_broken.conf.xml'],
      '<configuration name="x">\n<unclosed>\n',
    );
    const p = plan(await readPbx(target));
    const { record } = await applyPbx(target, p);
    expect(record.error?.message).toMatch(/reloadxml.*error near line/);
    const reload = record.steps.find((s) => s.what.includes('reloadxml'))!;
    expect(reload.status).toBe('failed');
    expect(record.steps.filter((s) => s.index > reload.index).every((s) => s.status === 'not-run')).toBe(true);
    expect(await exec(['ls', '/var/cache/fusionpbx'])).toContain('configuration.sofia.conf.pbx');
  });

  it('reads "Reload XML [Success]" followed by "-ERR" from a rescan as the failure it is', async () => {
    // Loaded fine at start; the row is emptied afterwards, so the next generation has ext-sip-ip="" (sofia.c:5264-5266).
    await psql(
      "update v_sip_profile_settings set sip_profile_setting_value = '' where sip_profile_setting_name = 'ext-sip-ip' and sip_profile_uuid = (select sip_profile_uuid from v_sip_profiles where sip_profile_name = 'internal');",
    );
    const { record } = await applyPbx(target, plan(await readPbx(target)));
    expect(record.complete).toBe(false);
    expect(record.error?.message).toMatch(/sofia profile internal rescan.*cannot find config/);
  });

  it('sees a commented override in vars.xml (FreeSWITCH runs it, switch_xml.c:1525) and rewrites the file', async () => {
    // Database and vars.xml right, but a line inside <!-- --> sets the LAN address back on every reloadxml.
    await psql(`update v_vars set var_value = 'autonat:${PUBLIC_IP}' where var_name like 'external_%_ip';`);
    await exec(['sed', '-i', 's|=\\$\\${local_ip_v4}" />|=autonat:' + PUBLIC_IP + '" />|', '/etc/freeswitch/vars.xml']);
    const override = '<!-- <X-PRE-PROCESS cmd="set" data="external_sip_ip=$${local_ip_v4}" /> -->';
    await exec(['sed', '-i', `s|</include>|${override}\\n</include>|`, '/etc/freeswitch/vars.xml']);
    expect(await fsCli('reloadxml')).toMatch(/^\+OK \[Success\]/);
    expect(await fsCli('global_getvar external_sip_ip')).toBe(`${SITE.pbx}\n`);
    const p = plan(await readPbx(target), 'leave');
    expect(p.changes).toEqual([]);
    expect(p.steps.some((st) => st.kind === 'write-file')).toBe(true);
    const { record } = await applyPbx(target, p);
    expect(record.error).toBeUndefined();
    expect(await exec(['cat', '/etc/freeswitch/vars.xml'])).not.toContain(override);
    expect(await fsCli('global_getvar external_sip_ip')).toBe(`autonat:${PUBLIC_IP}\n`);
    expect(await runningField('external', 'ext-sip-ip')).toBe(PUBLIC_IP);
  });

  it('serves no extension of a disabled domain (directory.lua:290), so verify has nothing to ask', async () => {
    expect(await fsCli(`user_data 1001@${lab.pbx.domain} attr id`)).toBe('1001\n');
    await psql(`update v_domains set domain_enabled = false;`);
    await exec(['sh', '-c', 'rm -f /var/cache/fusionpbx/directory.*']);
    expect(await fsCli(`user_data 1001@${lab.pbx.domain} attr id`)).toBe('-ERR no reply\n\n'); // empty answer (mod_event_socket.c:1594-1597)
    const state = await readPbx(target);
    expect(state.domains.map((d) => d['domain_enabled'])).toEqual(state.domains.map(() => 'false'));
  });

  it('clears the directory cache under the domain name FS PBX keys it by, and under user_context', async () => {
    await psql("update v_extensions set user_context = 'legacy.example.com' where extension = '1003';");
    // FreeSWITCH asks by the domain: FS PBX's Lua caches directory:1003@<domain_name> (directory.lua:160, :707).
    expect(await fsCli(`user_data 1003@${lab.pbx.domain} var bypass_media`)).toBe('true\n');
    const p = plan(await readPbx(target));
    const paths = p.steps.flatMap((s) => (s.kind === 'delete-cache-file' ? [s.path] : []));
    expect(paths).toEqual(
      expect.arrayContaining([
        `/var/cache/fusionpbx/directory.1003@${lab.pbx.domain}`,
        '/var/cache/fusionpbx/directory.1003@legacy.example.com',
      ]),
    );
    const { record } = await applyPbx(target, p);
    expect(record.error).toBeUndefined();
    expect(await fsCli(`user_data 1003@${lab.pbx.domain} var proxy_media`)).toBe('true\n');
  });

  it('keeps no trunk password: not in the apply record, not in the fs_cli answers verify asks for (one exec)', async () => {
    const { record } = await applyPbx(target, plan(await readPbx(target)));
    expect(record.error).toBeUndefined();
    expect(JSON.stringify(record)).not.toContain(TRUNK_PASSWORD);
    const { answers, execs } = await withPbxSession(target, async (ssh) => {
      const got = await askFsCli(
        ssh,
        [
          'xml_locate configuration configuration name sofia.conf',
          'sofia status gateway',
          'sofia status profile internal',
        ],
        { hideSecrets: true },
      );
      return { answers: got, execs: ssh.execCount };
    });
    expect(execs).toBe(1);
    const conf = answers.get('xml_locate configuration configuration name sofia.conf') ?? '';
    expect(conf).toContain('<param name="password" value="[hidden]"/>');
    expect(conf).toContain('name="apply-nat-acl" value="nat.auto"');
    expect([...answers.values()].join('\n')).not.toContain(TRUNK_PASSWORD);
    expect(answers.get('sofia status gateway')).toMatch(/external::\S+\t\s*sip:labtrunk@198\.51\.100\.10\tNOREG/);
  });

  it('matches hostname columns with the switchname (an HA node named in switch.conf), not the host name', async () => {
    await exec([
      'sed',
      '-i',
      's|<param name="dump-cores" value="yes"/>|&\\n    <param name="switchname" value="pbx-a"/>|',
      '/etc/freeswitch/autoload_configs/switch.conf.xml',
    ]);
    await psql(
      [
        "update v_sip_profiles set sip_profile_hostname = 'pbx-a' where sip_profile_name = 'internal';",
        "update v_vars set var_hostname = 'pbx-a' where var_name like 'external_%_ip';",
        // Rows left for the host name: not this switch's (FS PBX compares with switchname, SwitchVariableService.php:188).
        "insert into v_vars (var_uuid, var_category, var_name, var_value, var_command, var_hostname, var_enabled, var_order) values ('0e000000-0000-4000-8000-000000000001', 'IP Address', 'external_rtp_ip', 'autonat:198.51.100.77', 'set', 'pbx', 'true', 99);",
        // A profile whose flag is 'True': FS PBX's Lua loads only 'true' (sofia.conf.lua:90).
        "insert into v_sip_profiles values ('0e000000-0000-4000-8000-000000000002', 'internal', NULL, 'True', 'not loaded', now(), NULL, NULL, NULL);",
        // An enabled 'none' ACL row wipes what came before it (sofia.c:5708-5712).
        "insert into v_sip_profile_settings values ('0e000000-0000-4000-8000-000000000003', (select sip_profile_uuid from v_sip_profiles where sip_profile_name = 'internal' and sip_profile_hostname = 'pbx-a'), 'apply-nat-acl', 'none', 'true', NULL, now(), NULL, NULL, NULL);",
      ].join('\n'),
    );
    // config.conf without cache.method: FS PBX's Lua falls back to memcache (cache.lua:22).
    await exec(['sed', '-i', '/^cache.method/d', '/etc/fusionpbx/config.conf']);
    await exec(['/usr/bin/fs_cli', '--lab-boot']);
    try {
      const state = await readPbx(target);
      expect(state.switchname).toBe('pbx-a');
      expect(state.hostname).toBe('pbx');
      expect(state.cache.method).toBe('memcache');
      const p = plan(state);
      expect(p.warnings.map((w) => w.code)).toContain('nat-acl-none');
      expect(p.changes.filter((c) => c.action === 'add')).toEqual([]);
      const varKeys = p.changes.filter((c) => c.path === 'v_vars').map((c) => c.key);
      const mine = state.vars.filter((v) => v.var_hostname === 'pbx-a').map((v) => v.var_uuid);
      expect(varKeys.sort()).toEqual(mine.sort());
      const commands = p.steps.flatMap((s) => (s.kind === 'fs-cli' ? [s.command] : []));
      expect(commands).toContain('memcache delete configuration:sofia.conf:pbx-a');
      const { record } = await applyPbx(target, p);
      expect(record.error).toBeUndefined();
      expect(await runningField('external', 'ext-rtp-ip')).toBe(PUBLIC_IP);
    } finally {
      await exec([
        'sed',
        '-i',
        's|^cache.location|cache.method = file\\ncache.location|',
        '/etc/fusionpbx/config.conf',
      ]);
    }
  });
});
