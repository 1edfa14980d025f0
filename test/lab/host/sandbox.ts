/**
 * A host's private file system: overlays over the test machine's /etc, /var, … whose upper
 * layers live in the run folder, and private tmpfs for /run and /tmp. Mounted inside the host's
 * own mount namespace only, so whatever the host writes never reaches the machine's own files.
 */
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { mustExecIn, type NsHost } from '../netns';

export interface Sandbox {
  /** Where the host's view of `path` is written on the test machine (inside the upper layer). */
  upper(path: string): string;
  overlays: string[];
}

const SAFE_PATH = /^\/[A-Za-z0-9_./-]+$/;

export function planSandbox(dir: string, overlays: string[]): Sandbox {
  for (const p of [dir, ...overlays]) {
    // Overlay options are comma/colon separated: a path with either would change their meaning.
    if (!SAFE_PATH.test(p)) throw new Error(`unsafe sandbox path ${JSON.stringify(p)}`);
  }
  return {
    overlays,
    upper(path: string): string {
      const top = overlays.find((o) => path === o || path.startsWith(`${o}/`));
      if (!top) throw new Error(`${path} is not under an overlay of this host`);
      return join(dir, 'upper', top.slice(1), path.slice(top.length));
    },
  };
}

export async function prepareSandbox(dir: string, sandbox: Sandbox): Promise<void> {
  for (const o of sandbox.overlays) {
    await mkdir(join(dir, 'upper', o.slice(1)), { recursive: true });
    await mkdir(join(dir, 'work', o.slice(1)), { recursive: true });
  }
}

export async function mountSandbox(host: NsHost, dir: string, sandbox: Sandbox, tmpfs: string[]): Promise<void> {
  for (const o of sandbox.overlays) {
    const options = `lowerdir=${o},upperdir=${join(dir, 'upper', o.slice(1))},workdir=${join(dir, 'work', o.slice(1))}`;
    await mustExecIn(host, ['mount', '-t', 'overlay', 'overlay', '-o', options, o]);
  }
  for (const t of tmpfs) {
    if (!SAFE_PATH.test(t)) throw new Error(`unsafe tmpfs path ${t}`);
    await mustExecIn(host, ['mount', '-t', 'tmpfs', '-o', t === '/tmp' ? 'mode=1777' : 'mode=755', 'tmpfs', t]);
  }
}

export interface Ids {
  uid: number;
  gid: number;
}

export async function writeHostFile(
  sandbox: Sandbox,
  path: string,
  content: string,
  mode: number,
  owner: Ids = { uid: 0, gid: 0 },
): Promise<void> {
  const target = sandbox.upper(path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, content, { mode });
  await chmod(target, mode);
  await chown(target, owner.uid, owner.gid);
}
