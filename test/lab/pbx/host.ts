/**
 * The FS PBX host: private overlay with the FS PBX files, real PostgreSQL 15 holding the stock
 * FS PBX rows, real sshd, the fs_cli stand-in at /usr/bin/fs_cli, the SIP OPTIONS responder and
 * the TLS/WSS listener that follows the running profiles.
 */
import { randomBytes } from 'node:crypto';
import { chmod, chown, copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execIn, mustExecIn, type NsHost } from '../netns';
import { startDaemon, waitFor, type Daemon } from '../host/daemon';
import { mountSandbox, planSandbox, prepareSandbox, writeHostFile, type Ids, type Sandbox } from '../host/sandbox';
import { prepareSsh, startSshd, type SshCredentials } from '../host/ssh';
import { FSPBX_DIRS, fspbxFiles } from './files';
import { seedSql } from './seed';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const PG_DATA = '/var/lib/postgresql/15/main';
const PG_CONF = '/etc/postgresql/15/main';
export const PBX_OVERLAYS = ['/etc', '/var', '/root', '/home', '/usr'];

export interface PbxOptions {
  dir: string;
  /** Address the servers bind to: 0.0.0.0 in a namespace, 127.0.0.x in loopback mode. */
  bind: string;
  /** The address FreeSWITCH calls local_ip_v4 (the LAN address). */
  localIp: string;
  sshPort: number;
  pgHost: string;
  pgPort: number;
  sipPorts: number[];
  domain: string;
  creds: SshCredentials;
  /** Load the FS PBX host firewall (rules.v4) into the host's netfilter: only with its own netns. */
  firewall: boolean;
  /** The resolver the host's /etc/resolv.conf names (the lab DNS, test/lab/dns.ts); unset: the machine's. */
  nameserver?: string;
  /** Registering gateways send real REGISTERs (fs_cli.py): only with its own netns, whose routes lead to lab hosts only. */
  registerGateways?: boolean;
}

export interface PbxHost {
  sandbox: Sandbox;
  daemons: Daemon[];
  dbPassword: string;
  /** The trunk gateway's SIP password in v_gateways (and so in the generated sofia.conf): must never reach a stored record. */
  trunkPassword: string;
  domain: string;
  /** fs_cli's log of every command, readable from the test machine. */
  fsCliLog: string;
  sipLog: string;
  /** The TLS/WSS listener's log: one JSON line per handshake, with its source. */
  tlsLog: string;
  /** SHA256:… fingerprint of the pbx's SSH host key, as the wizard shows it. */
  hostKey: string;
}

async function ids(name: 'root' | 'www-data' | 'postgres'): Promise<Ids> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error(`no user ${name} on this machine`);
  return { uid: Number(uid), gid: Number(gid) };
}

function postgresqlConf(o: PbxOptions): string {
  return [
    `data_directory = '${PG_DATA}'`,
    `hba_file = '${PG_CONF}/pg_hba.conf'`,
    `ident_file = '${PG_CONF}/pg_ident.conf'`,
    `listen_addresses = '${o.pgHost}'`,
    `port = ${o.pgPort}`,
    "unix_socket_directories = '/var/run/postgresql'",
    'max_connections = 40',
    'shared_buffers = 16MB',
    // A throw-away database: durability buys nothing and costs start-up time.
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    "cluster_name = '15/main'",
    "log_line_prefix = '%m [%p] %q%u@%d '",
    "timezone = 'UTC'",
    '',
  ].join('\n');
}

const PG_HBA = `local   all             postgres                                peer
local   all             all                                     peer
host    all             all             127.0.0.0/8             scram-sha-256
host    all             all             ::1/128                 scram-sha-256
`;

