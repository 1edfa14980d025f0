/** Entry point of the `fspbx-nat` command (bundled to dist/electron/cli.js). */
import { join } from 'node:path';
import { buildProgram, EXIT } from './program';
import { nodeEnv } from '../api/handlers/node-env';
import { defaultDataDir } from '../app/paths';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function browser(options: { port: number; dataDir: string }): Promise<number> {
  // Loaded only for browser mode: every other command starts without the host's and handlers' modules.
  const [{ createDispatcher }, { createHandlers }, { startBrowserHost }, { openLog }, { redactSecrets }] =
    await Promise.all([
      import('../api/dispatcher'),
      import('../api/handlers'),
      import('../host/server'),
      import('../app/log'),
      import('../store/redact'),
    ]);
  // The same log file as the desktop app, in the same data folder.
  const log = openLog(options.dataDir, { redact: redactSecrets });
  const dispatcher = createDispatcher(createHandlers(nodeEnv('browser', options.dataDir)), {
    error: (message, detail) => {
      log.error(message, detail);
      console.error(message, detail);
    },
  });
  let host;
  try {
    host = await startBrowserHost({
      dispatcher,
      rendererDir: join(__dirname, '..', 'renderer'),
      port: options.port,
      // Done's download: the bundle bundle.export wrote there (DoneStep), under a readable name.
      bundlesDir: join(options.dataDir, 'bundles'),
    });
  } catch (caught) {
    const code = (caught as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE'
        ? `fspbx-nat: port ${options.port} is in use; pick another with --port, or leave it out.`
        : `fspbx-nat: browser mode could not start: ${(caught as Error).message}`,
    );
    return EXIT.failed;
  }
  console.log(`FS PBX NAT Wizard is running in browser mode.\nOpen this address on this machine:\n\n  ${host.url}\n`);
  console.log('The address holds a one-time key: do not share it. Press Ctrl+C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await host.close();
  return EXIT.ok;
}

// `fspbx-nat history | head -1`: a reader that stopped reading ends the command quietly, as a pipe should.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (caught: NodeJS.ErrnoException) => {
    if (caught.code === 'EPIPE') process.exit(EXIT.ok);
    throw caught;
  });
}

const cli = buildProgram(
  {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    readStdin,
    browser,
  },
  (dataDir) => nodeEnv('cli', dataDir),
  defaultDataDir(),
);

cli
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
    // Ctrl+C: the answer is given; a connection still winding down (up to its timeout) must not hold the terminal.
    if (code === EXIT.interrupted) process.exit(code);
  })
  .catch((caught: unknown) => {
    console.error(`fspbx-nat: unexpected failure: ${(caught as Error).message ?? String(caught)}`);
    process.exitCode = EXIT.failed;
  });
