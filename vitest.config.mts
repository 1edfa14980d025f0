import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // No test may scan the machine's real network; the lab's tests scan inside their own namespaces.
    env: { FSPBX_NAT_NO_SCAN: '1' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
          environment: 'node',
          // A hang guard, not a speed target: some unit tests run real sh and PostgreSQL on a loaded machine.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          // Real peers over real sockets: the browser host, the CLI, the site lab.
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
