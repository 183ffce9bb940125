import { defineConfig } from 'vitest/config';

// Two projects: fast unit and server tests (server, shared, client lib), and browser tests that build the client and drive Chromium.
export default defineConfig({
  test: {
    // Most tests wait on a server, a database or a browser rather than the CPU: three files at a time
    // (vitest's default is one fewer than the cores, one on a 2-core machine).
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['server/test/**/*.test.ts', 'shared/**/*.test.ts', 'client/src/**/*.test.ts'],
          globalSetup: ['server/test/support/globalSetup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['e2e/support/globalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One browser-test file at a time: they share one server and one Chromium, and on a
          // 2-core machine two at once take as long as one after the other, with more timing at stake.
          fileParallelism: false,
        },
      },
    ],
  },
});
