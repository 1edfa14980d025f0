/**
 * A host's private file system: overlays over the test machine's /etc, /var, … whose upper
 * layers live in the run folder, and private tmpfs for /run and /tmp. Mounted inside the host's
 * own mount namespace only, so whatever the host writes never reaches the machine's own files.
 *
 * Homes and /usr/local are not overlays but fresh folders: a new Debian server has root's stock
 * shell files and nothing installed locally, while the test machine's /root holds its own shell
 * init (pyenv, cargo, …) and secrets that no lab host may see or run.
 */
import { chmod, chown, copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { mustExecIn, type NsHost } from '../netns';

export interface Sandbox {
  /** Where the host's view of `path` is written on the test machine (inside the upper layer). */
  upper(path: string): string;
  overlays: string[];
  /** Folders mounted fresh (from the run folder alone) instead of over the machine's own. */
  fresh: string[];
}

const SAFE_PATH = /^\/[A-Za-z0-9_./-]+$/;

/** What a fresh server has of its own where the test machine has its own files. */
export const FRESH_DIRS = ['/root', '/home', '/usr/local'];

/**
 * Debian's base-files postinst copies these into /root on installation (root does not get
 * /etc/skel): base-files 12.4 (bookworm) debian/postinst, `install_from_default dot.profile
 * /root/.profile` and `install_from_default dot.bashrc /root/.bashrc`.
 */
export const ROOT_SHELL_FILES: Record<string, string> = {
  '.bashrc': '/usr/share/base-files/dot.bashrc',
  '.profile': '/usr/share/base-files/dot.profile',
};
/** base-files' /usr/local: empty folders, and man pointing into share. */
const USR_LOCAL_DIRS = ['bin', 'etc', 'games', 'include', 'lib', 'sbin', 'share', 'share/man', 'src'];

const under = (path: string, top: string): boolean => path === top || path.startsWith(`${top}/`);

export function planSandbox(dir: string, overlays: string[]): Sandbox {
  for (const p of [dir, ...overlays]) {
    // Overlay options are comma/colon separated: a path with either would change their meaning.
    if (!SAFE_PATH.test(p)) throw new Error(`unsafe sandbox path ${JSON.stringify(p)}`);
  }
  const fresh = FRESH_DIRS.filter((f) => overlays.some((o) => under(f, o)));
  return {
    overlays,
    fresh,
    upper(path: string): string {
      const own = fresh.find((f) => under(path, f));
      if (own) return join(dir, 'fresh', own.slice(1), path.slice(own.length));
      const top = overlays.find((o) => under(path, o));
      if (!top) throw new Error(`${path} is not under an overlay of this host`);
      return join(dir, 'upper', top.slice(1), path.slice(top.length));
    },
  };
}

export async function prepareSandbox(dir: string, sandbox: Sandbox): Promise<void> {
  for (const o of sandbox.overlays) {
    if (sandbox.fresh.includes(o)) continue;
    await mkdir(join(dir, 'upper', o.slice(1)), { recursive: true });
    await mkdir(join(dir, 'work', o.slice(1)), { recursive: true });
  }
  for (const f of sandbox.fresh) {
    const target = sandbox.upper(f);
    await mkdir(target, { recursive: true });
    await chmod(target, f === '/root' ? 0o700 : 0o755);
  }
  if (sandbox.fresh.includes('/root')) {
    for (const [name, source] of Object.entries(ROOT_SHELL_FILES)) {
      await copyFile(source, sandbox.upper(`/root/${name}`));
      await chmod(sandbox.upper(`/root/${name}`), 0o644);
    }
  }
  if (sandbox.fresh.includes('/usr/local')) {
    for (const d of USR_LOCAL_DIRS) await mkdir(sandbox.upper(`/usr/local/${d}`), { recursive: true });
    await symlink('share/man', sandbox.upper('/usr/local/man'));
  }
}

export async function mountSandbox(host: NsHost, dir: string, sandbox: Sandbox, tmpfs: string[]): Promise<void> {
  for (const o of sandbox.overlays) {
    if (sandbox.fresh.includes(o)) continue;
    const options = `lowerdir=${o},upperdir=${join(dir, 'upper', o.slice(1))},workdir=${join(dir, 'work', o.slice(1))}`;
    await mustExecIn(host, ['mount', '-t', 'overlay', 'overlay', '-o', options, o]);
  }
  // After the overlays: /usr/local lies over the /usr overlay.
  for (const f of sandbox.fresh) await mustExecIn(host, ['mount', '--bind', sandbox.upper(f), f]);
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

/**
 * A user's new home as adduser makes it: the folder owned by the user, /etc/skel's files in it
 * (adduser 3.134, bookworm, /etc/adduser.conf defaults: SKEL=/etc/skel, DIR_MODE=0700).
 */
export async function makeHome(sandbox: Sandbox, home: string, owner: Ids): Promise<void> {
  const target = sandbox.upper(home);
  await mkdir(target, { recursive: true });
  await chmod(target, 0o700);
  await chown(target, owner.uid, owner.gid);
  for (const name of ['.bashrc', '.profile', '.bash_logout']) {
    await copyFile(join('/etc/skel', name), join(target, name));
    await chmod(join(target, name), 0o644);
    await chown(join(target, name), owner.uid, owner.gid);
  }
}
