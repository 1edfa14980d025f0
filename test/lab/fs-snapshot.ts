/** A listing of a directory tree (type, mode, owner, size, mtime, link target) to compare before/after. */
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Paths that change on a live machine by themselves (package installs, logs), left out. */
export const VOLATILE = [
  '/var/log',
  '/var/tmp',
  '/var/cache/apt',
  '/var/lib/apt',
  '/var/lib/dpkg',
  '/var/cache/debconf',
  '/var/cache/man',
  '/var/lib/man-db',
];

export async function snapshotTree(root: string, skip: readonly string[] = VOLATILE): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (path: string, depth: number): Promise<void> => {
    if (depth > 40 || skip.some((s) => path === s || path.startsWith(`${s}/`))) return;
    const st = await lstat(path).catch(() => undefined);
    if (!st) return;
    const link = st.isSymbolicLink() ? await readlink(path).catch(() => '?') : '';
    const size = st.isDirectory() ? '' : String(st.size);
    out.set(path, `${st.mode.toString(8)} ${st.uid}:${st.gid} ${size} ${st.mtimeMs} ${link}`);
    if (!st.isDirectory()) return;
    for (const name of (await readdir(path).catch(() => [])).sort()) await walk(join(path, name), depth + 1);
  };
  await walk(root, 0);
  return out;
}

/** Every path added, removed or changed between two snapshots. */
export function diffSnapshots(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [path, value] of after) {
    if (!before.has(path)) changes.push(`added ${path}`);
    else if (before.get(path) !== value) changes.push(`changed ${path}: ${before.get(path)} -> ${value}`);
  }
  for (const path of before.keys()) if (!after.has(path)) changes.push(`removed ${path}`);
  return changes;
}
