/**
 * Small, self-cleaning network namespaces for the simulator's own tests
 * (the full site lab lives elsewhere). Names carry the creating PID so a
 * sweeper can remove what a crashed run left behind.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const NS_PREFIX = 'rsim';

export async function ip(...args: string[]): Promise<string> {
  const { stdout } = await run('ip', args, { timeout: 15_000 });
  return stdout;
}

export function nsName(role: string, pid = process.pid): string {
  const name = `${NS_PREFIX}${role}-${pid}`;
  if (name.length > 15) throw new Error(`namespace name too long: ${name}`);
  return name;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Deletes `rsim*-<pid>` namespaces whose creating process is gone. */
export async function sweepStaleNamespaces(): Promise<string[]> {
  const removed: string[] = [];
  for (const line of (await ip('netns', 'list')).split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = new RegExp(`^${NS_PREFIX}[A-Za-z]+-(\\d+)$`).exec(name);
    if (m && !alive(Number(m[1]))) {
      await ip('netns', 'del', name).catch(() => undefined);
      removed.push(name);
    }
  }
  return removed;
}

export async function canUseNamespaces(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  const probe = nsName('P');
  try {
    await ip('netns', 'add', probe);
    await ip('netns', 'del', probe);
    return true;
  } catch {
    return false;
  }
}

export class Namespaces {
  readonly names: string[] = [];

  async add(role: string): Promise<string> {
    const name = nsName(role);
    await ip('netns', 'del', name).catch(() => undefined);
    await ip('netns', 'add', name);
    this.names.push(name);
    await this.exec(name, 'ip', 'link', 'set', 'lo', 'up');
    return name;
  }

  /** A veth pair created straight into two namespaces: the host's own stack never holds either end. */
  async link(nsA: string, ifA: string, nsB: string, ifB: string): Promise<void> {
    await ip('link', 'add', ifA, 'netns', nsA, 'type', 'veth', 'peer', 'name', ifB, 'netns', nsB);
  }

  exec(ns: string, cmd: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
    return run('ip', ['netns', 'exec', ns, cmd, ...args], { timeout: 60_000, maxBuffer: 16 << 20 });
  }

  spawn(ns: string, cmd: string, ...args: string[]): ChildProcess {
    return spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  async removeAll(): Promise<void> {
    for (const name of this.names.splice(0)) await ip('netns', 'del', name).catch(() => undefined);
  }
}

/** Starts the simulator process inside a namespace and resolves with its READY line. */
export function startSimInNamespace(
  ns: Namespaces,
  name: string,
  configFile: string,
): Promise<{ child: ChildProcess; ready: { apiPort: number; apiSslPort: number; fingerprint: string } }> {
  const child = ns.spawn(
    name,
    process.execPath,
    '--import',
    'tsx',
    'test/lab/routeros/main.ts',
    '--config',
    configFile,
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`simulator not ready in 60 s: ${err}`)), 60_000);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('READY '));
      if (line) {
        clearTimeout(timer);
        resolve({
          child,
          ready: JSON.parse(line.slice(6)) as { apiPort: number; apiSslPort: number; fingerprint: string },
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited (${code}): ${err}`));
    });
  });
}

/** SIGTERM, then wait (bounded) for the exit. */
export async function stopChild(child: ChildProcess | undefined, timeoutMs = 10_000): Promise<number | null> {
  if (!child || child.exitCode !== null) return child?.exitCode ?? null;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}
