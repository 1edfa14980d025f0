// Mutation testing of the safety-critical modules (`npm run mutate`; README "Mutation testing").
// Slow (minutes per module on two cores), so never part of `npm test` or CI. Incremental: a rerun
// tests only mutants whose code or tests changed since reports/stryker-incremental.json.
// One module: `npm run mutate -- --mutate electron/mndp/codec.ts`.
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

// `STRYKER_RUN=<name>` gives a run its own sandbox, incremental file and report, so two runs on
// different modules can go side by side without overwriting each other's files.
const run = process.env.STRYKER_RUN ? `-${process.env.STRYKER_RUN.replace(/[^\w-]/g, '')}` : '';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'build/vitest.mutate.mts', related: true },
  mutate: [
    'electron/mndp/codec.ts',
    'electron/routeros/api/wire.ts',
    'electron/pbx/plan/vars-xml.ts',
    'electron/site/checks/*.ts',
    'build/layers.mjs',
    'electron/bundle/files.ts',
    'electron/bundle/pack.ts',
    'electron/bundle/signing.ts',
    'contract/ipv4.ts',
    'contract/text.ts',
    'contract/schemas.ts',
    'contract/peer-address.ts',
    'contract/secrets.ts',
    'electron/routeros/revert.ts',
    'electron/routeros/revert-chunks.ts',
    'electron/routeros/restore.ts',
    'electron/pbx/script/quote.ts',
    'electron/routeros/desired.ts',
    'electron/store/schemas.ts',
    'electron/bundle/unzip.ts',
    'electron/routeros/firewall.ts',
    'electron/routeros/plan.ts',
    'electron/routeros/confirm.ts',
    'electron/routeros/confirm-answers.ts',
    'electron/pbx/plan/*.ts',
    'electron/pbx/parse/fs-cli-output.ts',
    'electron/pbx/parse/scrub.ts',
    'electron/pbx/parse/gateways.ts',
    'electron/pbx/model/secret-vars.ts',
  ],
  coverageAnalysis: 'perTest',
  // One worker: the CI machines and the shared development box have two cores, and one Vitest
  // runner with its transform keeps both busy. `npm run mutate -- --concurrency 2` on a quiet machine.
  concurrency: 1,
  timeoutMS: 15_000,
  incremental: true,
  incrementalFile: `reports/stryker-incremental${run}.json`,
  // Outside the tree, so ESLint, Prettier and tsc never walk a sandbox; one folder per user.
  tempDirName: join(tmpdir(), `fspbx-nat-stryker-${userInfo().username}${run}`),
  cleanTempDir: 'always',
  ignorePatterns: ['dist', 'release', 'test-results', 'playwright-report', 'docs', '.lab-state', 'bench/results'],
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/mutation${run}.json` },
  clearTextReporter: { allowColor: false, logTests: false },
  thresholds: { high: 90, low: 85, break: null },
};
