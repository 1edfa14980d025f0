/**
 * The layer table itself, pinned pair by pair: every (importing layer, imported layer) is
 * checked against the direction written out by hand below (ARCHITECTURE.md, build/layers.mjs
 * header: contract ← domains ← site ← api ← front ends; the renderer and the preload see the
 * contract only; the lab shares nothing). A change to the table that lets the renderer import
 * domain code, or the lab import the wizard, fails here even when no file does it yet.
 */
import { dirname, relative } from 'node:path';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYERS, layerOf, violation } from '../../../build/layers.mjs';

const root = join(__dirname, '../../..');

/** One real file of each layer (not a pure module, so only the direction decides). */
const SAMPLE: Record<string, string> = {
  contract: 'contract/types.ts',
  domain: 'electron/store/runs.ts',
  site: 'electron/site/run.ts',
  api: 'electron/api/dispatcher.ts',
  host: 'electron/host/server.ts',
  cli: 'electron/cli/main.ts',
  shell: 'electron/shell/window.ts',
  preload: 'electron/preload/index.ts',
  renderer: 'renderer/src/App.tsx',
  lab: 'test/lab/lab.ts',
};

/** What each layer may import, besides itself. */
const ALLOWED: Record<string, string[]> = {
  contract: [],
  domain: ['contract'],
  site: ['contract', 'domain'],
  api: ['contract', 'domain', 'site'],
  host: ['contract', 'domain', 'site', 'api'],
  cli: ['contract', 'domain', 'site', 'api', 'host'],
  shell: ['contract', 'domain', 'site', 'api'],
  preload: ['contract'],
  renderer: ['contract'],
  lab: [],
};

/** The import specifier `from` would write for `to`, without the extension. */
function specifier(from: string, to: string): string {
  const spec = relative(dirname(from), to.replace(/\.tsx?$/, ''));
  return spec.startsWith('.') ? spec : `./${spec}`;
}

describe('the layer table', () => {
  it('names exactly the layers of the architecture, each sample file in its own', () => {
    expect(LAYERS.map((l) => l.name).sort()).toEqual(Object.keys(ALLOWED).sort());
    for (const [name, file] of Object.entries(SAMPLE)) expect(layerOf(file)?.name, file).toBe(name);
  });

  const pairs = Object.keys(ALLOWED).flatMap((from) => Object.keys(ALLOWED).map((to) => [from, to] as const));
  it.each(pairs)('%s importing %s', (from, to) => {
    const why = violation(root, SAMPLE[from]!, specifier(SAMPLE[from]!, SAMPLE[to]!));
    if (from === to || ALLOWED[from]!.includes(to)) expect(why).toBeUndefined();
    else expect(why).toMatch(new RegExp(`^${from} \\(${SAMPLE[from]}\\) may not import ${to} `));
  });

  it('says in the refusal which way the direction runs', () => {
    expect(violation(root, 'renderer/src/App.tsx', '../../electron/store/runs')).toBe(
      'renderer (renderer/src/App.tsx) may not import domain (electron/store/runs): the direction is contract ← domains ← site ← api ← front ends',
    );
  });

  it('places a file by whole folder names: electron/main.ts is the shell, electron/mainx.ts and contractual/ are nowhere', () => {
    expect(layerOf('electron/main.ts')?.name).toBe('shell');
    expect(layerOf('electron/mainx.ts')).toBeUndefined();
    expect(layerOf('contractual/x.ts')).toBeUndefined();
    expect(layerOf('renderer/srcx/App.tsx')).toBeUndefined();
    expect(layerOf('contract')?.name).toBe('contract');
    // Files in no layer (tests, build scripts) are not judged.
    expect(violation(root, 'build/build.mjs', '../electron/main')).toBeUndefined();
    // An import of a file outside every layer is not judged either.
    expect(violation(root, 'renderer/src/App.tsx', '../../build/layers.mjs')).toBeUndefined();
  });
});

describe('the packages a layer may load', () => {
  it('lets the contract load zod (and its subpaths) and nothing else', () => {
    expect(violation(root, 'contract/types.ts', 'zod')).toBeUndefined();
    expect(violation(root, 'contract/types.ts', 'zod/v4')).toBeUndefined();
    expect(violation(root, 'contract/types.ts', 'node:fs')).toBe(
      'contract may not load the package "node:fs" (allowed: zod)',
    );
    expect(violation(root, 'contract/types.ts', 'zodiac')).toMatch(/may not load the package "zodiac"/);
  });

  it('lets the renderer load React, zustand and zod, and no scoped package it was not given', () => {
    for (const pkg of ['react', 'react-dom/client', 'zustand', 'zod']) {
      expect(violation(root, 'renderer/src/App.tsx', pkg), pkg).toBeUndefined();
    }
    expect(violation(root, 'renderer/src/App.tsx', 'electron')).toMatch(/renderer may not load the package "electron"/);
    expect(violation(root, 'renderer/src/App.tsx', '@scope/react')).toMatch(/may not load the package "@scope\/react"/);
    expect(violation(root, 'renderer/src/App.tsx', 'node:path')).toMatch(/may not load/);
  });

  it('lets the preload load electron only, and the other layers any package', () => {
    expect(violation(root, 'electron/preload/index.ts', 'electron')).toBeUndefined();
    expect(violation(root, 'electron/preload/index.ts', 'node:fs')).toMatch(/preload may not load/);
    expect(violation(root, 'electron/store/runs.ts', 'better-sqlite3')).toBeUndefined();
    expect(violation(root, 'electron/cli/main.ts', 'commander')).toBeUndefined();
  });
});
