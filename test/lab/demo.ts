/**
 * `npm run demo`: starts the simulated customer site in loopback mode (router simulator, FS PBX
 * host, nas decoy on 127.N.88.x), then the wizard in browser mode, and prints what to type: the
 * logins (steps 2 and 3), who may reach the PBX (step 4) and a whole visit from the command line.
 * Ctrl-C stops the site and the wizard; the wizard's data folder (history, snapshots, bundles) is
 * outside the site's folder and stays.
 *
 *   node --import tsx test/lab/demo.ts [--no-wizard] [--data-dir DIR]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { RouterOSAPI } from 'node-routeros';
import { REPO_ROOT, ROUTER_SIM_MAIN, startLab, type Lab } from './lab';
import { pickPort } from './ports';
import { startRouterSim } from './router';
import { SITE } from './topology';

/** Who may reach the PBX in the demo: documentation addresses (RFC 5737), never reached from here. */
const DEMO_PEERS = {
  trunks: [{ name: 'Carrier', address: SITE.trunk }],
  phones: [{ name: 'Home office', address: SITE.phone }],
};

/**
 * The loopback router keeps MikroTik's default LAN (192.168.88.1/24) unless told otherwise, and the
 * PBX here is on 127.N.88.10: as on a real site, the router's LAN must hold the PBX's address, or
 * the plan refuses it. The same move test/e2e/wizard-walk.spec.ts makes, over the router's API.
 */
async function putPbxOnRouterLan(lab: Lab): Promise<void> {
  const router = lab.router!;
  const api = new RouterOSAPI({
    host: lab.addresses.router.lan,
    port: router.apiPort,
    user: router.user,
    password: router.password,
    timeout: 10,
  });
  await api.connect();
  try {
    const rows = (await api.write('/ip/address/print')) as { '.id'?: string; interface?: string }[];
    const lan = rows.find((a) => a.interface === 'bridge');
    if (!lan?.['.id']) throw new Error('the router simulator has no LAN address on bridge');
    await api.write('/ip/address/set', [`=.id=${lan['.id']}`, `=address=${lab.addresses.router.lan}/24`]);
  } finally {
    await api.close();
  }
}

/** The site file for the command line: logins without passwords (they come from the environment). */
function siteFile(lab: Lab): object {
  const router = lab.router!;
  return {
    router: {
      host: lab.addresses.router.lan,
      port: router.apiSslPort,
      username: router.user,
      fingerprint: router.fingerprint,
    },
    pbx: {
      host: lab.addresses.pbx,
      port: lab.endpoints.pbxSsh.port,
      username: 'root',
      auth: { kind: 'password', password: '' },
      hostKey: lab.hostKeys.pbx,
    },
    ...DEMO_PEERS,
    options: { revertMinutes: 5 },
  };
}

function describeSite(lab: Lab, dataDir: string): string {
  const { addresses, endpoints, ssh, router } = lab;
  const lines = [
    '',
    'Simulated customer site (loopback mode) is up.',
    '',
    router
      ? `  MikroTik router  ${addresses.router.lan}  API-SSL port ${router.apiSslPort}, API port ${router.apiPort}\n` +
        `                   user ${router.user}  password ${router.password}\n` +
        `                   API-SSL certificate SHA-256 ${router.fingerprint}\n` +
        `                   LAN ${addresses.router.lan}/24 (moved from 192.168.88.1/24 so that it holds the PBX)`
      : '  MikroTik router  (no simulator in this checkout: test/lab/routeros/main.ts is missing)',
    `  FS PBX server    ${addresses.pbx}  SSH port ${endpoints.pbxSsh.port}`,
    `                   root password ${ssh.rootPassword}`,
    `                   sudo user ${ssh.adminUser}  password ${ssh.adminPassword}`,
    `                   key file ${ssh.privateKeyPath}`,
    `                   SSH host key ${lab.hostKeys.pbx}`,
    `  NAS (not a PBX)  ${addresses.nas}  SSH port ${endpoints.nasSsh.port}`,
    '',
    'In the wizard:',
    '  1 · Network: Scan is off in the demo (on a real laptop it would sweep your office LAN); type the addresses below.',
    `  2 · Router:  host ${addresses.router.lan}, port ${router?.apiSslPort ?? '-'}, user ${router?.user ?? '-'}, the password above; accept the certificate above.`,
    `  3 · PBX:     host ${addresses.pbx}, port ${endpoints.pbxSsh.port}, user root, the root password above; accept the host key above.`,
    '  4 · Who may reach the PBX:',
    ...DEMO_PEERS.trunks.map((t) => `               SIP trunk provider  name "${t.name}"  address ${t.address}`),
    ...DEMO_PEERS.phones.map((p) => `               Remote phone        name "${p.name}"  address ${p.address}`),
    '',
    `The wizard keeps its history, snapshots and exported bundles in ${dataDir}`,
    'Ctrl-C stops the site and the wizard and keeps that folder (remove it when you are done).',
    '',
  ];
  if (router) {
    const cli = `node bin/fspbx-nat.js --data-dir ${dataDir}`;
    const secrets = '--router-password-env LAB_ROUTER_PASSWORD --pbx-password-env LAB_PBX_PASSWORD';
    const site = `--site ${join(dataDir, 'site.json')} ${secrets}`;
    lines.push(
      'A whole visit from the command line (another terminal, in the repository folder; same history as the wizard):',
      '',
      `  export LAB_ROUTER_PASSWORD='${router.password}'`,
      `  export LAB_PBX_PASSWORD='${ssh.rootPassword}'`,
      `  ${cli} plan ${join(dataDir, 'site.json')} ${secrets}`,
      `  ${cli} apply --run <run> ${site} --yes`,
      `  ${cli} verify --run <run> ${site}`,
      `  ${cli} confirm --run <run> ${site} --yes`,
      `  ${cli} history`,
      `  ${cli} rollback --snapshot <snapshot> ${site}`,
      `  ${cli} rollback-apply --run <rollback-run> ${site} --yes`,
      `  ${cli} export --run <run> --out ${join(dataDir, 'visit.zip')}`,
      '',
      `  (<run> is the id plan prints, <snapshot> the one apply prints, <rollback-run> the id rollback prints; the site file ${site.split(' ')[1]} has no password in it)`,
      '',
    );
  }
  lines.push(
    `  ssh -i ${ssh.privateKeyPath} -p ${endpoints.pbxSsh.port} root@${addresses.pbx} fs_cli -x "sofia status"`,
    '',
    `(site started in ${lab.startupMs} ms as lab ${lab.runId}; Ctrl-C stops it)`,
    '',
  );
  return lines.join('\n');
}

