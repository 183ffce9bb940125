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
  const server = await startHuddleServer();
  const browser = await chromium.launchServer(chromiumOptions());
  project.provide('e2e', {
    url: server.url,
    databaseKind: server.database.kind,
    browserEndpoint: browser.wsEndpoint(),
  });
  return async () => {
    await browser.close();
    await server.stop();
    await removeBundle();
    await removeTemplates();
  };
}
