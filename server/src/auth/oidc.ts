import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Selectable } from 'kysely';
import * as client from 'openid-client';
import { RETURN_TO_PARAM, SIGN_IN_ERROR_PARAM } from '#shared/auth';
import { email as emailSchema } from '#shared/fields';
import { NAME_MAX } from '#shared/fields';
import type { RouteDeps } from '../http/deps.ts';
import type { OidcLoginsTable, UserRow } from '../db/schema.ts';

/** Single sign-on through an OpenID Connect provider, configured from the environment. */
export interface OidcConfig {
  /** The provider's issuer URL (discovery at `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends people back: `<public URL>/api/auth/oidc/callback`. */
  redirectUri: string;
  /** The button reads `Sign in with <label>`. */
  label: string;
  /** Create a Huddle account on first sign-in for an email address no account has; else refuse it. */
  provision: boolean;
}

export const OIDC_START_PATH = '/api/auth/oidc/start';
export const OIDC_CALLBACK_PATH = '/api/auth/oidc/callback';
export const OIDC_SCOPE = 'openid email profile';
/** A sign-on that takes longer than this between leaving Huddle and coming back is refused. */
export const OIDC_LOGIN_TTL_MS = 10 * 60_000;
/** How long a request to the provider (discovery, token, userinfo) may take before Huddle gives up. */
const PROVIDER_TIMEOUT_SECONDS = 10;

const DEFAULT_LABEL = 'NHS single sign-on';
const REQUIRED = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;
const OPTIONAL = ['OIDC_REDIRECT_URI', 'OIDC_LABEL', 'OIDC_PROVISION'] as const;

/** What people read on the sign-in page when single sign-on does not sign them in. */
export const OidcMessages = {
  notFinished: 'Single sign-on did not finish. Try again.',
  expired: 'Single sign-on took too long to finish. Try again.',
  unavailable:
    'Single sign-on is not working at the moment. Try again in a few minutes, or sign in with your email address and password.',
  noEmail:
    'Your single sign-on account did not give Huddle an email address, so Huddle cannot tell who you are. Ask an admin.',
  emailNotVerified:
    'Your single sign-on service has not confirmed your email address, so Huddle cannot use it. Ask an admin.',
  deactivated: 'Your account has been switched off. Ask an admin.',
  noAccount: (email: string) => `There is no Huddle account for ${email}. Ask an admin to add you.`,
} as const;

/** An http issuer is accepted only on this machine (development and tests); elsewhere it must be https. */
function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

function httpUrl(name: string, raw: string, options: { httpsUnlessLoopback: boolean }): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be an address like https://sso.example.nhs.uk, got "${raw}"`);
  }
  const https = url.protocol === 'https:';
  const http = url.protocol === 'http:';
  if (!https && !(http && (!options.httpsUnlessLoopback || isLoopback(url)))) {
    throw new Error(
      options.httpsUnlessLoopback
        ? `${name} must be an https address (http only for localhost), got "${raw}"`
        : `${name} must be an http or https address, got "${raw}"`,
    );
  }
  return url;
}

function booleanFromEnv(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

/**
 * Reads OIDC_* variables; null when single sign-on is not configured. Setting some of them but not
 * all that are needed is a startup error that names the missing ones.
 */
export function loadOidcConfig(env: NodeJS.ProcessEnv): OidcConfig | null {
  const value = (name: string) => env[name]?.trim() || undefined;
  if ([...REQUIRED, ...OPTIONAL].every((name) => value(name) === undefined)) return null;

  const publicUrl = value('PUBLIC_URL');
  const missing: string[] = REQUIRED.filter((name) => value(name) === undefined);
  if (!value('OIDC_REDIRECT_URI') && !publicUrl) missing.push('OIDC_REDIRECT_URI (or PUBLIC_URL)');
  if (missing.length > 0) {
    throw new Error(
      `Single sign-on is only partly configured: set ${missing.join(', ')} as well, or unset every OIDC_ variable`,
    );
  }

  const issuer = httpUrl('OIDC_ISSUER', value('OIDC_ISSUER')!, { httpsUnlessLoopback: true });
  const redirectUri = value('OIDC_REDIRECT_URI')
    ? httpUrl('OIDC_REDIRECT_URI', value('OIDC_REDIRECT_URI')!, { httpsUnlessLoopback: false })
    : new URL(OIDC_CALLBACK_PATH, httpUrl('PUBLIC_URL', publicUrl!, { httpsUnlessLoopback: false }));
  if (redirectUri.search || redirectUri.hash) {
    throw new Error(`OIDC_REDIRECT_URI must not have a query or fragment, got "${redirectUri.href}"`);
  }

  return {
    issuer: issuer.href,
    clientId: value('OIDC_CLIENT_ID')!,
    clientSecret: value('OIDC_CLIENT_SECRET')!,
    redirectUri: redirectUri.href,
    label: value('OIDC_LABEL') ?? DEFAULT_LABEL,
    provision: booleanFromEnv('OIDC_PROVISION', value('OIDC_PROVISION'), true),
  };
}

/**
 * Where to go after signing in: only a path on this site. It must start with one `/` (not `//` or
 * `/\`, which browsers read as another host), hold no control characters, and not be an API call.
 */
export function safeReturnTo(value: unknown): string {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first !== 'string' || first.length > 2000) return '/';
  if (!first.startsWith('/') || first.startsWith('//') || first.startsWith('/\\')) return '/';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(first)) return '/';
  const base = 'http://huddle.invalid';
  const url = new URL(first, base);
  if (url.origin !== base || url.pathname.startsWith('/api/')) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * The provider's metadata, fetched on first use rather than at startup, so Huddle starts (and
 * password sign-in works) while the provider is unreachable. A failed discovery is tried again
 * next time.
 */
