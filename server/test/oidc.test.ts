import { sql } from 'kysely';
import { describe, expect, test } from 'vitest';
import type { CurrentUser } from '#shared/auth';
import { OidcMessages } from '../src/auth/oidc/accounts.ts';
import {
  OIDC_CALLBACK_PATH,
  OIDC_START_PATH,
  loadOidcConfig,
  type OidcConfig,
} from '../src/auth/oidc/config.ts';
import { safeReturnTo } from '../src/auth/oidc/routes.ts';
import { api, DEMO } from './support/auth.ts';
import { testDb } from './support/boards.ts';
import { freePort, SignOnBrowser, startOidcProvider, type AccountClaims } from './support/oidcProvider.ts';
import { startTestServer } from './support/server.ts';

/** The provider's accounts, by the login name typed on its sign-in page. */
const ACCOUNTS: Record<string, AccountClaims> = {
  // Mixed case: Huddle matches email addresses in lower case.
  grace: { email: 'Grace.Okafor@Riverside-Community.example', email_verified: true, name: 'Grace Okafor' },
  helen: { email: DEMO.viewer, email_verified: true, name: 'Helen Ward' },
  newcomer: { email: 'sam.newton@riverside-hospital.example', email_verified: true, name: 'Sam Newton' },
  unverified: { email: 'not.checked@example.org', email_verified: false, name: 'Not Checked' },
};

const signInError = (landedOn: string) => {
  const url = new URL(landedOn, 'http://huddle.invalid');
  expect(url.pathname).toBe('/sign-in');
  return url.searchParams.get('error');
};

/**
 * Huddle with single sign-on through a real provider. Huddle's port is chosen first, because the
 * provider must know the callback address of its client and Huddle its own redirect URI.
 */
async function startWithSignOn(
  options: { provision?: boolean; providerPort?: number; claimsInIdToken?: boolean } = {},
) {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}${OIDC_CALLBACK_PATH}`;
  const providerPort = options.providerPort ?? (await freePort());
  const oidc: OidcConfig = {
    issuer: `http://127.0.0.1:${providerPort}`,
    clientId: 'huddle',
    clientSecret: 'huddle-test-secret',
    redirectUri,
    label: 'Test single sign-on',
    provision: options.provision ?? true,
  };
  const startProvider = () =>
    startOidcProvider({
      client: oidc,
      accounts: ACCOUNTS,
      port: providerPort,
      claimsInIdToken: options.claimsInIdToken,
    });
  const provider = options.providerPort === undefined ? await startProvider() : null;
  const server = await startTestServer({ db: await testDb(), port, oidc });
  const session = async (cookie: string | null) =>
    api<CurrentUser>(server.url, 'GET', '/api/auth/session', { cookie: cookie ?? undefined });
  return { server, provider, startProvider, browser: new SignOnBrowser(server.url), session };
}

