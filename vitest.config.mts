import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // No test may scan the machine's real network; the lab's tests scan inside their own namespaces.
    env: { FSPBX_NAT_NO_SCAN: '1' },
    // The machines CI runs on have two cores.
    maxWorkers: 2,
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
          // Hang guards, far above anything the product promises (a site phase in seconds, a PBX
          // command's own limit 30 s–3 min): a test that ends here hung, it was not merely slow
          // on a loaded machine. A lab's start-up (PostgreSQL initdb, sshd, the simulator) may take
          // minutes under a CPU hog.
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // Two files at a time: most of a lab file's time is spent waiting on real timers (FreeSWITCH's
          // restart refusal, the router's revert job, SIP probes), and every lab is isolated (its own
          // namespaces, addresses and ports), so two overlap their waits without sharing anything.
          fileParallelism: true,
        },
      },
    ],
  },
});
