/**
 * A technician's first contact with `fspbx-nat`, as a real process over real sockets on loopback
 * (issue 28 items 3 and 5): each case checks the exit code and the first line printed. The router
 * is the RouterOS simulator; the PBX refusal is Debian's OpenSSH with `PermitRootLogin
 * prohibit-password`; DNS and no-route cases run in an empty network namespace (`unshare -n`), so
 * no lookup leaves this machine; storage faults use a private mount namespace (`unshare -m`).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../electron/store';
import { startRouterSim, type RouterSim } from '../lab/routeros';
import { runProgram } from '../lab/run';
import { stockPbx } from '../unit/pbx/fixtures/stock';
import { defconfRouter } from '../unit/routeros/fixtures/defconf';
import { storedInputs } from '../unit/helpers/stored-inputs';

const root = join(__dirname, '..', '..');
/**
 * The CLI bundled from the current source as build/build.mjs bundles it, but into a folder of its
 * own: dist/ is rebuilt (emptied first) by other test files running beside this one. Inside
 * node_modules/.cache, so its native externals resolve from the project's node_modules.
 */
const cliDir = join(root, 'node_modules', '.cache', `fspbx-cli-first-contact-${process.pid}`);
const cliJs = join(cliDir, 'cli.js');
const HOST = '127.0.0.71';
const SSHD = { host: '127.0.0.72', port: 2222 };
let dir: string;
let dataDir: string;
let sim: RouterSim;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  /** The first line the technician reads (stderr for a failure, else stdout). */
  first: string;
}

/** Runs the built command; `wrap` is a command put before node (unshare …). */
function cli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; wrap?: string[]; onSpawn?: (pid: number) => void; folder?: string } = {},
): Promise<Ran> {
  const argv = [...(options.wrap ?? []), process.execPath, cliJs, '--data-dir', options.folder ?? dataDir, ...args];
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: root,
      env: { ...process.env, FSPBX_NAT_NO_SCAN: '1', ...options.env },
    });
    options.onSpawn?.(child.pid!);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.end();
    child.on('close', (code, signal) => {
      const text = code === 0 ? stdout : stderr || stdout;
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr, first: text.split('\n')[0] ?? '' });
    });
  });
}

