import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { signedInActor } from './actors.ts';
import { newActor, type Actor } from './browser.ts';
import type { DemoUser } from './demoUsers.ts';
import { huddleSite, startHuddleServer, type HuddleServer, type HuddleSite } from './huddleServer.ts';

export interface Scenario<S extends HuddleSite = HuddleSite> {
  /** The server the describe block's tests use (ready before its first test). */
  readonly server: S;
  /** A demo user in their own browser profile, signed in through the sign-in page at `startPath`. */
  signedIn(user: DemoUser, startPath?: string): Promise<Actor>;
  /** Someone in a fresh browser profile, not signed in. */
  visitor(name: string): Promise<Actor>;
}

/**
 * A server and Chromium for a describe block, and actors (each its own browser profile) that are
 * closed after every test. Call it at the top of the describe block. The server and Chromium are
 * the run's, shared with every other test file (each test makes its own boards and names), unless
 * `ownServer` asks for a server process of the block's own (to stop and start it, say).
 */
export function useScenario(): Scenario;
export function useScenario(options: {
  ownServer: true;
  /** More settings for the block's server, asked for when it starts (an SMTP server's address). */
  env?: () => Record<string, string>;
}): Scenario<HuddleServer>;
export function useScenario(
  options: { ownServer?: boolean; env?: () => Record<string, string> } = {},
): Scenario<HuddleSite> {
  let server: HuddleSite | undefined;
  let own: HuddleServer | undefined;
  let browser: Browser | undefined;
  const actors: Actor[] = [];
  const started = (): { server: HuddleSite; browser: Browser } => {
    if (!server || !browser) throw new Error('the scenario has not started: use it inside a test');
    return { server, browser };
  };
  const keep = (actor: Actor): Actor => {
    actors.push(actor);
    return actor;
  };

  beforeAll(async () => {
    const shared = inject('e2e');
    if (options.ownServer) server = own = await startHuddleServer({ env: options.env?.() });
    else server = huddleSite(() => shared.url, { kind: shared.databaseKind });
    browser = await chromium.connect(shared.browserEndpoint);
  });
  afterEach(async () => {
    await Promise.all(actors.splice(0).map((actor) => actor.close()));
  });
  afterAll(async () => {
    // Closes this file's connection to the shared Chromium, which carries on for the next file.
    await browser?.close();
    await own?.stop();
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
