/**
 * The direction of dependency is checked on the whole tree, with the table that
 * ESLint also reads (build/layers.mjs), and the web project is proven to refuse Node.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LAYERS, PURE_MODULES, layerOf, violation } from '../../../build/layers.mjs';

const root = join(__dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(e.name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

describe('the direction of dependency', () => {
  it('holds for every import in the project', () => {
    const folders = [...new Set(LAYERS.flatMap((l) => l.holds).map((h) => h.split('/').slice(0, 2).join('/')))];
    const files = [...new Set(folders.flatMap((f) => (f.endsWith('.ts') ? [f] : sourceFiles(f))))];
    expect(files.length).toBeGreaterThan(150);
    const broken = files.flatMap((file) =>
      importsOf(file)
        .map((spec) => violation(root, file, spec))
        .filter((why): why is string => why !== undefined),
    );
    expect(broken).toEqual([]);
  });

  it('refuses an import against the direction, and a package the contract may not load', () => {
    expect(violation(root, 'electron/pbx/plan/plan.ts', '../../site/run')).toMatch(/domain .* may not import site/);
    expect(violation(root, 'contract/types.ts', '../electron/store')).toMatch(/contract .* may not import domain/);
    expect(violation(root, 'renderer/src/App.tsx', '../../electron/api/dispatcher')).toMatch(/renderer/);
    expect(violation(root, 'test/lab/router.ts', '../../electron/mndp/codec')).toMatch(/lab .* may not import/);
    expect(violation(root, 'contract/schemas.ts', 'node:fs')).toMatch(/may not load the package/);
    expect(violation(root, 'electron/site/run.ts', '../pbx/plan/plan')).toBeUndefined();
    expect(violation(root, 'electron/cli/main.ts', '../host/server')).toBeUndefined();
    expect(layerOf('electron/main.ts')?.name).toBe('shell');
  });
});

describe('the rooms of pbx/', () => {
  it('run model → parse → plan → restore → script → session → read, apply, and no import points back', () => {
    expect(violation(root, 'electron/pbx/plan/plan.ts', '../model/state')).toBeUndefined();
    expect(violation(root, 'electron/pbx/read/reader.ts', '../session/ssh')).toBeUndefined();
    expect(violation(root, 'electron/pbx/engine.ts', './apply/apply')).toBeUndefined();
    expect(violation(root, 'electron/pbx/plan/plan.ts', '../session/ssh')).toMatch(/rooms run model → parse → plan/);
    expect(violation(root, 'electron/pbx/model/state.ts', '../plan/plan')).toMatch(
      /may not import electron\/pbx\/plan\/plan.ts/,
    );
    // Siblings on one rung know nothing of each other: the reader is not the applier.
    expect(violation(root, 'electron/pbx/read/reader.ts', '../apply/apply')).toMatch(
      /an import points only to an earlier one/,
    );
    expect(violation(root, 'electron/pbx/session/ssh.ts', '../engine')).toMatch(
      /may not import electron\/pbx\/engine.ts/,
    );
    expect(violation(root, 'electron/pbx/attic/old.ts', '../model/state')).toMatch(
      /a room build\/layers.mjs ROOMS does not list/,
    );
  });
});

describe('every source file has a place', () => {
  it('lies in a layer: a new folder under electron/, contract/ or renderer/src must be given one', () => {
    const files = ['electron', 'contract', 'renderer/src', 'test/lab'].flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(150);
    expect(files.filter((f) => layerOf(f) === undefined)).toEqual([]);
    // The check itself: a file in a folder no layer holds is found.
    expect(layerOf('electron/sip/parse.ts')).toBeUndefined();
  });

  it('lists only pure modules that exist', () => {
    const missing = PURE_MODULES.filter((f) => !sourceFiles(f.split('/').slice(0, 2).join('/')).includes(f));
    expect(missing).toEqual([]);
  });
});

describe('inside the domains', () => {
  it('imports run bundle → store → routeros, pbx → lan, mndp, probe, app, never back', () => {
    expect(violation(root, 'electron/bundle/pack.ts', '../store')).toBeUndefined();
    expect(violation(root, 'electron/store/box.ts', '../routeros/state')).toBeUndefined();
    expect(violation(root, 'electron/routeros/plan.ts', '../lan/ipv4')).toBeUndefined();
    expect(violation(root, 'electron/store/runs.ts', '../bundle/pack')).toMatch(
      /electron\/store may not import electron\/bundle/,
    );
    expect(violation(root, 'electron/routeros/plan.ts', '../pbx/plan/plan')).toMatch(
      /routeros may not import electron\/pbx/,
    );
    expect(violation(root, 'electron/pbx/plan/plan.ts', '../../routeros/plan')).toMatch(
      /pbx may not import electron\/routeros/,
    );
    expect(violation(root, 'electron/lan/index.ts', '../mndp/codec')).toMatch(/lan may not import/);
  });

  it('keeps planners pure: a pure module may import the contract, zod and other pure modules only', () => {
    expect(violation(root, 'electron/routeros/plan.ts', './desired')).toBeUndefined();
    expect(violation(root, 'electron/routeros/plan.ts', '../../contract/errors')).toBeUndefined();
    expect(violation(root, 'electron/pbx/plan/plan.ts', 'zod')).toBeUndefined();
    expect(violation(root, 'electron/routeros/plan.ts', 'node:fs')).toMatch(/pure module and may not load "node:fs"/);
    expect(violation(root, 'electron/pbx/plan/plan.ts', 'ssh2')).toMatch(/pure module/);
    expect(violation(root, 'electron/routeros/plan.ts', './connection')).toMatch(
      /may not import electron\/routeros\/connection.ts/,
    );
    expect(violation(root, 'electron/site/checks/pbx.ts', '../../pbx/session/batch')).toMatch(/pure module/);
    // An adapter may import a planner: purity binds the planner, not its callers.
    expect(violation(root, 'electron/routeros/engine.ts', './plan')).toBeUndefined();
  });
});

describe('the web project (renderer and contract)', () => {
  it('has no Node globals: process and Buffer do not compile there', () => {
    const config = ts.readConfigFile(join(root, 'tsconfig.web.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const probe = join(root, 'renderer/src/__node-probe__.ts');
    const text = 'export const a = process.env.HOME; export const b = Buffer.from("x");\n';
    const host = ts.createCompilerHost(parsed.options);
    const readFile = host.readFile.bind(host);
    host.readFile = (f) => (f === probe ? text : readFile(f));
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (f) => f === probe || fileExists(f);
    const program = ts.createProgram([probe], parsed.options, host);
    const messages = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName === probe)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(messages.join('\n')).toMatch(/Cannot find name 'process'/);
    expect(messages.join('\n')).toMatch(/Cannot find name 'Buffer'/);
    expect(relative(root, probe)).toBe('renderer/src/__node-probe__.ts');
  });
});
