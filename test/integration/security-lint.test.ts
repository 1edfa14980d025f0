/** The Electron security lint passes on our shell and really fails on an insecure one. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const script = join(root, 'build', 'electronegativity.mjs');

describe('electronegativity gate', () => {
  it('finds no high-severity issue in electron/', async () => {
    const { stdout } = await run(process.execPath, [script], { cwd: root, timeout: 120_000 });
    expect(stdout).toMatch(/0 high severity, 0 files not parsed/);
  });

  it('fails on a window with Node integration and no isolation', async () => {
    const failed = await run(
      process.execPath,
      [script, '--input', join(root, 'test', 'fixtures', 'insecure-electron')],
      {
        cwd: root,
        timeout: 120_000,
      },
    ).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toMatch(/NODE_INTEGRATION|CONTEXT_ISOLATION/);
  });
});