export async function preparePbx(o: PbxOptions): Promise<PbxHost> {
  const sandbox = planSandbox(o.dir, PBX_OVERLAYS);
  await prepareSandbox(o.dir, sandbox);
  const dbPassword = randomBytes(12).toString('hex');
  const trunkPassword = `trunkpw-${randomBytes(9).toString('hex')}`;
  const www = await ids('www-data');
  const pg = await ids('postgres');
  const { hostKey } = await prepareSsh(sandbox, o.creds, o.bind, o.sshPort);
  const appKey = randomBytes(32).toString('base64');
  for (const f of fspbxFiles({
    domain: o.domain,
    dbPassword,
    dbHost: o.pgHost,
    dbPort: o.pgPort,
    appKey,
    localIp: o.localIp,
    switchname: 'pbx',
    registerGateways: o.registerGateways === true,
  })) {
    const owner = f.owner === 'www-data' ? www : f.owner === 'postgres' ? pg : { uid: 0, gid: 0 };
    await writeHostFile(sandbox, f.path, f.content, f.mode, owner);
  }
  for (const d of FSPBX_DIRS) {
    const target = sandbox.upper(d.path);
    await mkdir(target, { recursive: true });
    await chmod(target, d.mode);
    const owner = d.owner === 'www-data' ? www : d.owner === 'postgres' ? pg : { uid: 0, gid: 0 };
    await chown(target, owner.uid, owner.gid);
  }
  await writeHostFile(sandbox, '/etc/hostname', 'pbx\n', 0o644);
  if (o.nameserver) await writeHostFile(sandbox, '/etc/resolv.conf', `nameserver ${o.nameserver}\n`, 0o644);
  await writeHostFile(sandbox, '/etc/hosts', `127.0.0.1\tlocalhost\n${o.localIp}\tpbx\n`, 0o644);
  await writeHostFile(sandbox, `${PG_CONF}/postgresql.conf`, postgresqlConf(o), 0o644, pg);
  await writeHostFile(sandbox, `${PG_CONF}/pg_hba.conf`, PG_HBA, 0o640, pg);
  await writeHostFile(sandbox, `${PG_CONF}/pg_ident.conf`, '', 0o640, pg);
  await writeHostFile(sandbox, '/usr/bin/fs_cli', await readFile(join(__dirname, 'fs_cli.py'), 'utf8'), 0o755);
  await mkdir(sandbox.upper('/usr/lib/fslab'), { recursive: true });
  await copyFile(join(__dirname, 'sip_responder.py'), sandbox.upper('/usr/lib/fslab/sip_responder.py'));
  await copyFile(join(__dirname, 'tls_listener.py'), sandbox.upper('/usr/lib/fslab/tls_listener.py'));
  return {
    sandbox,
    daemons: [],
    dbPassword,
    trunkPassword,
    domain: o.domain,
    fsCliLog: sandbox.upper('/var/log/fslab/fs_cli.log'),
    sipLog: sandbox.upper('/var/log/fslab/sip.log'),
    tlsLog: sandbox.upper('/var/log/fslab/tls.log'),
    hostKey,
  };
}

const asPostgres = (argv: string[]): string[] => [
  'setpriv',
  '--reuid=postgres',
  '--regid=postgres',
  '--init-groups',
  '--',
  ...argv,
];

