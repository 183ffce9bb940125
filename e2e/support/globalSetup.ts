import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { prepareServerBundle } from '../../server/test/support/serverProcess.ts';
import { prepareTestTemplates } from '../../server/test/support/testDatabase.ts';
import { chromiumOptions } from './browser.ts';
import { buildClient } from './buildClient.ts';
import { startHuddleServer } from './huddleServer.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Huddle server and Chromium every browser-test file shares (`useScenario`). */
    e2e: { url: string; databaseKind: 'postgres' | 'pglite'; browserEndpoint: string };
  }
}

/**
 * Once per run: builds the client, so the browser tests always drive the current code; makes the
 * seeded database templates and the server bundle; starts one server and one Chromium that the test
 * files share (each test makes its own boards, and each person gets a fresh browser profile).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [removeTemplates, removeBundle] = await Promise.all([
    prepareTestTemplates(),
    prepareServerBundle(),
    buildClient(),
  ]);
  const removeBuilt = async () => {
    await removeBundle();
    await removeTemplates();
  };
  let server: Awaited<ReturnType<typeof startHuddleServer>> | undefined;
  try {
    server = await startHuddleServer();
    // Chromium missing or failing to start must not leave the server running after the run.
    const browser = await chromium.launchServer(chromiumOptions('headless-shell'));
    project.provide('e2e', {
      url: server.url,
      databaseKind: server.database.kind,
      browserEndpoint: browser.wsEndpoint(),
    });
    const started = server;
    return async () => {
      await browser.close();
      await started.stop();
      await removeBuilt();
    };
  } catch (error) {
    await server?.stop();
    await removeBuilt();
    throw error;
  }
}
