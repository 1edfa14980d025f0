// The unit tests written for the mutated modules, for Stryker (`npm run mutate`): the vitest runner
// has no project option, the integration project needs root, namespaces and minutes per file, and a
// mutant killed only by a test about something else (a React view using an IPv4 check) says little
// about the module's own tests. A new test for one of these modules goes in one of these folders.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    env: { FSPBX_NAT_NO_SCAN: '1' },
    include: [
      'test/unit/architecture/**/*.test.ts',
      'test/unit/bundle/**/*.test.ts',
      'test/unit/contract/**/*.test.ts',
      'test/unit/mndp/**/*.test.ts',
      'test/unit/pbx/**/*.test.ts',
      'test/unit/routeros/**/*.test.ts',
      'test/unit/site/**/*.test.ts',
      'test/unit/store/**/*.test.ts',
    ],
    // Real PostgreSQL per mutant (a cluster started and stopped each run) is minutes per mutant;
    // quote.test.ts holds the same literal rule without a server.
    exclude: ['test/unit/pbx/quote.postgres.test.ts', '**/node_modules/**'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