/** Mounts the sandbox and starts PostgreSQL, fs_cli's FreeSWITCH state, sshd and SIP. */
export async function startPbx(host: NsHost, o: PbxOptions, pbx: PbxHost): Promise<void> {
  await mountSandbox(host, o.dir, pbx.sandbox, ['/run', '/tmp']);
  await mustExecIn(host, ['install', '-d', '-o', 'postgres', '-g', 'postgres', '-m', '2775', '/run/postgresql']);
  if (o.firewall) await mustExecIn(host, ['iptables-restore', '/etc/iptables/rules.v4']);
  // The test machine may have its own cluster in /var/lib/postgresql/15/main: the pbx gets a new one.
  await mustExecIn(host, ['rm', '-rf', PG_DATA]);
  await mustExecIn(host, ['install', '-d', '-o', 'postgres', '-g', 'postgres', '-m', '0700', PG_DATA]);
  await mustExecIn(
    host,
    asPostgres([
      `${PG_BIN}/initdb`,
      '-D',
      PG_DATA,
      '--no-sync',
      '-U',
      'postgres',
      '--auth-local=peer',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]),
    { timeoutMs: 60_000 },
  );
  const postgres = await startDaemon(
    host,
    'postgres',
    asPostgres([`${PG_BIN}/postgres`, '-c', `config_file=${PG_CONF}/postgresql.conf`]),
    join(o.dir, 'postgres.log'),
  );
  pbx.daemons.push(postgres);
  await waitFor(
    'PostgreSQL',
    async () =>
      (await execIn(host, [`${PG_BIN}/pg_isready`, '-q', '-h', '/var/run/postgresql', '-p', String(o.pgPort)])).code ===
      0,
    { daemon: postgres, timeoutMs: 30_000 },
  );
  const psqlAsPostgres = (db: string) =>
    asPostgres(['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-p', String(o.pgPort), '-d', db]);
  await mustExecIn(host, psqlAsPostgres('postgres'), {
    input: [
      `\\set pw '${pbx.dbPassword}'`,
      "create role fusionpbx superuser login password :'pw';",
      'create database fusionpbx owner fusionpbx;',
    ].join('\n'),
  });
  await mustExecIn(host, psqlAsPostgres('fusionpbx'), {
    input: `set role fusionpbx;\n${seedSql({ domain: o.domain, trunkPassword: pbx.trunkPassword })}`,
  });
  // FreeSWITCH "starts": reads vars.xml and loads every enabled profile (and fills the cache).
  await mustExecIn(host, ['/usr/bin/fs_cli', '--lab-boot']);
  await mustExecIn(host, ['chown', '-R', 'www-data:www-data', '/var/cache/fusionpbx']);
  pbx.daemons.push(await startSshd(host, join(o.dir, 'sshd.log'), o.bind, o.sshPort));
  const sip = await startDaemon(
    host,
    'sip',
    [
      '/usr/bin/python3',
      '/usr/lib/fslab/sip_responder.py',
      '--bind',
      o.bind,
      '--ports',
      o.sipPorts.join(','),
      '--log',
      '/var/log/fslab/sip.log',
    ],
    join(o.dir, 'sip.log'),
  );
  pbx.daemons.push(sip);
  await waitFor('SIP responder', async () => (await readFile(sip.log, 'utf8').catch(() => '')).includes('READY'), {
    daemon: sip,
  });
  // FreeSWITCH's TLS certificate, self-made as FreeSWITCH does when there is none (sofia.c:6240-6250),
  // in FS PBX's folder; the listener opens the TLS/WSS ports the running profiles have (tls_listener.py).
  await mustExecIn(host, [
    'sh',
    '-c',
    'd=/etc/freeswitch/tls && mkdir -p "$d" && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 ' +
      '-nodes -days 30 -subj /CN=pbx -keyout "$d/agent.key" -out "$d/agent.crt" 2>/dev/null && ' +
      'cat "$d/agent.crt" "$d/agent.key" > "$d/agent.pem" && ln -sf agent.pem "$d/wss.pem" && rm "$d/agent.key" "$d/agent.crt"',
  ]);
  const tls = await startDaemon(
    host,
    'tls',
    [
      '/usr/bin/python3',
      '/usr/lib/fslab/tls_listener.py',
      '--bind',
      o.bind,
      '--cert',
      '/etc/freeswitch/tls/agent.pem',
      '--log',
      '/var/log/fslab/tls.log',
    ],
    join(o.dir, 'tls.log'),
  );
  pbx.daemons.push(tls);
  await waitFor('TLS listener', async () => (await readFile(tls.log, 'utf8').catch(() => '')).includes('READY'), {
    daemon: tls,
  });
}
