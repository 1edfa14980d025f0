/**
 * The site lab's test API: `startLab()` builds the customer site of DESIGN.md in network
 * namespaces (or, in loopback mode, on 127.0.0.x ports), and gives back addresses, credentials,
 * a way to run a command in any host, a TCP relay from a host, and `stop()`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startMactel, startNas } from './decoys';
import { startProcess, stopDaemon, waitFor, type Daemon } from './host/daemon';
import { makeCredentials, type SshCredentials } from './host/ssh';
import {
  createLoopbackHost,
  destroyNetns,
  execIn,
  isAlive,
  mustExecIn,
  newRunName,
  nsenterArgv,
  type NsHost,
} from './netns';
import { planLoopback } from './loopback';
import { buildNetwork } from './network';
import { REPO_ROOT as LAB_REPO_ROOT, ROUTER_SIM_MAIN, startRouterSim, type RouterSimInfo } from './router';
import { preparePbx, startPbx, type PbxHost } from './pbx/host';
import { processStart, removeRecord, runDir, sweepStaleLabs, writeRecord, type RunRecord } from './registry';
import { type RunOptions, type RunResult } from './run';
import { SITE, siteTopology, type HostName } from './topology';

export { REPO_ROOT, ROUTER_SIM_MAIN, type RouterSimInfo } from './router';
export const LAB_DOMAIN = 'pbx.example.com';

export interface Endpoint {
  host: string;
  port: number;
}

export interface LabAddresses {
  tech: string;
  router: { lan: string; wan: string };
  pbx: string;
  nas: string;
  mactel: string;
  trunk: string;
  phone: string;
  stranger: string;
}

export interface Lab {
  mode: 'netns' | 'loopback';
  runId: string;
  dir: string;
  addresses: LabAddresses;
  /** Where each server listens, as seen from `tech` (netns) or from this machine (loopback). */
  endpoints: {
    pbxSsh: Endpoint;
    nasSsh: Endpoint;
    pbxSip: { udp: Endpoint[]; tcp: Endpoint[] };
    pbxPostgres: Endpoint;
  };
  ssh: SshCredentials;
  /** SHA256:… host key fingerprints, to accept on first connection as a technician would. */
  hostKeys: { pbx: string; nas: string };
  db: { name: 'fusionpbx'; user: 'fusionpbx'; password: string };
  pbx: { domain: string; fsCliLog: string; sipLog: string; upper(path: string): string };
  /** The MikroTik simulator's API, when test/lab/routeros/main.ts existed at start-up. */
  router?: RouterSimInfo;
  /**
   * The carrier's registrar on the trunk host (netns mode, pbx/registrar.py): UDP 5060, one account;
   * `log` holds a JSON line per REGISTER with the Contact it carried.
   */
  carrier?: { address: string; realm: string; username: string; password: string; log: string };
  hosts: Partial<Record<HostName, NsHost>>;
  startupMs: number;
  exec(host: HostName, argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** A TCP relay on 127.0.0.1 whose connections start from `from` toward target (netns mode). */
  relay(from: HostName, target: Endpoint): Promise<Endpoint>;
  stop(): Promise<void>;
}

export interface StartLabOptions {
  mode?: 'netns' | 'loopback';
  /** Start the MikroTik simulator when it is present (default true). */
  routerSim?: boolean;
}

/**
 * Each host resolves its own name (sipsak and others look it up): a per-host hosts file is
 * bind-mounted over /etc/hosts inside that host's mount namespace only.
 */
async function giveHostsTheirNames(hosts: Partial<Record<HostName, NsHost>>, dir: string): Promise<void> {
  const topology = siteTopology();
  await mkdir(join(dir, 'hosts'), { recursive: true });
  for (const [name, host] of Object.entries(hosts)) {
    const ip = topology.addresses.find((a) => a.host === name)?.cidr.split('/')[0] ?? '127.0.1.1';
    const file = join(dir, 'hosts', name);
    await writeFile(file, `127.0.0.1\tlocalhost\n${ip}\t${name}\n::1\tlocalhost ip6-localhost ip6-loopback\n`);
    await mustExecIn(host, ['mount', '--bind', file, '/etc/hosts']);
  }
}

