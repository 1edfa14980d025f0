// The direction of dependency, in one table read by ESLint (build/eslint-layers.mjs)
// and by the architecture test (test/unit/architecture/layers.test.ts):
//   contract ← domains ← site ← api (handlers) ← front ends (shell, cli, host, main)
// The renderer and the preload see the contract only. The site lab is the other side
// of the wire: it may not share beliefs (code) with the wizard.
import { existsSync } from 'node:fs';
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

/**
 * The order inside the domain layer: a domain folder may import only folders of a lower rank.
 * Leaves know nothing of the others; the two boxes' domains do not know each other (a belief
 * about RouterOS never leaks into the PBX side); the store keeps what both produce; a bundle
 * packs the store.
 */
export const DOMAIN_RANKS = {
  'electron/lan': 0,
  'electron/mndp': 0,
  'electron/probe': 0,
  'electron/app': 0,
  'electron/routeros': 1,
  'electron/pbx': 1,
  'electron/store': 2,
  'electron/bundle': 3,
};

/**
 * Rooms inside a domain folder, in the order a visit flows through them: a room may import
 * its own files and rooms listed before it, never one after it, never a sibling on the same
 * rung. Files at the domain's top (engine.ts) may import every room. For the PBX: the model
 * of its data; pure parsers of what it prints; the planners; the rollback planners; the
 * text that runs on it (SQL, shell); the SSH session; the reader and the applier.
 */
export const ROOMS = {
  'electron/pbx': [['model'], ['parse'], ['plan'], ['restore'], ['script'], ['session'], ['read', 'apply']],
};

/** The room a path lies in: [domain, rung, room], or undefined when the domain has no rooms or the file sits at its top. */
function roomOf(path) {
  for (const [domain, rungs] of Object.entries(ROOMS)) {
    if (!path.startsWith(`${domain}/`)) continue;
    const parts = path.slice(domain.length + 1).split('/');
    if (parts.length < 2) return [domain, rungs.length, ''];
    const rung = rungs.findIndex((r) => r.includes(parts[0]));
    return [domain, rung, parts[0]];
  }
  return undefined;
}

function roomViolation(fromFile, target) {
  const [from, to] = [roomOf(fromFile), roomOf(target)];
  if (!from || !to || from[0] !== to[0] || from[2] === to[2]) return undefined;
  if (from[1] === -1 || to[1] === -1) {
    return `${from[1] === -1 ? fromFile : target} lies in a room build/layers.mjs ROOMS does not list`;
  }
  if (to[1] < from[1]) return undefined;
  return `${fromFile} may not import ${target}: inside ${from[0]} the rooms run ${ROOMS[from[0]].map((r) => r.join(', ')).join(' → ')}, and an import points only to an earlier one`;
}

/**
 * Pure modules (ARCHITECTURE.md "Pure core, thin edges"): functions of their arguments only.
 * They may import the contract, zod and each other, nothing else: no node: module, no socket,
 * no store, no adapter of their own folder. A planner that starts doing I/O fails the lint.
 */
