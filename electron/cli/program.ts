/**
 * fspbx-nat: the wizard's operations for scripts and tests. Every command is
 * one contract operation; --json prints its value, failures print one line
 * and exit non-zero. The commands live in commands/, one file per group.
 */
import { Command, CommanderError } from 'commander';
import type { InputArg, OpName, Output, Progress } from '../../contract/operations';
import type { Result } from '../../contract/errors';
import type { HandlerEnv } from '../api/handlers';
import { registerAppCommands, registerBrowserCommand } from './commands/app';
import { registerDeviceCommands } from './commands/devices';
import { registerHistoryCommands } from './commands/history';
import { registerProbeCommand } from './commands/probe';
import { registerSiteCommands } from './commands/site';
import { registerTrustCommands } from './commands/trust';
import { EXIT, exitCodeFor, type CliContext, type CliIo, type Formatter, type GlobalOptions } from './context';
import { jsonSafe } from '../../contract/text';
import { formatError, terminalSafe } from './format';
import { errorHints, plainError } from './error-lines';
import { redactSecretOptions, UsageError } from './inputs';

export { EXIT, exitCodeFor, type CliIo } from './context';
export { UsageError } from './inputs';

export function buildProgram(io: CliIo, makeEnv: (dataDir: string) => HandlerEnv, defaultDataDir: string) {
  let exitCode: number = EXIT.ok;
  /** The command as typed: the accept hint repeats it with the fingerprint flag added. */
  let argv: string[] = [];
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
    const [{ createDispatcher }, { createHandlers }, { openLog }, { redactSecrets }] = await Promise.all([
      import('../api/dispatcher'),
      import('../api/handlers'),
      import('../app/log'),
      import('../store/redact'),
    ]);
    // An unexpected failure also goes to the data folder's log, beside the desktop app's and browser mode's.
    const log = openLog(globals.dataDir, { redact: redactSecrets });
    // An unexpected failure's stack goes to the log only: the terminal gets its one sentence (below).
    const dispatcher = createDispatcher(createHandlers(makeEnv(globals.dataDir)), {
      error: (message, detail) => log.error(message, detail),
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
      // A storage fault or unexpected failure as one sentence; its stack only in the log, also with --json.
      const shown = result.ok ? undefined : plainError(result.error, globals.dataDir, log.file);
      // Parsed, the same value; read in a terminal, no bidi override or invisible character from a device.
      if (globals.json) io.out(jsonSafe(JSON.stringify(shown ? { error: shown } : result.ok && result.value, null, 2)));
      if (result.ok) {
        if (!globals.json) io.out(terminalSafe(format(result.value)));
      } else {
        const error = shown ?? result.error;
        io.err(terminalSafe([formatError(error), ...errorHints(error, argv)].join('\n')));
        exitCode = exitCodeFor(error);
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

  const ctx: CliContext = {
    program,
    io,
    globals: () => program.opts<GlobalOptions>(),
    exit: (code) => {
      exitCode = code;
    },
    call,
    run,
    quiet,
  };
  // Registered in the order --help lists them.
  registerAppCommands(ctx);
  registerDeviceCommands(ctx);
  registerSiteCommands(ctx);
  registerHistoryCommands(ctx);
  registerTrustCommands(ctx);
  registerProbeCommand(ctx);
  registerBrowserCommand(ctx);

  return {
    program,
    /** Parses argv (without node and script) and runs the command; resolves to the exit code. */
    async main(given: string[]): Promise<number> {
      argv = given;
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
