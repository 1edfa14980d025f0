/**
 * fspbx-nat: the wizard's operations for scripts and tests. Every command is
 * one contract operation; --json prints its value, failures print one line
 * and exit non-zero.
 */
import { readFile } from 'node:fs/promises';
import { Command, CommanderError, Option } from 'commander';
import { contract, type InputArg, type OpName, type Output, type Progress } from '../../contract/operations';
import { isIPv4 } from '../../contract/ipv4';
import type { AppError, Result } from '../../contract/errors';
import type { HandlerEnv } from '../api/handlers';
import {
  formatBundle,
  formatCheck,
  formatDiscover,
  formatError,
  formatInfo,
  terminalSafe,
  formatLan,
  formatPbx,
  formatPeers,
  formatPlan,
  formatApply,
  formatRouter,
  formatRun,
  formatRuns,
  formatVerify,
} from './format';
import { parsePort, parsePortRange, parseSiteText, readKeyFile, redactSecretOptions, UsageError } from './inputs';

export { UsageError } from './inputs';

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Whole standard input, for secrets passed with --password-stdin. */
  readStdin: () => Promise<string>;
  /** Starts browser mode and resolves when it stops. */
  browser?: (options: { port: number; dataDir: string }) => Promise<number>;
}

interface GlobalOptions {
  json?: boolean;
  dataDir: string;
}

type Formatter<K extends OpName> = (value: Output<K>) => string;

const USAGE_CODES: ReadonlySet<AppError['code']> = new Set(['invalid_input', 'unknown_operation']);

export function exitCodeFor(error: AppError): number {
  if (error.code === 'cancelled') return EXIT.interrupted;
  return USAGE_CODES.has(error.code) ? EXIT.usage : EXIT.failed;
}

