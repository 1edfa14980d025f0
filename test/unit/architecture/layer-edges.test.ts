/**
 * The layer rules at their edges, where the whole-tree check has no import to try them on yet:
 * a folder imported by its own name, a room on either side that the table does not list, the
 * contract named as a folder by a pure module, and each refusal's full sentence.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { violation } from '../../../build/layers.mjs';

const root = join(__dirname, '../../..');

describe('a folder imported by its name', () => {
  it('is judged as the domain it names: the store may not import the bundle folder, the bundle may import the store', () => {
    expect(violation(root, 'electron/store/runs.ts', '../bundle')).toBe(
      'electron/store may not import electron/bundle (electron/bundle): inside the domains the order is bundle → store → routeros, pbx → lan, mndp, probe, app',
    );
    expect(violation(root, 'electron/bundle/pack.ts', '../store')).toBeUndefined();
  });

  it('is a pure module when its index.ts is one: a planner may import the checks folder, not the site boxes', () => {
    expect(violation(root, 'electron/site/combine.ts', './checks')).toBeUndefined();
    expect(violation(root, 'electron/site/combine.ts', './boxes/pbx')).toBe(
      'electron/site/combine.ts is a pure module and may not import electron/site/boxes/pbx.ts, which is not (build/layers.mjs PURE_MODULES)',
    );
  });

  it('lets a pure module import the contract by its folder name or any file in it, but not a folder that only starts like it', () => {
    expect(violation(root, 'electron/routeros/plan.ts', '../../contract')).toBeUndefined();
    expect(violation(root, 'electron/routeros/plan.ts', '../../contract/ipv4')).toBeUndefined();
    expect(violation(root, 'electron/routeros/plan.ts', '../../contractual/x')).toBe(
      'electron/routeros/plan.ts is a pure module and may not import contractual/x.ts, which is not (build/layers.mjs PURE_MODULES)',
    );
  });
});

describe('the rooms of pbx/, at their edges', () => {
  it('names the side that lies in a room the table does not list, importing or imported', () => {
    expect(violation(root, 'electron/pbx/attic/old.ts', '../model/state')).toBe(
      'electron/pbx/attic/old.ts lies in a room build/layers.mjs ROOMS does not list',
    );
    expect(violation(root, 'electron/pbx/model/state.ts', '../attic/old')).toBe(
      'electron/pbx/attic/old.ts lies in a room build/layers.mjs ROOMS does not list',
    );
  });

  it('spells out the whole order of the rooms when an import points back', () => {
    expect(violation(root, 'electron/pbx/parse/parse.ts', '../plan/plan')).toBe(
      'electron/pbx/parse/parse.ts may not import electron/pbx/plan/plan.ts: inside electron/pbx the rooms run model → parse → plan → restore → script → session → read, apply, and an import points only to an earlier one',
    );
  });

  it('lets a file import its own room, and the engine at the top import any room, but no room import the top', () => {
    expect(violation(root, 'electron/pbx/plan/plan.ts', './vars-xml')).toBeUndefined();
    expect(violation(root, 'electron/pbx/engine.ts', './model/state')).toBeUndefined();
    expect(violation(root, 'electron/pbx/model/state.ts', '../engine')).toMatch(
      /may not import electron\/pbx\/engine.ts/,
    );
  });

  it('judges rooms only inside the domain that has them', () => {
    expect(violation(root, 'electron/routeros/engine.ts', './api/wire')).toBeUndefined();
    expect(violation(root, 'electron/routeros/api/wire.ts', '../engine')).toBeUndefined();
  });
});

describe('files in no layer, and the packages a layer is given', () => {
  it('does not judge a test, build script or bench, whatever it imports', () => {
    expect(violation(root, 'test/unit/x.test.ts', '../../electron/store/runs')).toBeUndefined();
    expect(violation(root, 'build/build.mjs', 'esbuild')).toBeUndefined();
    expect(violation(root, 'bench/run.ts', '../renderer/src/App')).toBeUndefined();
  });

  it('lists every package a layer is given when it refuses one', () => {
    expect(violation(root, 'renderer/src/App.tsx', 'electron')).toBe(
      'renderer may not load the package "electron" (allowed: react, react-dom, zustand, zod)',
    );
  });
});
