/**
 * Network-namespace primitives for the site lab: a host is a named network namespace plus one
 * "holder" process that owns the host's private mount and UTS namespaces. Every command given to
 * a host runs through nsenter into those three namespaces, always as an argument array.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, readlink } from 'node:fs/promises';
import { mustRun, runProgram, type RunOptions, type RunResult } from './run';

/** Interface names are limited by the kernel to 15 characters (IFNAMSIZ - 1). */
export const IFNAME_MAX = 15;
/** Every lab namespace starts with this, then the owner pid, a random tag and the host name. */
export const NETNS_PREFIX = 'fsl';

export interface RunName {
  /** `<ownerPid>-<tag>`: unique per run, and the owner can be checked for life. */
  runId: string;
  ownerPid: number;
}

export function newRunName(ownerPid: number = process.pid): RunName {
  const tag = Math.floor(Math.random() * 0x1000000)
    .toString(16)
    .padStart(6, '0');
  return { runId: `${ownerPid}-${tag}`, ownerPid };
}

export function netnsName(runId: string, host: string): string {
  return `${NETNS_PREFIX}-${runId}-${host}`;
}

/** Reads a netns name back into its run, or undefined when the name is not one of ours. */
export function parseNetnsName(name: string): { runId: string; ownerPid: number; host: string } | undefined {
  const match = /^fsl-(\d{1,10})-([0-9a-f]{6})-([a-z0-9]{1,20})$/.exec(name);
  if (!match) return undefined;
  return { runId: `${match[1]}-${match[2]}`, ownerPid: Number(match[1]), host: match[3]! };
}

export function assertIfName(name: string): string {
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(name)) throw new Error(`bad interface name ${JSON.stringify(name)}`);
  return name;
}

/** A started host: its netns name and the pid whose mount/UTS namespaces are the host's. */
export interface NsHost {
  name: string;
  netns: string;
  holderPid: number;
}

async function nsInode(pid: number | 'self', kind: 'net' | 'mnt' | 'uts'): Promise<string> {
  return readlink(`/proc/${pid}/ns/${kind}`);
}