export function buildProgram(io: CliIo, makeEnv: (dataDir: string) => HandlerEnv, defaultDataDir: string) {
  let exitCode: number = EXIT.ok;
  const program = new Command();

  program
    .name('fspbx-nat')
    .description(
      'FS PBX NAT Wizard: put an FS PBX server behind a MikroTik router safely.\n' +
        'Plan, snapshot, apply, verify and roll back, from the command line.',
    )
    .option('--json', 'print the result as JSON (for scripts)')
    .option('--data-dir <folder>', 'where sites, runs and snapshots are kept', defaultDataDir)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (t) => io.out(t.replace(/\n$/, '')),
      // Commander repeats what it did not understand: a secret typed as --password=… is not shown again.
      writeErr: (t) => io.err(redactSecretOptions(t.replace(/\n$/, ''))),
    })
    .exitOverride();

  /** Runs one operation, prints it, sets the exit code for an error; the result for callers that judge its value. */
  async function call<K extends OpName>(
    op: K,
    input: InputArg<K>,
    format: Formatter<K>,
    onProgress?: (e: Progress<K>) => void,
  ): Promise<Result<Output<K>>> {
    const globals = program.opts<GlobalOptions>();
    // Loaded per command, not at start-up: `--help` and usage errors need none of the handlers' modules (ssh2, SQLite, …).
    const [{ createDispatcher }, { createHandlers }] = await Promise.all([
      import('../api/dispatcher'),
      import('../api/handlers'),
    ]);
    const dispatcher = createDispatcher(createHandlers(makeEnv(globals.dataDir)), {
      error: (message, detail) => io.err(`fspbx-nat: ${message}\n${String(detail ?? '')}`),
    });
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    try {
      const result = (await dispatcher.call(op, input, {
        signal: controller.signal,
        progress: (event) => {
          if (!globals.json) onProgress?.(event as Progress<K>);
        },
      })) as Result<Output<K>>;
      if (globals.json) io.out(JSON.stringify(result.ok ? result.value : { error: result.error }, null, 2));
      if (result.ok) {
        if (!globals.json) io.out(terminalSafe(format(result.value)));
      } else {
        io.err(terminalSafe(formatError(result.error)));
        exitCode = exitCodeFor(result.error);
      }
      return result;
    } finally {
      process.removeListener('SIGINT', stop);
    }
  }

  /** One operation whose value a command needs, printed nowhere. */
  async function quiet<K extends OpName>(op: K, input: InputArg<K>): Promise<Result<Output<K>>> {
    const [{ createDispatcher }, { createHandlers }] = await Promise.all([
      import('../api/dispatcher'),
      import('../api/handlers'),
    ]);
    const dispatcher = createDispatcher(createHandlers(makeEnv(program.opts<GlobalOptions>().dataDir)));
    const controller = new AbortController();
    return (await dispatcher.call(op, input, { signal: controller.signal, progress: () => {} })) as Result<Output<K>>;
  }

  async function run<K extends OpName>(
    op: K,
    input: InputArg<K>,
    format: Formatter<K>,
    onProgress?: (e: Progress<K>) => void,
  ): Promise<void> {
    await call(op, input, format, onProgress);
  }

  program
    .command('info')
    .description(contract['app.info'].summary)
    .action(() => run('app.info', {}, formatInfo));

  program
    .command('doctor')
    .description(contract['app.doctor'].summary)
    .action(async () => {
      // Checks stream as they finish; the summary line closes the list.
      const result = await call(
        'app.doctor',
        {},
        (r) => `overall: ${r.status}`,
        (check) => io.out(formatCheck(check)),
      );
      if (result.ok && result.value.status === 'fail') exitCode = EXIT.failed;
    });

  program
    .command('lan')
    .description(contract['lan.detect'].summary)
    .action(() => run('lan.detect', {}, formatLan));

  program
    .command('discover')
    .description(contract.discover.summary)
    .addOption(new Option('--seconds <n>', 'how long to listen for routers').argParser(Number).default(1.5))
    .addOption(
      new Option('--ssh-port <port...>', 'SSH ports to sweep (default 22)').argParser((v, prev: number[] = []) => [
        ...prev,
        Number(v),
      ]),
    )
    .action((opts: { seconds: number; sshPort?: number[] }) =>
      run('discover', { seconds: opts.seconds, sshPorts: opts.sshPort ?? [22] }, formatDiscover, (event) => {
        if (event.kind === 'router') io.err(`router: ${event.router.identity} ${event.router.ipv4 ?? ''}`);
        if (event.kind === 'ssh-host') io.err(`ssh:    ${event.host.address}:${event.host.port} ${event.host.banner}`);
      }),
    );

  const secretOptions = (cmd: Command) =>
    cmd
      .option('--password-env <VAR>', 'read the password from this environment variable')
      .option('--password-stdin', 'read the password from standard input');

  /**
   * A secret from a named environment variable. An unset variable is a
   * mistake, not an empty password: the command stops before anything is sent.
   */
  function envSecret(name: string, flag: string): string {
    const value = io.env[name];
    if (value === undefined) {
      throw new UsageError(
        `The environment variable ${name} (${flag}) is not set, so nothing was sent. Set it first (export ${name}=…), or use --password-stdin.`,
      );
    }
    return value;
  }

  async function password(opts: { passwordEnv?: string; passwordStdin?: boolean }): Promise<string> {
    if (opts.passwordEnv) return envSecret(opts.passwordEnv, '--password-env');
    if (opts.passwordStdin) return (await io.readStdin()).replace(/\r?\n$/, '');
    return '';
  }

  const router = program.command('router').description('Work with the MikroTik router.');
  secretOptions(
    router
      .command('read')
      .description(contract['router.read'].summary)
      .requiredOption('--host <address>', "the router's LAN address")
      .requiredOption('--user <name>', 'RouterOS user')
      .option('--plain-api', 'use the unencrypted API on 8728 (the password crosses the LAN in clear)')
      .option('--port <port>', 'API port', Number)
      .option('--fingerprint <sha256>', 'the API-SSL certificate fingerprint accepted earlier'),
  ).action(
    async (opts: {
      host: string;
      user: string;
      plainApi?: boolean;
      port?: number;
      fingerprint?: string;
      passwordEnv?: string;
      passwordStdin?: boolean;
    }) => {
      await run(
        'router.read',
        {
          host: opts.host,
          username: opts.user,
          password: await password(opts),
          tls: !opts.plainApi,
          ...(opts.port === undefined ? {} : { port: opts.port }),
          ...(opts.fingerprint === undefined ? {} : { fingerprint: opts.fingerprint }),
        },
        formatRouter,
      );
    },
  );

  const pbx = program.command('pbx').description('Work with the FS PBX server.');
  secretOptions(
    pbx
      .command('read')
      .description(contract['pbx.read'].summary)
      .requiredOption('--host <address>', "the PBX's LAN address")
      .requiredOption('--user <name>', 'SSH user (root or a sudo user)')
      .option('--port <port>', 'SSH port', Number, 22)
      .option('--key <file>', 'private key file instead of a password')
      .option('--host-key <sha256>', 'the SSH host key fingerprint accepted earlier'),
  ).action(
    async (opts: {
      host: string;
      user: string;
      port: number;
      key?: string;
      hostKey?: string;
      passwordEnv?: string;
      passwordStdin?: boolean;
    }) => {
      const auth = opts.key
        ? { kind: 'key' as const, privateKey: await readKeyFile(opts.key) }
        : { kind: 'password' as const, password: await password(opts) };
      await run(
        'pbx.read',
        {
          host: opts.host,
          port: opts.port,
          username: opts.user,
          auth,
          ...(opts.hostKey === undefined ? {} : { hostKey: opts.hostKey }),
        },
        formatPbx,
      );
    },
  );

  secretOptions(
    pbx
      .command('peers')
      .description(contract['pbx.peers'].summary)
      .requiredOption('--host <address>', "the PBX's LAN address")
      .requiredOption('--user <name>', 'SSH user (root or a sudo user)')
      .option('--port <port>', 'SSH port', Number, 22)
      .option('--key <file>', 'private key file instead of a password')
      .option('--host-key <sha256>', 'the SSH host key fingerprint accepted earlier')
      .option('--lan <cidr>', 'the customer LAN, e.g. 192.168.88.0/24: phones registered from inside it are not remote')
      .option(
        '--allowed <list>',
        'addresses or ranges already allowed, comma-separated (warns about a registered trunk outside them)',
      ),
  ).action(
    async (opts: {
      host: string;
      user: string;
      port: number;
      key?: string;
      hostKey?: string;
      lan?: string;
      allowed?: string;
      passwordEnv?: string;
      passwordStdin?: boolean;
    }) => {
      const auth = opts.key
        ? { kind: 'key' as const, privateKey: await readKeyFile(opts.key) }
        : { kind: 'password' as const, password: await password(opts) };
      await run(
        'pbx.peers',
        {
          pbx: {
            host: opts.host,
            port: opts.port,
            username: opts.user,
            auth,
            ...(opts.hostKey === undefined ? {} : { hostKey: opts.hostKey }),
          },
          ...(opts.lan === undefined ? {} : { lan: opts.lan }),
          ...(opts.allowed === undefined
            ? {}
            : {
                allowed: opts.allowed
                  .split(',')
                  .map((a) => a.trim())
                  .filter(Boolean),
              }),
        },
        formatPeers,
      );
    },
  );

  /** Site file options: passwords never go in the file or on the command line, only in the environment. */
  const siteOptions = (cmd: Command) =>
    cmd
      .option('--router-password-env <VAR>', 'the router password from this environment variable')
      .option('--pbx-password-env <VAR>', 'the PBX SSH password from this environment variable')
      .option('--sudo-password-env <VAR>', "the PBX user's sudo password from this environment variable");

  interface SiteSecrets {
    routerPasswordEnv?: string;
    pbxPasswordEnv?: string;
    sudoPasswordEnv?: string;
  }

  /** The site file with the passwords from the environment; undefined (and exit 2) when unreadable. */
  async function loadSite(file: string, secrets: SiteSecrets): Promise<Record<string, unknown> | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (caught) {
      throw new UsageError(`Cannot read ${file}: ${(caught as NodeJS.ErrnoException).code ?? 'unreadable'}.`);
    }
    const site = await parseSiteText(file, text);
    const router = { ...(site.router as Record<string, unknown> | undefined) };
    const pbx = { ...(site.pbx as Record<string, unknown> | undefined) };
    if (secrets.routerPasswordEnv) router.password = envSecret(secrets.routerPasswordEnv, '--router-password-env');
    if (router.password === undefined) router.password = '';
    if (secrets.pbxPasswordEnv) {
      pbx.auth = { kind: 'password', password: envSecret(secrets.pbxPasswordEnv, '--pbx-password-env') };
    }
    if (secrets.sudoPasswordEnv) pbx.sudoPassword = envSecret(secrets.sudoPasswordEnv, '--sudo-password-env');
    return { ...site, router, pbx };
  }

  siteOptions(
    program
      .command('plan')
      .description(contract['site.plan'].summary)
      .argument('<site.json|site.yaml>', 'site inputs: router, pbx, trunks, phones, options (see README)'),
  ).action(async (file: string, opts: SiteSecrets) => {
    const site = await loadSite(file, opts);
    if (site) await run('site.plan', site as InputArg<'site.plan'>, formatPlan);
  });

  const runCommand = (name: string, op: 'site.apply' | 'site.verify' | 'site.confirm' | 'rollback.apply') =>
    siteOptions(
      program
        .command(name)
        .description(contract[op].summary)
        .requiredOption('--run <id>', 'the run id printed by plan')
        .requiredOption('--site <site.json>', 'the same site file as for plan (for the logins)')
        .option('--yes', 'do it without asking (required: this changes the router or the PBX)')
        .option('--watch <seconds>', 'verify only: keep counting forwarded packets while you probe from outside'),
    ).action(async (opts: { run: string; site: string; yes?: boolean; watch?: string } & SiteSecrets) => {
      if (contract[op].changesSites && !opts.yes) {
        io.err(`fspbx-nat: ${name} changes the customer's router or PBX; review the plan, then add --yes.`);
        exitCode = EXIT.usage;
        return;
      }
      const site = await loadSite(opts.site, opts);
      if (!site) return;
      const access = { router: site.router, pbx: site.pbx } as InputArg<'site.apply'>['access'];
      if (op === 'site.verify') {
        const watchSeconds = Number(opts.watch ?? 0);
        if (watchSeconds > 0) {
          io.err(
            `Counting the router's forwards for ${watchSeconds} s: run \`fspbx-nat probe --from-outside <public IP>\` from outside the site now.`,
          );
        }
        const result = await call(op, { runId: opts.run, access, watchSeconds }, formatVerify);
        // A failed check is a failed command: scripts can rely on the exit code.
        if (result.ok && result.value.status === 'fail') exitCode = EXIT.failed;
      } else if (op === 'site.confirm') {
        await run(op, { runId: opts.run, access }, formatRun);
      } else {
        const result = await call(op, { runId: opts.run, access }, formatApply, (event) => {
          if (event.kind === 'log') io.err(event.message);
          else if (event.status !== 'sending') io.err(`${event.status === 'done' ? 'ok  ' : 'FAIL'} ${event.changeId}`);
        });
        // An apply that stopped part-way is reported as a value (with what was applied) and fails the command.
        if (result.ok && result.value.status === 'failed') exitCode = EXIT.failed;
      }
    });
  runCommand('apply', 'site.apply');
  runCommand('verify', 'site.verify');
  runCommand('confirm', 'site.confirm');

  siteOptions(
    program
      .command('rollback')
      .description(contract['rollback.plan'].summary + ' Apply it with `rollback-apply`.')
      .requiredOption('--snapshot <id>', 'the snapshot to return to')
      .requiredOption('--site <site.json>', 'the site file (for the logins)')
      .addOption(new Option('--only <side>', 'roll back one side only').choices(['router', 'pbx']))
      .option(
        '--other-box',
        'the router or PBX is not the one the snapshot was taken of (a replaced box): plan the rollback onto it anyway',
      ),
  ).action(
    async (opts: { snapshot: string; site: string; only?: 'router' | 'pbx'; otherBox?: boolean } & SiteSecrets) => {
      const site = await loadSite(opts.site, opts);
      if (!site) return;
      const access = { router: site.router, pbx: site.pbx } as InputArg<'rollback.plan'>['access'];
      await run(
        'rollback.plan',
        {
          snapshotId: opts.snapshot,
          sides: opts.only ? [opts.only] : ['router', 'pbx'],
          access,
          acceptOtherBox: opts.otherBox === true,
        },
        formatPlan,
      );
    },
  );
  runCommand('rollback-apply', 'rollback.apply');

  program
    .command('history')
    .description(contract['history.list'].summary)
    .option('--site <id>', 'one site only')
    .action(async (opts: { site?: string }) => {
      const listed = await call('history.list', opts.site ? { siteId: opts.site } : {}, formatRuns);
      if (!listed.ok || program.opts<GlobalOptions>().json) return;
      // The key others compare an imported bundle's signature with.
      const info = await quiet('app.info', {});
      if (info.ok && info.value.bundleKey) io.out(`Bundles exported here are signed with ${info.value.bundleKey}.`);
    });

  program
    .command('export')
    .description(contract['bundle.export'].summary)
    .requiredOption('--run <id>', 'the run to export')
    .requiredOption('--out <file.zip>', 'where to write the bundle')
    .action((opts: { run: string; out: string }) =>
      run('bundle.export', { runId: opts.run, path: opts.out }, formatBundle),
    );

  program
    .command('import')
    .description(contract['bundle.import'].summary)
    .argument('<bundle.zip>')
    .action((file: string) => run('bundle.import', { path: file }, formatRun));

  program
    .command('probe')
    .description(
      'From a machine OUTSIDE the site: send SIP OPTIONS to the SIP ports and UDP to sample RTP ports of the public IP, and say per port what happened.',
    )
    .requiredOption('--from-outside <public-ip>', "the site's public IP address")
    .option('--sip-ports <list>', 'SIP ports, comma-separated', '5060,5080')
    .option('--rtp-range <start-end>', "the PBX's RTP range", '16384-32768')
    .option('--timeout <seconds>', 'how long to wait for each SIP answer', '2')
    .action(async (opts: { fromOutside: string; sipPorts: string; rtpRange: string; timeout: string }) => {
      const { start, end } = parsePortRange(opts.rtpRange, '--rtp-range');
      const sipPorts = opts.sipPorts.split(',').map((p) => parsePort(p, '--sip-ports'));
      const seconds = Number(opts.timeout);
      if (!isIPv4(opts.fromOutside) || !(seconds > 0 && seconds <= 30)) {
        io.err(
          'fspbx-nat: give an IPv4 address, ports 1-65535, an RTP range like 16384-32768 and a timeout of 1-30 s.',
        );
        exitCode = EXIT.usage;
        return;
      }
      const { probeFromOutside, sampleRtpPorts } = await import('../probe/outside');
      const reports = await probeFromOutside(opts.fromOutside, {
        sipPorts,
        rtpPorts: sampleRtpPorts(start, end),
        timeoutMs: seconds * 1000,
      });
      if (program.opts<GlobalOptions>().json) io.out(JSON.stringify(reports, null, 2));
      else
        io.out(
          reports.map((r) => `${`${r.protocol} ${r.port}`.padEnd(10)} ${r.what.padEnd(32)} ${r.detail}`).join('\n'),
        );
      if (reports.some((r) => r.verdict === 'no-answer' || r.verdict === 'rewritten')) exitCode = EXIT.failed;
    });

  program
    .command('browser')
    .description('Run the wizard in a web browser on this machine (no Electron needed); prints the address to open.')
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)', (v) => parsePort(v, '--port', true), 0)
    .action(async (opts: { port: number }) => {
      if (!io.browser) {
        io.err('fspbx-nat: browser mode is not available in this build.');
        exitCode = EXIT.failed;
        return;
      }
      exitCode = await io.browser({ port: opts.port, dataDir: program.opts<GlobalOptions>().dataDir });
    });

  return {
    program,
    /** Parses argv (without node and script) and runs the command; resolves to the exit code. */
    async main(argv: string[]): Promise<number> {
      try {
        await program.parseAsync(argv, { from: 'user' });
      } catch (caught) {
        if (caught instanceof UsageError) {
          io.err(formatError({ code: 'invalid_input', message: caught.message }));
          return EXIT.usage;
        }
        if (caught instanceof CommanderError) {
          if (caught.code === 'commander.helpDisplayed' || caught.code === 'commander.version') return EXIT.ok;
          return EXIT.usage;
        }
        throw caught;
      }
      return exitCode;
    },
  };
}
