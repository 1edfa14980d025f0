// A contract module measured on the contract's own unit tests (test/unit/contract), every mutant, the
// module-level ones too: `npm run mutate -- build/stryker.contract.mjs --mutate contract/secrets.ts`.
// With the whole unit suite (stryker.config.mjs) each module-level mutant of the contract reruns every test
// that loads it, an hour for contract/secrets.ts; here a few minutes.
import base from '../stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { ...base.vitest, configFile: 'build/vitest.mutate-contract.mts' },
  // Results measured on another test set must not be reused by a run of the main configuration.
  incrementalFile: base.incrementalFile.replace(/\.json$/, '-contract.json'),
};
