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
  logLevel: quiet ? 'warning' : 'info',
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  // Native modules and Electron itself are loaded at run time, never bundled.
  external: ['electron', 'better-sqlite3', 'ssh2', 'cpu-features', 'bufferutil', 'utf-8-validate'],
};

await Promise.all([
  esbuild({ ...common, entryPoints: { main: 'electron/main.ts' }, outdir: 'dist/electron' }),
  // The sandboxed preload cannot require project files: everything is inlined.
  esbuild({ ...common, entryPoints: { preload: 'electron/preload/index.ts' }, outdir: 'dist/electron' }),
  esbuild({ ...common, entryPoints: { cli: 'electron/cli/main.ts' }, outdir: 'dist/electron' }),
]);

await vite({
  configFile: fileURLToPath(new URL('../renderer/vite.config.mts', import.meta.url)),
  logLevel: quiet ? 'warn' : 'info',
});
