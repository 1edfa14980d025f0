// One build for everything: main process, bundled preload and CLI (esbuild),
// renderer (Vite). Output in dist/.
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
const quiet = process.argv.includes('--quiet');

await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });

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
  esbuild({ ...common, entryPoints: { main: 'electron/main.ts' }, outdir: 'dist/electron' }),
  // The sandboxed preload cannot require project files: everything is inlined.
  esbuild({ ...common, entryPoints: { preload: 'electron/preload/index.ts' }, outdir: 'dist/electron' }),
  esbuild({ ...common, entryPoints: { cli: 'electron/cli/main.ts' }, outdir: 'dist/electron' }),
]);

if (!quiet) {
  for (const { metafile } of built) {
    for (const [file, { bytes }] of Object.entries(metafile.outputs)) {
      const size = bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
      if (!file.endsWith('.map')) console.log(`built ${file} (${size})`);
    }
  }
  // Above 1 MB is expected: each bundle carries its libraries, so nothing is loaded from node_modules at run time.
  console.log('note: main.js and cli.js are over 1 MiB because each carries its libraries; that is expected.');
}

await vite({
  configFile: fileURLToPath(new URL('../renderer/vite.config.mts', import.meta.url)),
  logLevel: quiet ? 'warn' : 'info',
});
