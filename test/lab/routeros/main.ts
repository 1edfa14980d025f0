/**
 * Process entry: `node --import tsx test/lab/routeros/main.ts --config <file.json>`.
 * Prints one `READY {...}` line when listening; SIGTERM/SIGINT close cleanly
 * (the nftables table is removed).
 */
import { readFileSync } from 'node:fs';
import { type RouterSimOptions, startRouterSim } from './index';

async function main(): Promise<void> {
  const at = process.argv.indexOf('--config');
  const file = at === -1 ? undefined : process.argv[at + 1];
  if (!file) {
    process.stderr.write('usage: main.ts --config <options.json>\n');
    process.exit(2);
  }
  const options = JSON.parse(readFileSync(file, 'utf8')) as RouterSimOptions;
  const sim = await startRouterSim(options);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    sim.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`routeros-sim: close failed: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(
    `READY ${JSON.stringify({
      apiPort: sim.apiPort,
      apiSslPort: sim.apiSslPort,
      fingerprint: sim.fingerprint,
      ...(sim.ssh ? { sshPort: sim.ssh.port, sshHostKey: sim.ssh.hostKey } : {}),
    })}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`routeros-sim: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
