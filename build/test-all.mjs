// `npm test`: every check CI runs, in the order that fails fastest, then one
// closing line with the counts. Each step's own output is shown as it runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const reports = mkdtempSync(join(tmpdir(), 'fspbx-test-'));
const bin = (name) => join(root, 'node_modules', '.bin', name);

const steps = [
  { name: 'typecheck', cmd: ['npm', 'run', '-s', 'typecheck'] },
  { name: 'eslint', cmd: [bin('eslint'), '.'] },
  { name: 'prettier', cmd: [bin('prettier'), '--check', '.'] },
  { name: 'electronegativity', cmd: [process.execPath, 'build/electronegativity.mjs'] },
  { name: 'build', cmd: [process.execPath, 'build/build.mjs', '--quiet'] },
  {
    name: 'vitest',
    cmd: [
      bin('vitest'),
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${join(reports, 'vitest.json')}`,
    ],
  },
  {
    name: 'playwright',
    cmd: [bin('playwright'), 'test', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: join(reports, 'playwright.json') },
  },
];

const counts = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

for (const step of steps) {
  const started = Date.now();
  console.log(`\n=== ${step.name} ===`);
  const result = spawnSync(step.cmd[0], step.cmd.slice(1), {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: '0', ...step.env },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) failedSteps.push(step.name);
  console.log(
    `--- ${step.name}: ${result.status === 0 ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds}s`,
  );
  // A check that cannot even start makes the rest meaningless.
  if (result.status !== 0 && ['typecheck', 'build'].includes(step.name)) break;
}

const vitest = readJson(join(reports, 'vitest.json'));
if (vitest) {
  counts.passed += vitest.numPassedTests;
  counts.failed += vitest.numFailedTests;
  counts.skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
}
const playwright = readJson(join(reports, 'playwright.json'));
if (playwright?.stats) {
  counts.passed += playwright.stats.expected + playwright.stats.flaky;
  counts.failed += playwright.stats.unexpected;
  counts.skipped += playwright.stats.skipped;
}
rmSync(reports, { recursive: true, force: true });

const nonTestFailures = failedSteps.filter((s) => s !== 'vitest' && s !== 'playwright');
console.log(`\nsteps failed: ${failedSteps.length === 0 ? 'none' : failedSteps.join(', ')}`);
// A failed lint or build counts as a failure in the closing line too.
console.log(
  `tests: ${counts.passed} passed, ${counts.failed + nonTestFailures.length} failed, ${counts.skipped} skipped`,
);
process.exit(failedSteps.length === 0 ? 0 : 1);
