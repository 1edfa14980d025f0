// The direction of dependency, in one table read by ESLint (build/eslint-layers.mjs)
// and by the architecture test (test/unit/architecture/layers.test.ts):
//   contract ← domains ← site ← api (handlers) ← front ends (shell, cli, host, main)
// The renderer and the preload see the contract only. The site lab is the other side
// of the wire: it may not share beliefs (code) with the wizard.
import { dirname, relative, resolve, sep } from 'node:path';

/** Each layer: the folders (or files) it holds, relative to the project root, and what it may import. */
export const LAYERS = [
  { name: 'contract', holds: ['contract'], mayImport: [] },
  {
    name: 'domain',
    holds: [
      'electron/lan',
      'electron/mndp',
      'electron/probe',
      'electron/app',
      'electron/store',
      'electron/routeros',
      'electron/pbx',
      'electron/bundle',
    ],
    mayImport: ['contract', 'domain'],
  },
  { name: 'site', holds: ['electron/site'], mayImport: ['contract', 'domain'] },
  { name: 'api', holds: ['electron/api'], mayImport: ['contract', 'domain', 'site'] },
  // The CLI starts the browser host (`fspbx-nat browser`): the one front end that composes another.
  { name: 'host', holds: ['electron/host'], mayImport: ['contract', 'domain', 'site', 'api'] },
  { name: 'cli', holds: ['electron/cli'], mayImport: ['contract', 'domain', 'site', 'api', 'host'] },
  { name: 'shell', holds: ['electron/shell', 'electron/main.ts'], mayImport: ['contract', 'domain', 'site', 'api'] },
  // Sandboxed: bundled alone, it can reach nothing but the contract's pipe types.
  { name: 'preload', holds: ['electron/preload'], mayImport: ['contract'] },
  { name: 'renderer', holds: ['renderer/src'], mayImport: ['contract'] },
  { name: 'lab', holds: ['test/lab'], mayImport: [] },
];

/** Packages each layer may load; undefined = any. The contract is pure: zod and nothing else. */
export const PACKAGES = {
  contract: ['zod'],
  renderer: ['react', 'react-dom', 'zustand', 'zod'],
  preload: ['electron'],
};

const posix = (p) => p.split(sep).join('/');

/** The layer a project file belongs to, or undefined (tests, build scripts, benches). */
export function layerOf(relPath) {
  const path = posix(relPath);
  return LAYERS.find((l) => l.holds.some((h) => path === h || path.startsWith(`${h}/`)));
}

/**
 * Why an import breaks the direction, or undefined when it is allowed.
 * `fromFile` is relative to `root`; `spec` is the import specifier as written.
 */
export function violation(root, fromFile, spec) {
  const from = layerOf(fromFile);
  if (!from) return undefined;
  if (!spec.startsWith('.')) {
    const allowed = PACKAGES[from.name];
    if (!allowed) return undefined;
    const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    if (allowed.includes(pkg)) return undefined;
    return `${from.name} may not load the package "${spec}" (allowed: ${allowed.join(', ')})`;
  }
  const target = posix(relative(root, resolve(root, dirname(fromFile), spec)));
  const to = layerOf(target);
  if (!to || to === from) return undefined;
  if (from.mayImport.includes(to.name)) return undefined;
  return `${from.name} (${posix(fromFile)}) may not import ${to.name} (${target}): the direction is contract ← domains ← site ← api ← front ends`;
}
