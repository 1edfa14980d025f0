/** Long-running servers inside a lab host, and bounded waits for them to be ready. */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { hostEnv, nsenterArgv, type NsHost } from '../netns';
import { processStart } from '../registry';

export interface Daemon {
  name: string;
  pid: number;
  start: string;
  child: ChildProcess;
  log: string;
}

/** Starts argv inside the host; its stdout and stderr go to `log` on the test machine. */
export function startDaemon(host: NsHost, name: string, argv: readonly string[], log: string): Promise<Daemon> {
  return startProcess(name, nsenterArgv(host, argv), log, hostEnv(host));
}

/** Starts argv on the test machine itself (e.g. a relay that enters a host on its own). */
export async function startProcess(
  name: string,
  argv: readonly string[],
  log: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Daemon> {
  const fd = openSync(log, 'a');
  const [file, ...args] = argv;
  const child = spawn(file!, args, { stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  child.unref();
  const start = (await processStart(child.pid)) ?? '';
  return { name, pid: child.pid, start, child, log };
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  { timeoutMs = 15_000, intervalMs = 50, daemon }: { timeoutMs?: number; intervalMs?: number; daemon?: Daemon } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    if (daemon && daemon.child.exitCode !== null) {
      throw new Error(`${daemon.name} exited with ${daemon.child.exitCode} (log: ${daemon.log})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function stopDaemon(daemon: Daemon, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (daemon.child.exitCode !== null) return;
  try {
    process.kill(daemon.pid, signal);
  } catch {
    // already gone
  }
}