export const PURE_MODULES = [
  'electron/lan/ipv4.ts',
  'electron/mndp/codec.ts',
  'electron/mndp/types.ts',
  'electron/store/schemas.ts',
  'electron/store/visit.ts',
  'electron/routeros/addr.ts',
  'electron/routeros/apply-state.ts',
  'electron/routeros/change.ts',
  'electron/routeros/confirm-answers.ts',
  'electron/routeros/conntrack.ts',
  'electron/routeros/desired.ts',
  'electron/routeros/export.ts',
  'electron/routeros/firewall.ts',
  'electron/routeros/inputs.ts',
  'electron/routeros/managed.ts',
  'electron/routeros/peer-names.ts',
  'electron/routeros/menus.ts',
  'electron/routeros/plan.ts',
  'electron/routeros/reconcile.ts',
  'electron/routeros/restore-flags.ts',
  'electron/routeros/restore.ts',
  'electron/routeros/revert.ts',
  'electron/routeros/revert-chunks.ts',
  'electron/routeros/script.ts',
  'electron/routeros/state.ts',
  'electron/routeros/topology.ts',
  'electron/routeros/validate.ts',
  'electron/pbx/plan/apply-rows.ts',
  'electron/pbx/model/change.ts',
  'electron/pbx/parse/fs-cli-output.ts',
  'electron/pbx/parse/gateways.ts',
  'electron/pbx/parse/host-firewall.ts',
  'electron/pbx/plan/managed.ts',
  'electron/pbx/parse/parse.ts',
  'electron/pbx/plan/plan-extensions.ts',
  'electron/pbx/plan/plan-outcome.ts',
  'electron/pbx/plan/plan-profiles.ts',
  'electron/pbx/plan/plan-vars.ts',
  'electron/pbx/plan/plan-warnings.ts',
  'electron/pbx/plan/plan.ts',
  'electron/pbx/model/profile-rows.ts',
  'electron/pbx/model/profile-settings.ts',
  'electron/pbx/script/quote.ts',
  'electron/pbx/parse/registrations.ts',
  'electron/pbx/restore/restore-flags.ts',
  'electron/pbx/restore/restore-vars-xml.ts',
  'electron/pbx/restore/restore.ts',
  'electron/pbx/parse/scrub.ts',
  'electron/pbx/model/secret-vars.ts',
  'electron/pbx/plan/secure-sip.ts',
  'electron/pbx/script/sql.ts',
  'electron/pbx/plan/stale.ts',
  'electron/pbx/model/state.ts',
  'electron/pbx/model/switch-true.ts',
  'electron/pbx/plan/steps.ts',
  'electron/pbx/plan/vars-xml.ts',
  'electron/site/checks/forwards.ts',
  'electron/site/checks/gateways.ts',
  'electron/site/checks/index.ts',
  'electron/site/checks/media.ts',
  'electron/site/checks/names.ts',
  'electron/site/checks/nat-acl.ts',
  'electron/site/checks/overall.ts',
  'electron/site/checks/pbx.ts',
  'electron/site/checks/router.ts',
  'electron/site/checks/shared.ts',
  'electron/site/checks/wan.ts',
  'electron/site/combine.ts',
  'electron/site/facts.ts',
  'electron/site/inputs.ts',
  'electron/site/secure-forwards.ts',
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

/** The domain folder (`electron/<name>`) a path lies in, or undefined. */
function domainOf(path) {
  return Object.keys(DOMAIN_RANKS).find((d) => path === d || path.startsWith(`${d}/`));
}

/** The file an import specifier names, as the bundler would find it (`./x` → `x.ts`, `./dir` → `dir/index.ts`). */
function moduleFile(root, target) {
  for (const candidate of [target, `${target}.ts`, `${target}.tsx`, `${target}/index.ts`]) {
    if (/\.(ts|tsx|mts|mjs|js)$/.test(candidate) && existsSync(resolve(root, candidate))) return candidate;
  }
  return `${target}.ts`;
}

function purityViolation(root, path, spec) {
  if (!PURE_MODULES.includes(path)) return undefined;
  if (!spec.startsWith('.')) {
    return spec === 'zod'
      ? undefined
      : `${path} is a pure module and may not load "${spec}" (ARCHITECTURE.md: pure core, thin edges)`;
  }
  const target = posix(relative(root, resolve(root, dirname(path), spec)));
  if (target === 'contract' || target.startsWith('contract/')) return undefined;
  const file = moduleFile(root, target);
  if (PURE_MODULES.includes(file)) return undefined;
  return `${path} is a pure module and may not import ${file}, which is not (build/layers.mjs PURE_MODULES)`;
}

/**
 * Why an import breaks the direction, or undefined when it is allowed.
 * `fromFile` is relative to `root`; `spec` is the import specifier as written.
 */
export function violation(root, fromFile, spec) {
  const from = layerOf(fromFile);
  if (!from) return undefined;
  return directionViolation(root, from, fromFile, spec) ?? purityViolation(root, posix(fromFile), spec);
}

function directionViolation(root, from, fromFile, spec) {
  if (!spec.startsWith('.')) {
    const allowed = PACKAGES[from.name];
    if (!allowed) return undefined;
    const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    if (allowed.includes(pkg)) return undefined;
    return `${from.name} may not load the package "${spec}" (allowed: ${allowed.join(', ')})`;
  }
  const target = posix(relative(root, resolve(root, dirname(fromFile), spec)));
  const to = layerOf(target);
  if (!to) return undefined;
  if (to === from) {
    const room = roomViolation(posix(fromFile), moduleFile(root, target));
    if (room) return room;
    const [a, b] = [domainOf(posix(fromFile)), domainOf(target)];
    if (from.name !== 'domain' || !a || !b || a === b || DOMAIN_RANKS[b] < DOMAIN_RANKS[a]) return undefined;
    return `${a} may not import ${b} (${target}): inside the domains the order is bundle → store → routeros, pbx → lan, mndp, probe, app`;
  }
  if (from.mayImport.includes(to.name)) return undefined;
  return `${from.name} (${posix(fromFile)}) may not import ${to.name} (${target}): the direction is contract ← domains ← site ← api ← front ends`;
}