/** Bounded wait until the holder has entered its own UTS namespace and become `sleep`. */
async function waitForHolder(holder: ChildProcess, host: string): Promise<void> {
  const ownUts = await nsInode('self', 'uts');
  for (let i = 0; i < 200; i += 1) {
    const uts = await nsInode(holder.pid!, 'uts').catch(() => ownUts);
    const comm = await readFile(`/proc/${holder.pid}/comm`, 'utf8').catch(() => '');
    if (uts !== ownUts && comm.trim() === 'sleep') return;
    if (holder.exitCode !== null) throw new Error(`holder of ${host} exited with ${holder.exitCode}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`holder of ${host} did not start`);
}

/** Creates the netns and its holder; waits (bounded) until the holder is in its own namespaces. */
export async function createHost(runId: string, host: string, hostname: string = host): Promise<NsHost> {
  const netns = netnsName(runId, host);
  await mustRun(['ip', 'netns', 'add', netns]);
  const holder = spawn(
    'ip',
    ['netns', 'exec', netns, 'unshare', '--mount', '--uts', '--propagation', 'private', '--', 'sleep', 'infinity'],
    { stdio: 'ignore', detached: false, env: hostEnv({ name: host }) },
  );
  const holderPid = holder.pid;
  if (holderPid === undefined) throw new Error(`could not start the holder of ${host}`);
  holder.unref();
  await waitForHolder(holder, host);
  const ns: NsHost = { name: host, netns, holderPid };
  await mustRun(nsenterArgv(ns, ['hostname', hostname]));
  await mustRun(['ip', '-n', netns, 'link', 'set', 'lo', 'up']);
  return ns;
}

export function nsenterArgv(host: NsHost, argv: readonly string[], wd = '/'): string[] {
  return ['nsenter', '-t', String(host.holderPid), '-n', '-m', '-u', `--wd=${wd}`, '--', ...argv];
}

/**
 * What systemd gives a service on Debian (system.conf DefaultEnvironment is unset, so PATH is
 * systemd's compiled default for /usr-merged systems, and LANG comes from /etc/default/locale).
 */
export const SERVER_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
};

/** The host that stands for the technician's laptop: it shares the test machine's files and env. */
export const LAPTOP_HOST = 'tech';

/**
 * The environment a command starts with inside a host. Servers get a fresh server's, plus only
 * what the caller added on purpose (e.g. PGPASSWORD); none of the test machine's PATH, PYENV_*, ….
 */
export function hostEnv(host: Pick<NsHost, 'name'>, given?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (host.name === LAPTOP_HOST) return given ?? process.env;
  const added = Object.entries(given ?? {}).filter(([k, v]) => v !== undefined && process.env[k] !== v);
  return { ...SERVER_ENV, ...Object.fromEntries(added) };
}

/** Runs a command inside the host (its network, mounts and hostname). */
export function execIn(host: NsHost, argv: readonly string[], options?: RunOptions): Promise<RunResult> {
  return runProgram(nsenterArgv(host, argv), { ...options, env: hostEnv(host, options?.env) });
}

export function mustExecIn(host: NsHost, argv: readonly string[], options?: RunOptions): Promise<string> {
  return mustRun(nsenterArgv(host, argv), { ...options, env: hostEnv(host, options?.env) });
}

/** Runs several `ip` commands in one netns with one process (ip -batch), for a fast start. */
export async function ipBatch(netns: string, lines: readonly (readonly string[])[]): Promise<void> {
  if (lines.length === 0) return;
  for (const line of lines) {
    for (const word of line) {
      // -batch splits on whitespace: a word with a space or quote would be a different command.
      if (!/^[A-Za-z0-9_./:@=-]+$/.test(word)) throw new Error(`unsafe ip batch word ${JSON.stringify(word)}`);
    }
  }
  await mustRun(['ip', '-n', netns, '-batch', '-'], { input: lines.map((l) => l.join(' ')).join('\n') + '\n' });
}

/** A veth pair whose ends are created directly inside their namespaces (never in the root one). */
export async function addVeth(a: NsHost, aName: string, b: NsHost, bName: string): Promise<void> {
  await mustRun([
    'ip',
    '-n',
    a.netns,
    'link',
    'add',
    assertIfName(aName),
    'type',
    'veth',
    'peer',
    'name',
    assertIfName(bName),
    'netns',
    b.netns,
  ]);
}

export async function setSysctl(host: NsHost, key: string, value: string): Promise<void> {
  if (!/^[a-z0-9_.]+$/.test(key) || !/^[0-9]+$/.test(value)) throw new Error(`bad sysctl ${key}=${value}`);
  await mustRun(['ip', 'netns', 'exec', host.netns, 'sysctl', '-q', '-w', `${key}=${value}`]);
}

/** Pids whose network namespace is this netns (ip netns pids), holder included. */
export async function pidsIn(netns: string): Promise<number[]> {
  const result = await runProgram(['ip', 'netns', 'pids', netns]);
  if (result.code !== 0) return [];
  return result.stdout
    .split(/\s+/)
    .filter((p) => /^\d+$/.test(p))
    .map(Number);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stops every process of the netns (TERM, then KILL after a bounded wait) and deletes it. */
export async function destroyNetns(netns: string, graceMs = 1500): Promise<void> {
  let pids = await pidsIn(netns);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    pids = pids.filter(isAlive);
  }
  for (let round = 0; round < 5; round += 1) {
    const left = await pidsIn(netns);
    if (left.length === 0) break;
    for (const pid of left) signal(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 50));
  }
  await runProgram(['ip', 'netns', 'del', netns]);
}

export async function listNetns(): Promise<string[]> {
  const result = await runProgram(['ip', 'netns', 'list']);
  return result.stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.length > 0);
}

/**
 * Loopback mode: a host with private mounts and hostname but the machine's own network, so its
 * servers listen on 127.0.0.x. Needs no network namespace (nor `ip netns`).
 */
export async function createLoopbackHost(host: string, hostname: string = host): Promise<NsHost> {
  const holder = spawn('unshare', ['--mount', '--uts', '--propagation', 'private', '--', 'sleep', 'infinity'], {
    stdio: 'ignore',
    env: hostEnv({ name: host }),
  });
  const holderPid = holder.pid;
  if (holderPid === undefined) throw new Error(`could not start the holder of ${host}`);
  holder.unref();
  await waitForHolder(holder, host);
  const ns: NsHost = { name: host, netns: '', holderPid };
  await mustRun(nsenterArgv(ns, ['hostname', hostname]));
  return ns;
}
