/**
 * Loopback mode: the same servers as the namespace lab, on 127.N.88.x addresses of this machine
 * (N random per run, so two runs do not meet). No network namespaces; the pbx and nas still get
 * their private mounts, which needs root.
 */
import { join } from 'node:path';
import { pickPort } from './ports';
import { type PbxOptions } from './pbx/host';
import { type SshCredentials } from './host/ssh';

export interface LoopbackPlan {
  ips: { router: string; pbx: string; nas: string };
  pbxSsh: number;
  nasSsh: number;
  sip: number[];
  routerApi: number;
  routerApiSsl: number;
  pbx: PbxOptions;
}

export async function planLoopback(dir: string, domain: string, creds: SshCredentials): Promise<LoopbackPlan> {
  const n = 1 + Math.floor(Math.random() * 254);
  const ips = { router: `127.${n}.88.1`, pbx: `127.${n}.88.10`, nas: `127.${n}.88.30` };
  const sip = [await pickPort(ips.pbx, 5060, true), await pickPort(ips.pbx, 5080, true)];
  const pbxSsh = await pickPort(ips.pbx, 22);
  // PostgreSQL keeps 5432, as in the .env: its unix socket lives in the pbx's private /run.
  const pgPort = await pickPort(ips.pbx, 5432);
  return {
    ips,
    pbxSsh,
    nasSsh: await pickPort(ips.nas, 22),
    sip,
    routerApi: await pickPort(ips.router, 8728),
    routerApiSsl: await pickPort(ips.router, 8729),
    pbx: {
      dir: join(dir, 'pbx'),
      bind: ips.pbx,
      localIp: ips.pbx,
      sshPort: pbxSsh,
      pgHost: ips.pbx,
      pgPort,
      sipPorts: sip,
      domain,
      creds,
      firewall: false,
    },
  };
}
