/**
 * Starts a lab and holds it until SIGTERM/SIGINT: `node --import tsx test/lab/hold.ts [netns|loopback]`.
 * Prints one line `LAB {json}` (run id, mode, start-up time) when ready. Used by the test that
 * kills a lab's owner to prove the next start sweeps what it left.
 */
import { startLab } from './lab';

async function main(): Promise<void> {
  const mode = process.argv[2] === 'loopback' ? 'loopback' : 'netns';
  const lab = await startLab({ mode, routerSim: process.argv.includes('--no-router-sim') ? false : true });
  process.stdout.write(`LAB ${JSON.stringify({ runId: lab.runId, mode: lab.mode, startupMs: lab.startupMs })}\n`);
  const stop = (): void => {
    lab.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`lab: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
