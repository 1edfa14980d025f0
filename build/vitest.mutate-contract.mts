// The contract's own unit tests, for Stryker on a contract module (build/stryker.contract.mjs): a module-level
// ("static") mutant of the contract reruns these few dozen tests instead of every unit test that loads it.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    env: { FSPBX_NAT_NO_SCAN: '1' },
    include: ['test/unit/contract/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