describe('single sign-on through OpenID Connect', () => {
  test('an existing user is matched by email and signed in to their own account', async () => {
    const { server, provider, browser, session } = await startWithSignOn();
    const grace = await server.database.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', DEMO.member)
      .executeTakeFirstOrThrow();
    const usersBefore = await server.database.db.selectFrom('users').select('id').execute();

    const result = await browser.signOn('grace', {
      startPath: `${OIDC_START_PATH}?returnTo=${encodeURIComponent('/boards/riverside-frailty-mdt?view=actions')}`,
    });

    expect(result.landedOn).toBe('/boards/riverside-frailty-mdt?view=actions');
    expect(result.sessionCookie).not.toBeNull();
    const me = await session(result.sessionCookie);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: grace.id, email: DEMO.member, name: grace.name });
    expect(me.body.teams.map((t) => t.id)).toContain('riverside-frailty-team');
    expect(await server.database.db.selectFrom('users').select('id').execute()).toHaveLength(
      usersBefore.length,
    );
    // The handshake is used up.
    expect(await server.database.db.selectFrom('oidc_logins').selectAll().execute()).toEqual([]);
    // This provider gives email and name only at the userinfo endpoint.
    expect(provider!.requests).toContain('/me');
  });

  test('email and name in the ID token are used without asking the userinfo endpoint', async () => {
    const { provider, browser, session } = await startWithSignOn({ claimsInIdToken: true });

    const result = await browser.signOn('newcomer');

    expect((await session(result.sessionCookie)).body).toMatchObject({
      email: 'sam.newton@riverside-hospital.example',
      name: 'Sam Newton',
    });
    expect(provider!.requests).toContain('/token');
    expect(provider!.requests).not.toContain('/me');
  });

  test('someone without an account gets one on first sign-in, and the same one next time', async () => {
    const { server, browser, session } = await startWithSignOn();

    // A returnTo that leads off the site is replaced by the home page.
    const first = await browser.signOn('newcomer', {
      startPath: `${OIDC_START_PATH}?returnTo=${encodeURIComponent('//evil.example/boards')}`,
    });

    expect(first.landedOn).toBe('/');
    const me = await session(first.sessionCookie);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      email: 'sam.newton@riverside-hospital.example',
      name: 'Sam Newton',
      profession: 'Not set',
      organisation: null,
      role: null,
      mustChangePassword: false,
      teams: [],
    });
    const row = await server.database.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', me.body.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ password_hash: null, active: true, organisation_id: null });

    const again = await new SignOnBrowser(server.url).signOn('newcomer');
    expect((await session(again.sessionCookie)).body.id).toBe(me.body.id);
  });

  test('with provisioning off, someone without an account is sent back to sign in', async () => {
    const { server, browser } = await startWithSignOn({ provision: false });

    const result = await browser.signOn('newcomer');

    expect(signInError(result.landedOn)).toBe(
      OidcMessages.noAccount('sam.newton@riverside-hospital.example'),
    );
    expect(result.sessionCookie).toBeNull();
    const created = await server.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'sam.newton@riverside-hospital.example')
      .execute();
    expect(created).toEqual([]);
  });

  test('a deactivated user is refused', async () => {
    const { server, browser } = await startWithSignOn();
    await server.database.db
      .updateTable('users')
      .set({ active: false })
      .where('email', '=', DEMO.viewer)
      .execute();

    const result = await browser.signOn('helen');

    expect(signInError(result.landedOn)).toBe('Your account has been switched off. Ask an admin.');
    expect(result.sessionCookie).toBeNull();
  });

  test('an email address the provider has not verified is refused', async () => {
    const { browser } = await startWithSignOn();

    const result = await browser.signOn('unverified');

    expect(signInError(result.landedOn)).toBe(OidcMessages.emailNotVerified);
    expect(result.sessionCookie).toBeNull();
  });

  test('a forged state, and a callback used a second time, are refused', async () => {
    const { server, browser } = await startWithSignOn();

    const forged = await fetch(`${server.url}${OIDC_CALLBACK_PATH}?code=made-up&state=made-up`, {
      redirect: 'manual',
    });
    expect(forged.status).toBe(302);
    expect(signInError(forged.headers.get('location')!)).toBe(OidcMessages.notFinished);
    expect(forged.headers.getSetCookie()).toEqual([]);

    const result = await browser.signOn('grace');
    expect(result.sessionCookie).not.toBeNull();
    const callback = browser.history.find((url) => url.includes(OIDC_CALLBACK_PATH))!;
    const replayed = await fetch(callback, { redirect: 'manual' });
    expect(signInError(replayed.headers.get('location')!)).toBe(OidcMessages.notFinished);
    expect(replayed.headers.getSetCookie()).toEqual([]);
  });

  test('a sign-on that took more than ten minutes is refused, and the person keeps their place', async () => {
    const { server, browser } = await startWithSignOn();

    const result = await browser.signOn('grace', {
      startPath: `${OIDC_START_PATH}?returnTo=/boards/riverside-frailty-mdt`,
      beforeCallback: async () => {
        await sql`update oidc_logins set created_at = now() - interval '11 minutes'`.execute(
          server.database.db,
        );
      },
    });

    const landed = new URL(result.landedOn, 'http://huddle.invalid');
    expect(signInError(result.landedOn)).toBe(OidcMessages.expired);
    expect(landed.searchParams.get('returnTo')).toBe('/boards/riverside-frailty-mdt');
    expect(result.sessionCookie).toBeNull();
  });

  test('Huddle starts while the provider is down, and signs people in once it is up', async () => {
    const providerPort = await freePort();
    const { browser, startProvider, session, server } = await startWithSignOn({ providerPort });
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);

    const down = await browser.signOn('grace');
    expect(signInError(down.landedOn)).toBe(OidcMessages.unavailable);

    await startProvider();
    const up = await browser.signOn('grace');
    expect(up.landedOn).toBe('/');
    expect((await session(up.sessionCookie)).body.email).toBe(DEMO.member);
  });
});

describe('single sign-on configuration', () => {
  const complete = {
    OIDC_ISSUER: 'https://sso.example.nhs.uk/realms/staff',
    OIDC_CLIENT_ID: 'huddle',
    OIDC_CLIENT_SECRET: 's3cret',
    PUBLIC_URL: 'https://huddle.example.nhs.uk',
  };

  test('is off without OIDC_ variables', () => {
    expect(loadOidcConfig({ PUBLIC_URL: 'https://huddle.example.nhs.uk' })).toBeNull();
  });

  test('defaults the redirect URI from PUBLIC_URL, the label, and provisioning on', () => {
    expect(loadOidcConfig(complete)).toEqual({
      issuer: 'https://sso.example.nhs.uk/realms/staff',
      clientId: 'huddle',
      clientSecret: 's3cret',
      redirectUri: 'https://huddle.example.nhs.uk/api/auth/oidc/callback',
      label: 'NHS single sign-on',
      provision: true,
    });
    expect(
      loadOidcConfig({
        ...complete,
        OIDC_REDIRECT_URI: 'https://huddle.example.nhs.uk/api/auth/oidc/callback',
        OIDC_LABEL: 'NHS Care Identity',
        OIDC_PROVISION: 'false',
      }),
    ).toMatchObject({ label: 'NHS Care Identity', provision: false });
    // A provider on this machine (development) may use http.
    expect(loadOidcConfig({ ...complete, OIDC_ISSUER: 'http://localhost:8080/realms/dev' })?.issuer).toBe(
      'http://localhost:8080/realms/dev',
    );
  });

  test('partly set is a startup error naming what is missing', () => {
    expect(() => loadOidcConfig({ OIDC_ISSUER: complete.OIDC_ISSUER })).toThrow(
      'set OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI (or PUBLIC_URL) as well',
    );
    expect(() => loadOidcConfig({ ...complete, OIDC_PROVISION: 'maybe' })).toThrow(
      'OIDC_PROVISION must be true or false',
    );
    expect(() => loadOidcConfig({ ...complete, OIDC_ISSUER: 'http://sso.example.nhs.uk' })).toThrow(
      'OIDC_ISSUER must be an https address',
    );
  });

  test('returnTo is a path on this site, or the home page', () => {
    expect(safeReturnTo('/boards/x?view=actions#top')).toBe('/boards/x?view=actions#top');
    for (const unsafe of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example/',
      'boards',
      '/api/auth/oidc/start',
      '/a\nb',
      undefined,
    ]) {
      expect(safeReturnTo(unsafe), String(unsafe)).toBe('/');
    }
  });
});