/** A loopback listener doing `onSocket` with each connection, and counting them. */
async function listener(
  onSocket: (s: Socket) => void,
  host = '127.0.0.1',
): Promise<Server & { port: number; count: () => number }> {
  let count = 0;
  const server = createServer((s) => {
    count += 1;
    s.on('error', () => undefined);
    onSocket(s);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return Object.assign(server, { port: (server.address() as AddressInfo).port, count: () => count });
}

async function closedPort(): Promise<number> {
  const s = await listener(() => undefined);
  await new Promise((r) => s.close(r));
  return s.port;
}

beforeAll(async () => {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  await build({
    absWorkingDir: root,
    entryPoints: ['electron/cli/main.ts'],
    outfile: cliJs,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    define: { __APP_VERSION__: JSON.stringify(pkg.version) },
    external: ['electron', 'better-sqlite3', 'ssh2', 'cpu-features', 'bufferutil', 'utf-8-validate'],
  });
  dir = await mkdtemp(join(tmpdir(), 'fspbx-first-'));
  dataDir = join(dir, 'data');
  sim = await startRouterSim({
    bind: HOST,
    apiPort: 0,
    apiSslPort: 0,
    stateDir: join(dir, 'sim'),
    users: [{ name: 'admin', password: 'secret', group: 'full' }],
  });
}, 120_000);

afterAll(async () => {
  await rm(cliDir, { recursive: true, force: true });
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('first contact', () => {
  it('prints the certificate fingerprint and the exact command that accepts it; that command logs in', async () => {
    const env = { ROUTER_PW: 'secret' };
    const args = ['router', 'read', '--host', HOST, '--port', String(sim.apiSslPort), '--user', 'admin'];
    const first = await cli([...args, '--password-env', 'ROUTER_PW'], { env });
    expect(first.code).toBe(1);
    expect(first.first).toMatch(/^fspbx-nat: First connection to the router's API-SSL: compare/);
    expect(first.stderr).toContain(`fingerprint: ${sim.fingerprint}`);
    const accept = /^accept it: +fspbx-nat (.+)$/m.exec(first.stderr)?.[1];
    expect(accept).toBe(
      `--data-dir ${dataDir} ${args.join(' ')} --password-env ROUTER_PW --fingerprint ${sim.fingerprint}`,
    );
    const next = await cli(accept!.split(' ').slice(2), { env });
    expect(next.code, next.stderr).toBe(0);
    expect(next.first).toMatch(/^router: +\S/);
  });

  it('plan, apply, verify and rollback take --fingerprint and --host-key; each command lists only its own options', async () => {
    const help = async (command: string) => (await cli([command, '--help'])).stdout;
    for (const command of ['plan', 'apply', 'verify', 'confirm', 'rollback', 'rollback-apply']) {
      const text = await help(command);
      expect(text, command).toMatch(/--fingerprint <sha256>/);
      expect(text, command).toMatch(/--host-key <SHA256:…>/);
    }
    expect(await help('verify')).not.toMatch(/--yes/);
    expect(await help('verify')).toMatch(/--watch/);
    expect(await help('apply')).not.toMatch(/--watch/);
    expect(await help('apply')).toMatch(/--yes/);
    expect(await help('rollback')).not.toMatch(/--yes|--watch/);
  });

  it('a command that logs in without a password source exits 2, and nothing connects', async () => {
    const box = await listener((s) => s.destroy());
    const site = join(dir, 'no-passwords.json');
    await writeFile(
      site,
      JSON.stringify({
        router: { host: '127.0.0.1', port: box.port, tls: false, username: 'admin' },
        pbx: { host: '127.0.0.1', port: box.port, username: 'root', auth: { kind: 'password', password: '' } },
        trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
        phones: [],
        options: {},
      }),
    );
    const env = { ROUTER_PW: 'x' };
    const port = String(box.port);
    try {
      const cases: [string[], RegExp][] = [
        [
          ['router', 'read', '--host', '127.0.0.1', '--port', port, '--plain-api', '--user', 'admin'],
          /^fspbx-nat: No password was given, so nothing was sent/,
        ],
        [['pbx', 'read', '--host', '127.0.0.1', '--port', port, '--user', 'root'], /^fspbx-nat: No password was given/],
        [
          ['plan', site],
          /^fspbx-nat: No router password was given, so nothing was sent: add --router-password-env VAR/,
        ],
        [
          ['plan', site, '--router-password-env', 'ROUTER_PW'],
          /^fspbx-nat: No PBX password was given.*--pbx-password-env VAR/,
        ],
        [['verify', '--run', 'r1', '--site', site], /^fspbx-nat: No router password was given/],
        [
          ['rollback', '--snapshot', 's1', '--site', site, '--router-password-env', 'ROUTER_PW'],
          /^fspbx-nat: No PBX password was given/,
        ],
      ];
      for (const [args, first] of cases) {
        const ran = await cli(args, { env });
        expect(ran.code, args.join(' ')).toBe(2);
        expect(ran.first, args.join(' ')).toMatch(first);
      }
      expect(box.count()).toBe(0);
    } finally {
      box.close();
    }
  });
});

describe('connection errors name their cause', () => {
  const routerRead = (host: string, port: number, extra: string[] = ['--plain-api']) => [
    'router',
    'read',
    '--host',
    host,
    '--port',
    String(port),
    '--user',
    'admin',
    '--password-env',
    'ROUTER_PW',
    ...extra,
  ];
  const env = { ROUTER_PW: 'secret', PBX_PW: 'not-root-password' };
  const emptyNet = ['unshare', '--net'];

  it('refuses a typo at once, before any lookup', async () => {
    const ran = await cli(routerRead('192.168.88.1o', 8728), { env });
    expect(ran.code).toBe(2);
    expect(ran.first).toBe(
      'fspbx-nat: 192.168.88.1o is not an IPv4 address: "1o" should be a number from 0 to 255. Check for a typo. (host) [invalid_input]',
    );
  });

  it('tells a name that does not resolve from an address with no route (in an empty network namespace)', async () => {
    const dns = await cli(routerRead('nonexistent.invalid', 8729, []), { env, wrap: emptyNet });
    expect(dns.code).toBe(1);
    expect(dns.first).toMatch(/^fspbx-nat: The name "nonexistent\.invalid" does not resolve: check its spelling/);
    expect(dns.stderr).toMatch(/^detail: (ENOTFOUND|EAI_AGAIN)/m);
    const noRoute = await cli(routerRead('192.0.2.1', 8729, []), { env, wrap: emptyNet });
    expect(noRoute.code).toBe(1);
    expect(noRoute.first).toMatch(/^fspbx-nat: 192\.0\.2\.1 cannot be reached from this laptop \(no route to it\)/);
  });

  it('tells refused, reset after accept, closed after accept and a failed TLS handshake apart', async () => {
    const reset = await listener((s) => s.resetAndDestroy());
    const closing = await listener((s) => s.end());
    const notTls = await listener((s) => s.end('HTTP/1.0 400 Bad Request\r\n\r\n'));
    try {
      const refused = await cli(routerRead('127.0.0.1', await closedPort(), []), { env });
      expect(refused.code).toBe(1);
      expect(refused.first).toMatch(
        /refused the connection: nothing listens on port \d+ there\. Either API-SSL is off or on another port \(WinBox › IP › Services › api-ssl\), or 127\.0\.0\.1 is not the router\./,
      );
      for (const server of [reset, closing]) {
        const ran = await cli(routerRead('127.0.0.1', server.port), { env });
        expect(ran.code).toBe(1);
        expect(ran.first).toMatch(
          /accepted the connection and closed it at once: either 127\.0\.0\.1 is another device, not the router, or the router's api service lets in only some addresses: add this laptop's to its "Available From" \(IP › Services › api; \/ip service set api address=…\)/,
        );
      }
      const tls = await cli(routerRead('127.0.0.1', notTls.port, []), { env });
      expect(tls.code).toBe(1);
      expect(tls.first).toMatch(
        /^fspbx-nat: The TLS handshake with 127\.0\.0\.1:\d+ failed: what answers there is not API-SSL/,
      );
      const ssh = await cli(
        [
          'pbx',
          'read',
          '--host',
          '127.0.0.1',
          '--port',
          String(reset.port),
          '--user',
          'root',
          '--password-env',
          'PBX_PW',
        ],
        { env },
      );
      expect(ssh.code).toBe(1);
      expect(ssh.first).toMatch(
        /accepted the connection and closed it at once: either 127\.0\.0\.1 is another device, not the PBX, or its SSH lets in only some addresses/,
      );
    } finally {
      for (const s of [reset, closing, notTls]) s.close();
    }
  });

  it("names Debian's PermitRootLogin prohibit-password when the PBX refuses root's password", async () => {
    // A real OpenSSH with Debian's default for root, in a private mount namespace (its /run/sshd there only).
    const hostKey = join(dir, 'sshd_host_ed25519');
    await runProgram(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
    const sshd = spawn('unshare', [
      '-m',
      'sh',
      '-c',
      'mount -t tmpfs none /run && mkdir -m 755 /run/sshd && exec /usr/sbin/sshd -D -e -f /dev/null ' +
        `-o ListenAddress=${SSHD.host}:${SSHD.port} -o HostKey=${hostKey} -o PermitRootLogin=prohibit-password -o PidFile=none -o UsePAM=no`,
    ]);
    try {
      let log = '';
      sshd.stderr.on('data', (c: Buffer) => (log += c.toString()));
      await expect.poll(() => log, { timeout: 10_000 }).toMatch(/Server listening/);
      const args = [
        'pbx',
        'read',
        '--host',
        SSHD.host,
        '--port',
        String(SSHD.port),
        '--user',
        'root',
        '--password-env',
        'PBX_PW',
      ];
      const first = await cli(args, { env });
      expect(first.code).toBe(1);
      expect(first.first).toMatch(/^fspbx-nat: First connection to 127\.0\.0\.72: compare the host key/);
      const accept = /^accept it: +fspbx-nat (.+)$/m.exec(first.stderr)?.[1];
      expect(accept).toMatch(/ --host-key SHA256:[A-Za-z0-9+/]{43}$/);
      const refused = await cli(accept!.split(' ').slice(2), { env });
      expect(refused.code).toBe(1);
      expect(refused.first).toMatch(
        /^fspbx-nat: The PBX refused root with this password\. Either the password is wrong, or \(Debian's default\) SSH takes no password for root: "PermitRootLogin prohibit-password".*sudo user/,
      );
    } finally {
      sshd.kill('SIGTERM');
    }
  });

  it('Ctrl+C ends a login that waits for an answer at once (exit 130)', async () => {
    const silent = await listener(() => undefined);
    let pid = 0;
    try {
      const running = cli(routerRead('127.0.0.1', silent.port), { env, onSpawn: (p) => (pid = p) });
      await expect.poll(() => silent.count(), { timeout: 10_000 }).toBe(1);
      process.kill(pid, 'SIGINT');
      const ran = await running;
      expect(ran.code).toBe(130);
      expect(ran.first).toMatch(/^fspbx-nat: (Stopped|Cancelled)/);
    } finally {
      silent.close();
    }
  });
});

describe('history and storage', () => {
  it('history shows run, snapshot, site and public IP; verify of a run never applied says so and connects nowhere', async () => {
    const folder = join(dir, 'history');
    const store = openStore(folder);
    const site = store.upsertSite({ routerHost: '127.0.0.1', pbxHost: '127.0.0.1', customer: 'Acme Dental' });
    const run = store.createRun({
      siteId: site.siteId,
      kind: 'apply',
      inputs: storedInputs(),
      plan: { changes: [], warnings: [], facts: { 'router.wanAddress': '203.0.113.7' } },
    });
    const snapshot = store.saveSnapshot(run.runId, site.siteId, { router: defconfRouter(), pbx: stockPbx() });
    store.db.close();
    const history = await cli(['history'], { folder });
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(new RegExp(`planned .* ${run.runId}\\n +site: Acme Dental`));
    expect(history.stdout).toContain(`snapshot ${snapshot.snapshotId} · public IP 203.0.113.7`);

    const box = await listener((s) => s.destroy());
    // Only the logins: commands other than plan take nothing else from the file.
    const file = join(dir, 'verify-site.json');
    await writeFile(
      file,
      JSON.stringify({
        router: { host: '127.0.0.1', port: box.port, tls: false, username: 'admin' },
        pbx: { host: '127.0.0.1', port: box.port, username: 'root', auth: { kind: 'password', password: '' } },
      }),
    );
    try {
      const verify = await cli(
        ['verify', '--run', run.runId, '--site', file, '--router-password-env', 'PW', '--pbx-password-env', 'PW'],
        { folder, env: { PW: 'x' } },
      );
      expect(verify.code).toBe(2);
      expect(verify.first).toBe(
        `fspbx-nat: Run ${run.runId} is not applied yet, so there is nothing to verify: apply it first. [invalid_input]`,
      );
      expect(box.count()).toBe(0);
    } finally {
      box.close();
    }

    const out = join(dir, 'visit.zip');
    await writeFile(out, 'a bundle already here');
    const refused = await cli(['export', '--run', run.runId, '--out', out], { folder });
    expect(refused.code).toBe(2);
    expect(refused.first).toMatch(/visit\.zip already exists, so nothing was written: .*add --force to replace it/);
    const forced = await cli(['export', '--run', run.runId, '--out', out, '--force'], { folder });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.first).toMatch(/^bundle written: /);
  });

  it('`history | head -1` ends quietly when the reader stops (EPIPE)', async () => {
    const child = spawn(process.execPath, [cliJs, '--data-dir', dataDir, '--help']);
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('reports a 0-byte or damaged history, keeps it aside, and never replaces it in silence', async () => {
    for (const [content, word] of [
      ['', 'empty \\(0 bytes\\)'],
      [
        'not a database at all, but long enough to be read as a header…',
        'damaged \\(not a readable SQLite database\\)',
      ],
    ] as const) {
      const folder = await mkdtemp(join(dir, 'broken-'));
      await writeFile(join(folder, 'wizard.db'), content);
      // Just written, as a truncation moments before the command leaves it: refused all the same (db.ts createHistory).
      const ran = await cli(['history'], { folder });
      expect(ran.code).toBe(1);
      expect(ran.first).toMatch(
        new RegExp(
          `^fspbx-nat: The wizard's history wizard\\.db in .* was ${word}: it is kept as wizard\\.db\\.(empty|damaged)-`,
        ),
      );
      expect(ran.stderr).not.toMatch(/\n\s+at /);
      expect(readdirSync(folder).filter((f) => /^wizard\.db\.(empty|damaged)-[\dT-]+Z$/.test(f))).toHaveLength(1);
      expect((await cli(['history'], { folder })).code).toBe(0);
    }
  });

  it('a read-only data folder and a full disk each get a sentence and exit 1, never a stack trace', async () => {
    const folder = await mkdtemp(join(dir, 'faults-'));
    const node = `${process.execPath} ${cliJs} --data-dir ${folder} history`;
    const readOnly = await cli([], {
      wrap: [
        'unshare',
        '-m',
        'sh',
        '-c',
        `mount --bind ${folder} ${folder} && mount -o remount,bind,ro ${folder} && exec ${node}`,
        '--',
      ],
    });
    const full = await cli([], {
      wrap: [
        'unshare',
        '-m',
        'sh',
        '-c',
        `mount -t tmpfs -o size=256k none ${folder} && (dd if=/dev/zero of=${folder}/fill bs=4k 2>/dev/null; true) && exec ${node}`,
        '--',
      ],
    });
    expect(readOnly.code).toBe(1);
    expect(readOnly.first).toMatch(/^fspbx-nat: The wizard's data folder \(.*\) is read-only: make it writable/);
    expect(full.code).toBe(1);
    expect(full.first).toMatch(/^fspbx-nat: The disk holding the wizard's data folder \(.*\) is full: free some space/);
    for (const ran of [readOnly, full]) expect(ran.stderr).not.toMatch(/\n\s+at |SqliteError|\[internal\]/);
    expect(existsSync(join(folder, 'fill'))).toBe(false);
  });
});