export function lazyDiscovery(config: OidcConfig): () => Promise<client.Configuration> {
  let discovered: Promise<client.Configuration> | null = null;
  const issuer = new URL(config.issuer);
  return () => {
    discovered ??= client
      .discovery(issuer, config.clientId, undefined, client.ClientSecretBasic(config.clientSecret), {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        // Only reachable for a loopback issuer: loadOidcConfig refuses http anywhere else.
        execute: issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        discovered = null;
        throw error;
      });
    return discovered;
  };
}

/** A sign-on that ends on the sign-in page with a message for the person, and a reason in the log. */
class SignOnRefused extends Error {
  constructor(
    readonly userMessage: string,
    readonly reason: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(reason);
  }
}

/** Who the provider says signed in. */
export interface OidcIdentity {
  subject: string;
  email: string;
  name: string;
}

type Claims = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

function displayName(claims: Claims, email: string): string {
  const given = text(claims.given_name);
  const family = text(claims.family_name);
  const name =
    text(claims.name) ?? (given || family ? [given, family].filter(Boolean).join(' ') : email.split('@')[0]!);
  return name.slice(0, NAME_MAX);
}

/** The email (verified unless the provider does not say) and name from ID token or userinfo claims. */
export function identityFrom(subject: string, claims: Claims): OidcIdentity {
  const parsed = emailSchema.safeParse(claims.email);
  if (!parsed.success) {
    throw new SignOnRefused(OidcMessages.noEmail, 'no usable email claim', { subject, email: claims.email });
  }
  if (claims.email_verified === false || claims.email_verified === 'false') {
    throw new SignOnRefused(OidcMessages.emailNotVerified, 'email not verified', {
      subject,
      email: parsed.data,
    });
  }
  return { subject, email: parsed.data, name: displayName(claims, parsed.data) };
}

/**
 * The Huddle account for someone the provider has signed in: matched by email; created (no
 * organisation, role or teams) when unknown and provisioning is on; otherwise refused.
 */
export async function accountFor(
  deps: Pick<RouteDeps, 'db' | 'users'>,
  identity: OidcIdentity,
  provision: boolean,
): Promise<{ user: UserRow; created: boolean }> {
  const existing = await deps.users.findByEmail(identity.email);
  if (existing) {
    if (!existing.active) {
      throw new SignOnRefused(OidcMessages.deactivated, 'account deactivated', { userId: existing.id });
    }
    return { user: existing, created: false };
  }
  if (!provision) {
    throw new SignOnRefused(OidcMessages.noAccount(identity.email), 'no account and provisioning is off', {
      email: identity.email,
    });
  }
  const inserted = await deps.db
    .insertInto('users')
    .values({
      id: randomUUID(),
      name: identity.name,
      email: identity.email,
      profession: 'Not set',
      organisation_id: null,
      role: null,
      password_hash: null,
      must_change_password: false,
    })
    // Two first sign-ins at once: the second uses the account the first created.
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { user: inserted, created: true };
  return accountFor(deps, identity, false);
}

function signInPage(message: string, returnTo: string): string {
  const query = new URLSearchParams({ [SIGN_IN_ERROR_PARAM]: message });
  if (returnTo !== '/') query.set(RETURN_TO_PARAM, returnTo);
  return `/sign-in?${query}`;
}

function queryOf(request: FastifyRequest): URLSearchParams {
  const index = request.url.indexOf('?');
  return new URLSearchParams(index === -1 ? '' : request.url.slice(index + 1));
}

