// One build for everything: main process, bundled preload and CLI (esbuild),
// renderer (Vite). Output in dist/.
//
// Built into a private staging folder, then synced into dist/ file by file (each replaced by a
// rename, stale ones removed last): a second build of the same source changes nothing, so a CLI
// or browser host already running from dist/ (tests run two files at a time, and several build
// first) never sees it emptied under them.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
const quiet = process.argv.includes('--quiet');

const dist = join(root, 'dist');
const stage = join(root, `.dist-build-${process.pid}-${randomBytes(4).toString('hex')}`);

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  // Warnings and errors only: esbuild's own summary marks any output over 1 MB with ⚠️, which reads
  // like a failure. The sizes are printed below as a plain note instead.
  logLevel: 'warning',
  metafile: true,
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  // Native modules and Electron itself are loaded at run time, never bundled.
  external: ['electron', 'better-sqlite3', 'ssh2', 'cpu-features', 'bufferutil', 'utf-8-validate'],
};

const built = await Promise.all([
  esbuild({ ...common, entryPoints: { main: 'electron/main.ts' }, outdir: join(stage, 'electron') }),
  // The sandboxed preload cannot require project files: everything is inlined.
  esbuild({ ...common, entryPoints: { preload: 'electron/preload/index.ts' }, outdir: join(stage, 'electron') }),
  esbuild({ ...common, entryPoints: { cli: 'electron/cli/main.ts' }, outdir: join(stage, 'electron') }),
]);

if (!quiet) {
  for (const { metafile } of built) {
    for (const [file, { bytes }] of Object.entries(metafile.outputs)) {
      const size = bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
      if (!file.endsWith('.map')) console.log(`built ${file.replace(relative(root, stage), 'dist')} (${size})`);
    }
  }
  // Above 1 MB is expected: each bundle carries its libraries, so nothing is loaded from node_modules at run time.
  console.log('note: main.js and cli.js are over 1 MiB because each carries its libraries; that is expected.');
}

try {
  await vite({
    configFile: fileURLToPath(new URL('../renderer/vite.config.mts', import.meta.url)),
    logLevel: quiet ? 'warn' : 'info',
    build: { outDir: join(stage, 'renderer') },
  });
  await syncInto(stage, dist);
} finally {
  await rm(stage, { recursive: true, force: true });
}

async function filesUnder(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

async function syncInto(from, to) {
  const fresh = await filesUnder(from);
  for (const file of fresh) {
    const target = join(to, file);
    const [a, b] = await Promise.all([readFile(join(from, file)), readFile(target).catch(() => undefined)]);
    if (b && a.equals(b)) continue;
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.tmp`;
    await copyFile(join(from, file), temp);
    await rename(temp, target);
  }
  const keep = new Set(fresh);
  for (const file of await filesUnder(to)) {
    if (!keep.has(file) && !file.endsWith('.tmp')) await rm(join(to, file), { force: true });
  }
}
