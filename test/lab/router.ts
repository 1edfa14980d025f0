/** The MikroTik simulator (another worker's test/lab/routeros) as a process of the lab. */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Daemon } from './host/daemon';
import { nsenterArgv, type NsHost } from './netns';
import { processStart } from './registry';
import { SITE } from './topology';

export const REPO_ROOT = join(__dirname, '..', '..');
export const ROUTER_SIM_MAIN = join(REPO_ROOT, 'test', 'lab', 'routeros', 'main.ts');
/** An account the router authenticates over RADIUS, with the lab router's password. */
export const RADIUS_USER = 'radius-tech';

export interface RouterSimInfo {
  apiPort: number;
  apiSslPort: number;
  fingerprint: string;
  user: string;
  password: string;
}

/** Starts test/lab/routeros/main.ts inside `host` (or on this machine when host is undefined). */
export async function startRouterSim(
  host: NsHost | undefined,
  dir: string,
  bind: string,
  ports: { api: number; apiSsl: number },
  password: string,
  withNetwork: boolean,
): Promise<{ daemon: Daemon; info: RouterSimInfo }> {
  await mkdir(join(dir, 'state'), { recursive: true });
  const config = {
    bind,
    apiPort: ports.api,
    apiSslPort: ports.apiSsl,
    stateDir: join(dir, 'state'),
    identity: 'MikroTik',
    version: '7.16.2',
    // A router abroad, not on UTC: the automatic revert is timed on its wall clock (model/clock.ts).
    timeZone: 'America/New_York',
    users: [{ name: 'admin', password, group: 'full' }],
    // A technician's account on the site's RADIUS server (model/radius.ts): no /user row.
    radiusUsers: [{ name: RADIUS_USER, password, group: 'full' }],
    mndp: withNetwork ? {} : false,
    nft: withNetwork,
    ...(withNetwork
      ? {
          wan: { interface: 'ether1', address: `${SITE.router.wan}/24`, gateway: SITE.router.wanGateway },
          lan: { interface: 'bridge', address: `${SITE.router.lan}/24`, ports: ['ether2'] },
          // The ISP's resolver (test/lab/dns.ts), as a router gets it from its provider.
          dnsServers: [SITE.isp.trunk],
        }
      : {}),
  };
  const configFile = join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const argv = [process.execPath, '--import', 'tsx', ROUTER_SIM_MAIN, '--config', configFile];
  const [file, ...args] = host ? nsenterArgv(host, argv, REPO_ROOT) : argv;
  const child = spawn(file!, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error('could not start the router simulator');
  const stderr: string[] = [];
  child.stderr.on('data', (c: Buffer) => stderr.push(c.toString()));
  const ready = await new Promise<{ apiPort: number; apiSslPort: number; fingerprint: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`router simulator not ready: ${stderr.join('')}`)), 60_000);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (!line.startsWith('READY ')) return;
      clearTimeout(timer);
      try {
        resolve(
          JSON.parse(line.slice('READY '.length)) as { apiPort: number; apiSslPort: number; fingerprint: string },
        );
      } catch (error) {
        reject(error as Error);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`router simulator exited with ${code}: ${stderr.join('')}`));
    });
  });
  child.stdout.resume();
  child.unref();
  const daemon: Daemon = {
    name: 'router-sim',
    pid: child.pid,
    start: (await processStart(child.pid)) ?? '',
    child,
    log: '',
  };
  return { daemon, info: { ...ready, user: 'admin', password } };
}
