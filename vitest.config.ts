import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that take long for their size (waiting on outages and restarts, or going through every view):
 * on a fresh clone vitest knows no durations and orders files by size, which would start these last.
 */
const SLOW_FILES = [
  'e2e/accessibility.test.ts',
  'e2e/meeting.test.ts',
  'server/test/crash.test.ts',
  'server/test/hostile/database.test.ts',
  'server/test/hostile/listen.test.ts',
  'server/test/storage/pgliteStorage.test.ts',
  'server/test/storage/postgresStorage.test.ts',
];

/**
 * Browser-test files and server-test files taken in turn, each kind longest first (the slow files
 * above, then by the last run's durations, or by size): a browser test keeps Chromium and the server
 * busy while a server test mostly waits on its own server process, its database or a timer, so the two
 * together keep both cores working, where the browser tests all at once would fight over them.
 */
class BrowserAndServerInTurn extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const slowFirst = (file: TestSpecification): number =>
      SLOW_FILES.some((name) => file.moduleId.endsWith(name)) ? 0 : 1;
    const sorted = (await super.sort(files)).sort((a, b) => slowFirst(a) - slowFirst(b));
    const browser = sorted.filter((file) => file.project.name === 'e2e');
    const server = sorted.filter((file) => file.project.name !== 'e2e');
    const inTurn: TestSpecification[] = [];
    for (let i = 0; i < Math.max(browser.length, server.length); i++) {
      if (browser[i]) inTurn.push(browser[i]!);
      if (server[i]) inTurn.push(server[i]!);
    }
    return inTurn;
  }
}

// Two projects: fast unit and server tests (server, shared, client lib), and browser tests that build
// the client and drive Chromium. They run together, in turn (see above).
export default defineConfig({
  test: {
    // Most tests wait on a server, a database or a browser rather than the CPU: three files at a time
    // (vitest's default is one fewer than the cores, one on a 2-core machine).
    maxWorkers: 3,
    // A worker keeps the modules it has loaded from one test file to the next rather than loading the
    // server, PGlite and Playwright again for each (a third of the suite's CPU went on that). Tests
    // share no state through modules: each starts its own servers, databases and browser profiles.
    isolate: false,
    sequence: { sequencer: BrowserAndServerInTurn },
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
        },
      },
    ],
  },
});
