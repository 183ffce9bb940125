import type { Browser } from 'playwright-core';
import { newActor, type Actor } from './browser.ts';
import { DEMO_PASSWORD, type DemoUser } from './demoUsers.ts';

/**
 * Signs in over the REST API as the sign-in page does, and returns the cookies it sets (the
 * session, and the device that has now signed in), as `name=value` pairs.
 */
async function signInCookies(baseURL: string, user: DemoUser): Promise<{ name: string; value: string }[]> {
  const response = await fetch(`${baseURL}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: baseURL },
    body: JSON.stringify({ email: user.email, password: DEMO_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`signing in as ${user.email} answered ${response.status}`);
  return response.headers.getSetCookie().map((header) => {
    const pair = header.split(';')[0]!;
    const equals = pair.indexOf('=');
    return { name: pair.slice(0, equals), value: pair.slice(equals + 1) };
  });
}

/**
 * A demo user in their own browser profile, signed in: the profile holds the cookies a sign-in
 * sets (the sign-in page itself has tests of its own), and its page opens `path` once the app shows
 * who is signed in.
 */
export async function signedInActor(
  browser: Browser,
  baseURL: string,
  user: DemoUser,
  path = '/',
): Promise<Actor> {
  const [actor, cookies] = await Promise.all([
    newActor(browser, baseURL, user.name),
    signInCookies(baseURL, user),
  ]);
  try {
    await actor.context.addCookies(
      cookies.map((cookie) => ({ ...cookie, url: baseURL, httpOnly: true, sameSite: 'Lax' as const })),
    );
    await actor.page.goto(path);
    await actor.page.getByTestId('signed-in-user').filter({ hasText: user.name }).waitFor();
  } catch (error) {
    await actor.close();
    throw error;
  }
  return actor;
}