export async function startLab(options: StartLabOptions = {}): Promise<Lab> {
  const mode = options.mode ?? 'netns';
  const started = Date.now();
  await sweepStaleLabs();
  const { runId, ownerPid } = newRunName();
  const dir = runDir(runId);
  await mkdir(dir, { recursive: true });
  const record: RunRecord = {
    runId,
    ownerPid,
    ownerStart: (await processStart(ownerPid)) ?? '',
    dir,
    mode,
    pids: [],
  };
  await writeRecord(record);
  const created: NsHost[] = [];
  const daemons: Daemon[] = [];
  const relays: Daemon[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const d of [...relays, ...daemons]) stopDaemon(d, d.name === 'postgres' ? 'SIGINT' : 'SIGTERM');
    if (mode === 'netns') {
      await Promise.all(created.map((h) => destroyNetns(h.netns)));
    } else {
      // PostgreSQL needs a moment for a fast shutdown; KILL only what is still there after 5 s.
      const deadline = Date.now() + 5000;
      while (daemons.some((d) => isAlive(d.pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      for (const d of [...relays, ...daemons]) stopDaemon(d, 'SIGKILL');
      for (const h of created) {
        try {
          process.kill(h.holderPid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await rm(dir, { recursive: true, force: true });
    await removeRecord(runId);
  };
  const remember = async (ds: Daemon[]): Promise<void> => {
    daemons.push(...ds);
    if (mode === 'loopback') {
      record.pids.push(...ds.map((d) => ({ pid: d.pid, start: d.start })));
      await writeRecord(record);
    }
  };
  try {
    const creds = await makeCredentials(dir);
    const wantSim = (options.routerSim ?? true) && existsSync(ROUTER_SIM_MAIN);
    const routerPassword = `router-${creds.rootPassword.slice(5)}`;
    let hosts: Partial<Record<HostName, NsHost>>;
    let addresses: LabAddresses;
    let endpoints: Lab['endpoints'];
    let pbxOptions: Parameters<typeof preparePbx>[0];
    let nasBind: string;
    let loopbackApi: { api: number; apiSsl: number; bind: string } | undefined;
    if (mode === 'netns') {
      hosts = await buildNetwork(runId, siteTopology(), created);
      // Before any sandbox: hosts with their own /etc overlay write their hosts file there instead.
      await giveHostsTheirNames(hosts, dir);
      addresses = {
        tech: SITE.tech,
        router: { lan: SITE.router.lan, wan: SITE.router.wan },
        pbx: SITE.pbx,
        nas: SITE.nas,
        mactel: SITE.mactel,
        trunk: SITE.trunk,
        phone: SITE.phone,
        stranger: SITE.stranger,
      };
      endpoints = {
        pbxSsh: { host: SITE.pbx, port: 22 },
        nasSsh: { host: SITE.nas, port: 22 },
        pbxSip: {
          udp: [5060, 5080].map((port) => ({ host: SITE.pbx, port })),
          tcp: [5060, 5080].map((port) => ({ host: SITE.pbx, port })),
        },
        pbxPostgres: { host: '127.0.0.1', port: 5432 },
      };
      nasBind = '0.0.0.0';
      pbxOptions = {
        dir: join(dir, 'pbx'),
        bind: '0.0.0.0',
        localIp: SITE.pbx,
        sshPort: 22,
        pgHost: '127.0.0.1',
        pgPort: 5432,
        sipPorts: [5060, 5080],
        domain: LAB_DOMAIN,
        creds,
        firewall: true,
        // The ISP's resolver (test/lab/dns.ts, started below): the PBX resolves its gateways there.
        nameserver: SITE.isp.trunk,
        // Its gateways really REGISTER, through the router, to the carrier's registrar (started below).
        registerGateways: true,
      };
    } else {
      const plan = await planLoopback(dir, LAB_DOMAIN, creds);
      loopbackApi = { api: plan.routerApi, apiSsl: plan.routerApiSsl, bind: plan.ips.router };
      for (const name of ['pbx', 'nas', 'router'] as const) created.push(await createLoopbackHost(name));
      hosts = { pbx: created[0], nas: created[1], router: created[2] };
      for (const h of created) record.pids.push({ pid: h.holderPid, start: (await processStart(h.holderPid)) ?? '' });
      await writeRecord(record);
      addresses = {
        tech: '127.0.0.1',
        router: { lan: plan.ips.router, wan: plan.ips.router },
        pbx: plan.ips.pbx,
        nas: plan.ips.nas,
        mactel: '',
        trunk: '',
        phone: '',
        stranger: '',
      };
      endpoints = {
        pbxSsh: { host: plan.ips.pbx, port: plan.pbxSsh },
        nasSsh: { host: plan.ips.nas, port: plan.nasSsh },
        pbxSip: {
          udp: plan.sip.map((port) => ({ host: plan.ips.pbx, port })),
          tcp: plan.sip.map((port) => ({ host: plan.ips.pbx, port })),
        },
        pbxPostgres: { host: plan.ips.pbx, port: plan.pbx.pgPort },
      };
      nasBind = plan.ips.nas;
      pbxOptions = plan.pbx;
    }
    const pbxHost = hosts.pbx!;
    const pbx: PbxHost = await preparePbx(pbxOptions);
    let nasHostKey = '';
    const jobs: Promise<void>[] = [
      startPbx(pbxHost, pbxOptions, pbx).finally(() => remember(pbx.daemons)),
      startNas(hosts.nas!, join(dir, 'nas'), creds, nasBind, endpoints.nasSsh.port, addresses.nas).then(async (nas) => {
        nasHostKey = nas.hostKey;
        await remember(nas.daemons);
      }),
    ];
    if (mode === 'netns') {
      jobs.push(startMactel(hosts.mactel!, join(dir, 'mactel'), creds.adminPassword).then(remember));
      // The carrier's names (NAPTR → SRV → A), answered by the ISP's DNS at 198.51.100.1.
      jobs.push(
        (async () => {
          const log = join(dir, 'dns.log');
          const argv = [process.execPath, '--import', 'tsx', join(__dirname, 'dns.ts'), '--bind', SITE.isp.trunk];
          const dns = await startProcess('dns', nsenterArgv(hosts.isp!, argv, LAB_REPO_ROOT), log);
          await remember([dns]);
          await waitFor('lab DNS', async () => (await readFile(log, 'utf8').catch(() => '')).includes('READY'), {
            daemon: dns,
            timeoutMs: 30_000,
          });
        })(),
      );
    }
    let carrier: Lab['carrier'];
    if (mode === 'netns') {
      // The carrier's registrar at the trunk's address: the PBX's registering gateways reach it through the router.
      jobs.push(
        (async () => {
          const account = { username: 'labcarrier', password: `carrier-${creds.rootPassword.slice(5, 17)}` };
          const accounts = join(dir, 'carrier-accounts.json');
          await writeFile(accounts, JSON.stringify({ [account.username]: account.password }), { mode: 0o600 });
          const log = join(dir, 'carrier-registrar.log');
          const argv = [
            '/usr/bin/python3',
            join(__dirname, 'pbx', 'registrar.py'),
            ...['--bind', SITE.trunk, '--port', '5060', '--realm', SITE.trunk, '--accounts', accounts, '--log', log],
          ];
          const daemon = await startProcess(
            'registrar',
            nsenterArgv(hosts.trunk!, argv, LAB_REPO_ROOT),
            join(dir, 'registrar.out'),
          );
          await remember([daemon]);
          await waitFor(
            'carrier registrar',
            async () => (await readFile(join(dir, 'registrar.out'), 'utf8').catch(() => '')).includes('READY'),
            { daemon, timeoutMs: 30_000 },
          );
          carrier = { address: SITE.trunk, realm: SITE.trunk, ...account, log };
        })(),
      );
    }
    let router: RouterSimInfo | undefined;
    if (wantSim) {
      const simBind = loopbackApi?.bind ?? '0.0.0.0';
      const ports = loopbackApi ?? { api: 8728, apiSsl: 8729 };
      jobs.push(
        startRouterSim(hosts.router!, join(dir, 'router'), simBind, ports, routerPassword, mode === 'netns').then(
          async ({ daemon, info }) => {
            router = info;
            await remember([daemon]);
          },
        ),
      );
    }
    await Promise.all(jobs);
    const lab: Lab = {
      mode,
      runId,
      dir,
      addresses,
      endpoints,
      ssh: creds,
      hostKeys: { pbx: pbx.hostKey, nas: nasHostKey },
      db: { name: 'fusionpbx', user: 'fusionpbx', password: pbx.dbPassword },
      pbx: { domain: pbx.domain, fsCliLog: pbx.fsCliLog, sipLog: pbx.sipLog, upper: (p) => pbx.sandbox.upper(p) },
      ...(router ? { router } : {}),
      ...(carrier ? { carrier } : {}),
      hosts,
      startupMs: Date.now() - started,
      exec(host, argv, runOptions) {
        const h = hosts[host];
        if (!h) return Promise.reject(new Error(`no host ${host} in ${mode} mode`));
        return execIn(h, argv, runOptions);
      },
      async relay(from, target) {
        const h = hosts[from];
        if (!h) throw new Error(`no host ${from} in ${mode} mode`);
        if (mode === 'loopback') return target;
        const log = join(dir, `relay-${relays.length}.log`);
        const daemon = await startProcess(
          'relay',
          [
            // The system's Python, not whatever `python3` the test machine's PATH finds first.
            '/usr/bin/python3',
            join(__dirname, 'relay.py'),
            '--netns-pid',
            String(h.holderPid),
            '--target',
            `${target.host}:${target.port}`,
          ],
          log,
        );
        relays.push(daemon);
        for (let i = 0; i < 200; i += 1) {
          const m = /LISTENING (\d+)/.exec(await readFile(log, 'utf8').catch(() => ''));
          if (m) return { host: '127.0.0.1', port: Number(m[1]) };
          if (daemon.child.exitCode !== null) break;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error(`relay from ${from} to ${target.host}:${target.port} did not start`);
      },
      stop,
    };
    return lab;
  } catch (error) {
    await stop();
    throw error;
  }
}