/**
 * Without root only the router simulator can run (the PBX host needs a private mount
 * namespace): it listens on 127.0.88.1 and the demo says what is missing.
 */
async function startRouterOnly(): Promise<{ stop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'fspbx-demo-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  if (!existsSync(ROUTER_SIM_MAIN)) {
    process.stdout.write('No router simulator in this checkout and no root for the PBX host: nothing to simulate.\n');
    return { stop: remove };
  }
  const bind = '127.0.88.1';
  const password = `router-${randomBytes(6).toString('hex')}`;
  const ports = { api: await pickPort(bind, 8728), apiSsl: await pickPort(bind, 8729) };
  const { daemon, info } = await startRouterSim(undefined, join(dir, 'router'), bind, ports, password, false);
  process.stdout.write(
    [
      '',
      'Not root: only the MikroTik router simulator runs (the FS PBX host needs root for its private /etc and /var).',
      '',
      `  MikroTik router  ${bind}  API-SSL port ${info.apiSslPort}, API port ${info.apiPort}`,
      `                   user ${info.user}  password ${info.password}`,
      `                   API-SSL certificate SHA-256 ${info.fingerprint}`,
      '',
      `  export LAB_ROUTER_PASSWORD='${info.password}'`,
      `  node bin/fspbx-nat.js router read --host ${bind} --port ${info.apiSslPort} --user ${info.user} --fingerprint ${info.fingerprint} --password-env LAB_ROUTER_PASSWORD`,
      '',
      'Run as root (sudo npm run demo) for the whole site. Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  return {
    stop: async () => {
      daemon.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      await remove();
    },
  };
}

/** Outside the lab's folder, which Ctrl-C removes: what the wizard saved survives the demo. */
async function wizardDataDir(): Promise<string> {
  const i = process.argv.indexOf('--data-dir');
  const chosen = i > 0 ? process.argv[i + 1] : undefined;
  if (chosen) {
    await mkdir(chosen, { recursive: true, mode: 0o700 });
    return chosen;
  }
  return mkdtemp(join(tmpdir(), 'fspbx-demo-data-'));
}

async function buildIfMissing(cli: string): Promise<void> {
  if (existsSync(cli)) return;
  process.stdout.write('Building the wizard (npm run build)…\n');
  await new Promise<void>((resolve, reject) => {
    const build = spawn(process.execPath, [join(REPO_ROOT, 'build', 'build.mjs'), '--quiet'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
    build.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`build failed (${code})`))));
  });
}

async function main(): Promise<void> {
  const running: { wizard?: ChildProcess } = {};
  let stopSite: () => Promise<void> = async () => undefined;
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const wizard = running.wizard;
    if (wizard && wizard.exitCode === null && wizard.signalCode === null) {
      const exited = new Promise((r) => wizard.once('exit', r));
      wizard.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
    await stopSite();
    process.stdout.write('The site is stopped and removed.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  const dataDir = await wizardDataDir();
  if (process.getuid?.() === 0) {
    const lab = await startLab({ mode: 'loopback' });
    stopSite = () => lab.stop();
    try {
      if (lab.router) {
        await putPbxOnRouterLan(lab);
        await writeFile(join(dataDir, 'site.json'), JSON.stringify(siteFile(lab), null, 2) + '\n', { mode: 0o600 });
      }
    } catch (error) {
      await lab.stop();
      throw error;
    }
    process.stdout.write(describeSite(lab, dataDir));
  } else {
    const site = await startRouterOnly();
    stopSite = site.stop;
    process.stdout.write(`The wizard keeps its history in ${dataDir}; Ctrl-C keeps that folder.\n`);
  }
  if (stopping) return;
  if (process.argv.includes('--no-wizard')) return;
  const cli = join(REPO_ROOT, 'dist', 'electron', 'cli.js');
  await buildIfMissing(cli);
  process.stdout.write('Starting the wizard in browser mode (Scan off: FSPBX_NAT_NO_SCAN=1):\n');
  // Scan would sweep the laptop's real LAN; the demo's addresses are typed instead.
  const wizard = spawn(process.execPath, [cli, '--data-dir', dataDir, 'browser'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, FSPBX_NAT_NO_SCAN: '1' },
  });
  running.wizard = wizard;
  wizard.once('exit', (code) => {
    if (!stopping) process.stdout.write(`the wizard exited (${code}); the site keeps running until Ctrl-C\n`);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