/** Registers `/api/auth/oidc/start` and `/api/auth/oidc/callback`. */
export function registerOidcRoutes(app: FastifyInstance, deps: RouteDeps, config: OidcConfig): void {
  const { db } = deps;
  const discover = lazyDiscovery(config);

  const redirect = (reply: FastifyReply, location: string) =>
    reply.header('cache-control', 'no-store').redirect(location, 302);

  app.get(OIDC_START_PATH, { config: { auth: 'public' } }, async (request, reply) => {
    const returnTo = safeReturnTo(queryOf(request).get(RETURN_TO_PARAM));
    let provider: client.Configuration;
    try {
      provider = await discover();
    } catch (error) {
      request.log.error({ err: error, issuer: config.issuer }, 'single sign-on: discovery failed');
      return redirect(reply, signInPage(OidcMessages.unavailable, returnTo));
    }
    const state = client.randomState();
    const nonce = client.randomNonce();
    const codeVerifier = client.randomPKCECodeVerifier();
    // Handshakes that were never finished are of no further use; clear them out now and then.
    await db
      .deleteFrom('oidc_logins')
      .where('created_at', '<', new Date(Date.now() - OIDC_LOGIN_TTL_MS))
      .execute();
    await db
      .insertInto('oidc_logins')
      .values({ state, code_verifier: codeVerifier, nonce, return_to: returnTo })
      .execute();
    const url = client.buildAuthorizationUrl(provider, {
      redirect_uri: config.redirectUri,
      scope: OIDC_SCOPE,
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return redirect(reply, url.href);
  });

  /** Takes the handshake this callback finishes; each works once, and for ten minutes. */
  async function takeLogin(query: URLSearchParams) {
    const state = query.get('state');
    if (!state) throw new SignOnRefused(OidcMessages.notFinished, 'callback without state');
    // Huddle's states are base64url (openid-client's randomState); anything else was never one.
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(state))
      throw new SignOnRefused(OidcMessages.notFinished, 'callback with a malformed state');
    const login = await db
      .deleteFrom('oidc_logins')
      .where('state', '=', state)
      .returningAll()
      .executeTakeFirst();
    if (!login) throw new SignOnRefused(OidcMessages.notFinished, 'unknown or already used state');
    return login;
  }

  /** Checks the provider's answer (state, PKCE, ID token and nonce) and returns who signed in. */
  async function identify(
    request: FastifyRequest,
    query: URLSearchParams,
    login: Selectable<OidcLoginsTable>,
  ): Promise<OidcIdentity> {
    if (Date.now() - login.created_at.getTime() > OIDC_LOGIN_TTL_MS) {
      throw new SignOnRefused(OidcMessages.expired, 'state expired', { startedAt: login.created_at });
    }
    if (query.has('error')) {
      throw new SignOnRefused(OidcMessages.notFinished, 'the provider answered with an error', {
        error: query.get('error'),
        description: query.get('error_description'),
      });
    }
    let provider: client.Configuration;
    try {
      provider = await discover();
    } catch (error) {
      throw new SignOnRefused(OidcMessages.unavailable, 'discovery failed', { err: error });
    }
    const currentUrl = new URL(config.redirectUri);
    currentUrl.search = query.toString();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(provider, currentUrl, {
        pkceCodeVerifier: login.code_verifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
      });
    } catch (error) {
      throw new SignOnRefused(OidcMessages.notFinished, 'code exchange or ID token check failed', {
        err: error,
      });
    }
    const idToken = tokens.claims();
    if (!idToken) throw new SignOnRefused(OidcMessages.notFinished, 'no ID token');

    // Providers that keep profile claims out of the ID token give them at the userinfo endpoint.
    // The ID token wins where it has a claim; an email and whether it is verified come from one place.
    const idTokenEmail = text(idToken.email) !== undefined;
    let claims: Claims = idToken;
    if (!idTokenEmail || text(idToken.name) === undefined) {
      try {
        const userinfo = await client.fetchUserInfo(provider, tokens.access_token, idToken.sub);
        claims = idTokenEmail ? { ...userinfo, ...idToken } : { ...idToken, ...userinfo };
      } catch (error) {
        if (!idTokenEmail) {
          throw new SignOnRefused(OidcMessages.notFinished, 'userinfo request failed', { err: error });
        }
        request.log.warn({ err: error }, 'single sign-on: userinfo request failed; using the ID token');
      }
    }
    return identityFrom(idToken.sub, claims);
  }

  app.get(OIDC_CALLBACK_PATH, { config: { auth: 'public' } }, async (request, reply) => {
    const query = queryOf(request);
    let returnTo = '/';
    try {
      const login = await takeLogin(query);
      returnTo = login.return_to;
      const identity = await identify(request, query, login);
      const { user, created } = await accountFor(deps, identity, config.provision);
      if (user.must_change_password) {
        // Signing on through the provider proves who they are: the temporary password an admin
        // passed on was never needed, so it is withdrawn rather than left working (and demanded).
        await deps.db
          .updateTable('users')
          .set({ password_hash: null, must_change_password: false, updated_at: new Date() })
          .where('id', '=', user.id)
          .execute();
      }
      await app.startSession(request, reply, user.id);
      request.log.info(
        { userId: user.id, subject: identity.subject, created },
        created ? 'single sign-on: account created and signed in' : 'single sign-on: signed in',
      );
      return redirect(reply, returnTo);
    } catch (error) {
      if (error instanceof SignOnRefused) {
        request.log.warn({ ...error.details, reason: error.reason }, 'single sign-on refused');
        return redirect(reply, signInPage(error.userMessage, returnTo));
      }
      request.log.error({ err: error }, 'single sign-on failed');
      return redirect(reply, signInPage(OidcMessages.notFinished, returnTo));
    }
  });
}
