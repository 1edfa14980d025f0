import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // No test may scan the machine's real network; the lab's tests scan inside their own namespaces.
    env: { FSPBX_NAT_NO_SCAN: '1' },
    // The machines CI runs on have two cores, but a lab file spends most of its time waiting on real
    // timers (the router's one-minute revert job, FreeSWITCH's 10 s restart refusal, SIP probes):
    // three files at a time overlap those waits (measured: integration files sum to ~810 s on a quiet
    // machine), and every lab is isolated (its own namespaces, addresses and ports).
    maxWorkers: 3,
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
          // Files in parallel (maxWorkers above): their waits overlap without sharing anything.
          fileParallelism: true,
        },
      },
    ],
  },
});
