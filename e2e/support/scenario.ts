import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { signedInActor } from './actors.ts';
import { launchChromium, newActor, type Actor } from './browser.ts';
import type { DemoUser } from './demoUsers.ts';
import { startHuddleServer, type HuddleServer } from './huddleServer.ts';

export interface Scenario {
  /** The server process the describe block shares (started before its first test). */
  readonly server: HuddleServer;
  /** A demo user in their own browser profile, signed in through the sign-in page at `startPath`. */
  signedIn(user: DemoUser, startPath?: string): Promise<Actor>;
  /** Someone in a fresh browser profile, not signed in. */
  visitor(name: string): Promise<Actor>;
}

/**
 * One real server and one Chromium for a describe block, and actors (each its own browser profile)
 * that are closed after every test. Call it at the top of the describe block.
 */
export function useScenario(): Scenario {
  let server: HuddleServer | undefined;
  let browser: Browser | undefined;
  const actors: Actor[] = [];
  const started = (): { server: HuddleServer; browser: Browser } => {
    if (!server || !browser) throw new Error('the scenario has not started: use it inside a test');
    return { server, browser };
  };
  const keep = (actor: Actor): Actor => {
    actors.push(actor);
    return actor;
  };

  beforeAll(async () => {
    server = await startHuddleServer();
    browser = await launchChromium();
  });
  afterEach(async () => {
    await Promise.all(actors.splice(0).map((actor) => actor.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  return {
    get server() {
      return started().server;
    },
    async signedIn(user, startPath = '/') {
      const { server, browser } = started();
      return keep(await signedInActor(browser, server.url, user, startPath));
    },
    async visitor(name) {
      const { server, browser } = started();
      return keep(await newActor(browser, server.url, name));
    },
  };
}

/** Polls a locator's trimmed text (for `expect.poll`). */
export const textOf = (locator: { textContent(): Promise<string | null> }) => async () =>
  (await locator.textContent())?.trim();
