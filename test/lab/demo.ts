/**
 * `npm run demo`: starts the simulated customer site in loopback mode (router simulator, FS PBX
 * host, nas decoy on 127.N.88.x), then the wizard in browser mode, and prints what to type.
 * Ctrl-C stops both and removes everything the site made.
 *
 *   node --import tsx test/lab/demo.ts [--no-wizard]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { REPO_ROOT, ROUTER_SIM_MAIN, startLab, type Lab } from './lab';
import { pickPort } from './ports';
import { startRouterSim } from './router';

function describeSite(lab: Lab): string {
  const { addresses, endpoints, ssh, router } = lab;
  const lines = [
    '',
    'Simulated customer site (loopback mode) is up.',
    '',
    router
      ? `  MikroTik router  ${addresses.router.lan}  API-SSL port ${router.apiSslPort}, API port ${router.apiPort}\n` +
        `                   user ${router.user}  password ${router.password}\n` +
        `                   API-SSL certificate SHA-256 ${router.fingerprint}`
      : '  MikroTik router  (no simulator in this checkout: test/lab/routeros/main.ts is missing)',
    `  FS PBX server    ${addresses.pbx}  SSH port ${endpoints.pbxSsh.port}`,
    `                   root password ${ssh.rootPassword}`,
    `                   sudo user ${ssh.adminUser}  password ${ssh.adminPassword}`,
    `                   key file ${ssh.privateKeyPath}`,
    `                   SSH host key ${lab.hostKeys.pbx}`,
    `  NAS (not a PBX)  ${addresses.nas}  SSH port ${endpoints.nasSsh.port}`,
    '',
    'In the wizard, type those addresses, ports, users and passwords when it asks for the router and the PBX.',
    'The same from the command line (in another terminal, from the repository folder):',
    '',
  ];
  if (router) {
    lines.push(
      `  export LAB_ROUTER_PASSWORD='${router.password}'`,
      `  node bin/fspbx-nat.js router read --host ${addresses.router.lan} --port ${router.apiSslPort} --user ${router.user} --fingerprint ${router.fingerprint} --password-env LAB_ROUTER_PASSWORD`,
    );
  }
  lines.push(
    `  export LAB_PBX_PASSWORD='${ssh.rootPassword}'`,
    `  node bin/fspbx-nat.js pbx read --host ${addresses.pbx} --port ${endpoints.pbxSsh.port} --user root --host-key ${lab.hostKeys.pbx} --password-env LAB_PBX_PASSWORD`,
    `  ssh -i ${ssh.privateKeyPath} -p ${endpoints.pbxSsh.port} root@${addresses.pbx} fs_cli -x "sofia status"`,
    '',
    `(site started in ${lab.startupMs} ms; Ctrl-C stops everything)`,
    '',
  );
  return lines.join('\n');
}

/**
 * Without root only the router simulator can run (the PBX host needs a private mount
 * namespace): it listens on 127.0.88.1 and the demo says what is missing.
 */
async function startRouterOnly(): Promise<{ dir: string; stop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'fspbx-demo-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  if (!existsSync(ROUTER_SIM_MAIN)) {
    process.stdout.write('No router simulator in this checkout and no root for the PBX host: nothing to simulate.\n');
    return { dir, stop: remove };
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
    dir,
    stop: async () => {
      daemon.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      await remove();
    },
  };
}

async function main(): Promise<void> {
  const running: { wizard?: ChildProcess } = {};
  let stopSite: () => Promise<void>;
  let dataDir: string;
  if (process.getuid?.() === 0) {
    const lab = await startLab({ mode: 'loopback' });
    stopSite = () => lab.stop();
    dataDir = join(lab.dir, 'wizard-data');
    process.stdout.write(describeSite(lab));
  } else {
    const site = await startRouterOnly();
    stopSite = site.stop;
    dataDir = join(site.dir, 'wizard-data');
  }
  const stop = async (): Promise<void> => {
    running.wizard?.kill('SIGTERM');
    await stopSite();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  if (process.argv.includes('--no-wizard')) return;
  const cli = join(REPO_ROOT, 'dist', 'electron', 'cli.js');
  if (!existsSync(cli)) {
    process.stdout.write('Building the wizard (npm run build)…\n');
    await new Promise<void>((resolve, reject) => {
      const build = spawn(process.execPath, [join(REPO_ROOT, 'build', 'build.mjs'), '--quiet'], {
        cwd: REPO_ROOT,
        stdio: 'inherit',
      });
      build.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`build failed (${code})`))));
    });
  }
  process.stdout.write('Starting the wizard in browser mode:\n');
  const wizard = spawn(process.execPath, [cli, '--data-dir', dataDir, 'browser'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  running.wizard = wizard;
  wizard.once('exit', (code) => {
    process.stdout.write(`the wizard exited (${code}); the site keeps running until Ctrl-C\n`);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
