/** The fspbx-nat command as a technician runs it: a real process, real exit codes, real output. */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'fspbx-nat.js');
let dataDir: string;

beforeAll(async () => {
  // Always the current source: a stale dist/ would test yesterday's command.
  await run(process.execPath, [join(root, 'build', 'build.mjs'), '--quiet'], { cwd: root });
  expect(existsSync(join(root, 'dist', 'electron', 'cli.js'))).toBe(true);
  dataDir = await mkdtemp(join(tmpdir(), 'fspbx-cli-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function cli(
  args: string[],
  input?: string,
  folder: string = dataDir,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // FSPBX_NAT_NO_SCAN: no command run here may scan this machine's real network.
    const child = spawn(process.execPath, [bin, '--data-dir', folder, ...args], {
      cwd: root,
      env: { ...process.env, FSPBX_NAT_NO_SCAN: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

describe('fspbx-nat', () => {
  it('has --help for the program and for every command', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    const commandSection = top.stdout.slice(top.stdout.indexOf('Commands:'));
    const commands = [...commandSection.matchAll(/^ {2}([a-z-]+)(?: \[options\]| <[^>]+>|\s)/gm)].map((m) => m[1]!);
    expect(commands).toEqual(
      expect.arrayContaining(['info', 'doctor', 'lan', 'discover', 'plan', 'apply', 'verify', 'rollback', 'browser']),
    );
    for (const command of commands.filter((c) => c !== 'help')) {
      const help = await cli([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toMatch(new RegExp(`Usage: fspbx-nat ${command}`));
    }
  });

  it('prints JSON with --json that parses and matches the contract', async () => {
    const { code, stdout } = await cli(['--json', 'info']);
    expect(code).toBe(0);
    const info = JSON.parse(stdout) as { frontEnd: string; dataDir: string };
    expect(info).toMatchObject({ frontEnd: 'cli', dataDir });
  });

  it('streams doctor checks and creates its data folder with owner-only rights', async () => {
    const fresh = join(dataDir, 'fresh', 'data');
    const { code, stdout } = await cli(['doctor'], '', fresh);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\[ok {2}\] Data folder/);
    expect(stdout).toMatch(/overall: (pass|warn)/);
    expect((await stat(fresh)).mode & 0o777).toBe(0o700);
  });

  it('tightens a data folder that others could read, and doctor says so', async () => {
    const loose = join(dataDir, 'loose');
    await mkdir(loose, { mode: 0o755 });
    await chmod(loose, 0o755);
    const { code, stdout } = await cli(['doctor'], '', loose);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Data folder: .*rights were 0755 .*now 0700/);
    expect((await stat(loose)).mode & 0o777).toBe(0o700);
    const again = await cli(['doctor'], '', loose);
    expect(again.stdout).not.toMatch(/rights were/);
  });

  it('shows the bundle signing key in doctor, info and history, the same each time', async () => {
    const doctor = await cli(['doctor']);
    const key = /\[ok {2}\] Bundle signing key: .*signed with (SHA256:[A-Za-z0-9+/]{43})/.exec(doctor.stdout)?.[1];
    expect(key, doctor.stdout).toBeDefined();
    expect((await cli(['info'])).stdout).toContain(`bundle key:  ${key}`);
    expect((await cli(['history'])).stdout).toContain(`Bundles exported here are signed with ${key}.`);
  });

  it('fails with one line and exit code 2 on invalid input', async () => {
    const { code, stderr, stdout } = await cli(['router', 'read', '--host', '192.168.88.300', '--user', 'admin']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(
      /^fspbx-nat: 192\.168\.88\.300 is not an IPv4 address: "300" should be.*\(host\) \[invalid_input\]/,
    );
  });

  it('puts the error value on stdout too with --json', async () => {
    const { code, stdout, stderr } = await cli([
      '--json',
      'export',
      '--run',
      'no-such-run',
      '--out',
      join(dataDir, 'x.zip'),
    ]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({
      error: { code: 'invalid_input', message: 'That run is not in this history.' },
    });
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('lists an empty history, then explains a run it does not know', async () => {
    const empty = await cli(['--json', 'history']);
    expect(empty.code).toBe(0);
    expect(JSON.parse(empty.stdout)).toEqual([]);
    const text = await cli(['history']);
    expect(text.stdout).toMatch(/No runs yet/);
    const missing = await cli(['export', '--run', 'r1', '--out', join(dataDir, 'r1.zip')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/That run is not in this history/);
  });

  it('refuses to change a site without --yes', async () => {
    const { code, stderr } = await cli(['apply', '--run', 'r1', '--site', join(dataDir, 'site.json')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/add --yes/);
  });

  it('reads a secret from standard input, never from the command line', async () => {
    // A listener on loopback stands where the router's plain API would be and keeps what it is sent.
    let received = '';
    const server = createServer((socket) => {
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        // Hang up once the whole login sentence (ended by an empty word) has arrived.
        // eslint-disable-next-line no-control-regex
        if (/=password=[^\u0000]*\u0000/.test(received)) socket.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const { code, stderr } = await cli(
        [
          'router',
          'read',
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          '--plain-api',
          '--user',
          'admin',
          '--password-stdin',
        ],
        'p@ss-from-stdin\n',
      );
      expect(received).toContain('=password=p@ss-from-stdin');
      expect(code).toBe(1);
      expect(stderr).toMatch(/^fspbx-nat: .*\[(transport_closed|host_unreachable|timeout)\]/);
    } finally {
      server.close();
    }
  });

  it('stops with exit code 2 and sends nothing when a password variable is not set', async () => {
    let connections = 0;
    const server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const site = join(dataDir, 'unset-site.json');
    await writeFile(
      site,
      JSON.stringify({
        router: { host: '127.0.0.1', port, tls: false, username: 'admin' },
        pbx: { host: '127.0.0.1', port, username: 'root', auth: { kind: 'password', password: '' } },
        trunks: [{ name: 'Carrier', address: '198.51.100.10' }],
        phones: [],
        options: {},
      }),
    );
    try {
      const attempts = [
        [
          'router',
          'read',
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          '--plain-api',
          '--user',
          'admin',
          '--password-env',
          'FSPBX_TEST_UNSET',
        ],
        [
          'pbx',
          'read',
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          '--user',
          'root',
          '--password-env',
          'FSPBX_TEST_UNSET',
        ],
        ['plan', site, '--router-password-env', 'FSPBX_TEST_UNSET'],
        ['plan', site, '--pbx-password-env', 'FSPBX_TEST_UNSET'],
        ['rollback', '--snapshot', 's1', '--site', site, '--sudo-password-env', 'FSPBX_TEST_UNSET'],
      ];
      for (const args of attempts) {
        const { code, stderr, stdout } = await cli(args);
        expect(code, args.join(' ')).toBe(2);
        expect(stdout).toBe('');
        expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
        expect(stderr).toMatch(/FSPBX_TEST_UNSET .*is not set, so nothing was sent/);
      }
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it('refuses wrong inputs with one line and exit code 2, before any login and without a stack trace', async () => {
    const yamlBroken = join(dataDir, 'broken.yaml');
    await writeFile(yamlBroken, 'router:\n  host: [192.168.88.1\n  user: admin\n');
    const yamlTag = join(dataDir, 'tagged.yaml');
    await writeFile(yamlTag, 'router: !!js/function "function () { return 1 }"\n');
    const cases: [string[], RegExp][] = [
      [
        ['pbx', 'read', '--host', '127.0.0.1', '--user', 'root', '--key', '/proc/self/status'],
        /not a private key file/,
      ],
      [['pbx', 'read', '--host', '127.0.0.1', '--user', 'root', '--key', dataDir], /Cannot read the key file/],
      [['plan', yamlBroken], /Cannot read .*broken\.yaml/],
      [['plan', yamlTag], /Cannot read .*tagged\.yaml: .*tag/i],
      [
        ['probe', '--from-outside', '203.0.113.2', '--rtp-range', '0-70000'],
        /--rtp-range takes a range of ports from 1 to 65535/,
      ],
      [['probe', '--from-outside', '203.0.113.2', '--rtp-range', '32768-16384'], /runs backwards.*16384-32768/],
      [['browser', '--port', '99999'], /--port takes a port from 0 to 65535/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await cli(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(stderr, args.join(' ')).toMatch(message);
      expect(stderr).not.toMatch(/\n\s+at |Warning|unexpected failure/);
    }
  });

  it('never repeats a password typed as --password=VALUE', async () => {
    const { code, stderr } = await cli([
      'router',
      'read',
      '--host',
      '127.0.0.1',
      '--user',
      'admin',
      '--password=hunter2',
    ]);
    expect(code).toBe(2);
    expect(stderr).not.toContain('hunter2');
    expect(stderr).toMatch(/--password=…/);
  });

  it('explains a plan file that cannot be read', async () => {
    const file = join(dataDir, 'broken.json');
    await writeFile(file, '{"router":');
    const { code, stderr } = await cli(['plan', file]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Cannot read .*broken\.json/);
  });

  it('rejects unknown commands with a usage exit code', async () => {
    const { code, stderr } = await cli(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown command/);
  });
});

describe('fspbx-nat site files', () => {
  it('reads a YAML site file and names the first wrong field', async () => {
    const file = join(dataDir, 'site.yaml');
    await writeFile(
      file,
      [
        'router: { host: 127.0.0.1, port: 9, tls: false, username: admin }',
        'pbx: { host: 127.0.0.1, port: 9, username: root, auth: { kind: password, password: "" } }',
        'trunks:',
        '  - { name: Carrier, address: 198.51.100.300 }',
        'phones: []',
        'options: {}',
      ].join('\n'),
    );
    const { code, stderr } = await cli(['plan', file]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/\(trunks\.0\.address\) \[invalid_input\]/);
  });

  it("takes a trunk by host name from a site file, and refuses one that is not a name with the technician's sentence", async () => {
    const site = (address: string) =>
      [
        'router: { host: 127.0.0.1, port: 9, tls: false, username: admin }',
        'pbx: { host: 127.0.0.1, port: 9, username: root, auth: { kind: password, password: "" } }',
        'trunks:',
        `  - { name: Carrier, address: "${address}" }`,
        'phones: []',
        'options: {}',
      ].join('\n');
    const file = join(dataDir, 'site-names.yaml');
    await writeFile(file, site('sip:carrier.example:5060'));
    const refused = await cli(['plan', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(
      'fspbx-nat: Give the host name alone, without "sip:", a port, a user or a path (such as sip.example.com). (trunks.0.address) [invalid_input]',
    );
    await writeFile(file, site('SIP.Carrier.Example'));
    // Accepted: the plan goes on to the next question (the router's password), not stopped at the trunk.
    const taken = await cli(['plan', file]);
    expect(taken.stderr).toMatch(/^fspbx-nat: No router password was given/);
    expect(taken.stderr).not.toContain('trunks.0');
  });
});
