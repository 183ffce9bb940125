import type { Browser } from 'playwright-core';
import { newActor, type Actor } from './browser.ts';
import type { DemoUser } from './demoUsers.ts';
import { SignInPage } from './pages/SignInPage.ts';

/**
 * A demo user in their own browser profile, signed in through the sign-in page: they open `path`,
 * are asked to sign in, and come back to `path` once they have.
 */
export async function signedInActor(
  browser: Browser,
  baseURL: string,
  user: DemoUser,
  path = '/',
): Promise<Actor> {
  const actor = await newActor(browser, baseURL, user.name);
  try {
    await actor.page.goto(path);
    await new SignInPage(actor.page).signInAs(user);
  } catch (error) {
    await actor.close();
    throw error;
  }
  return actor;
}
