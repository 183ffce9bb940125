import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Selectable } from 'kysely';
import * as client from 'openid-client';
import { RETURN_TO_PARAM, SIGN_IN_ERROR_PARAM } from '#shared/auth';
import type { OidcLoginsTable } from '../../db/schema.ts';
import type { RouteDeps } from '../../http/deps.ts';
import {
  accountFor,
  identityFrom,
  OidcMessages,
  SignOnRefused,
  text,
  type Claims,
  type OidcIdentity,
} from './accounts.ts';
import { OIDC_CALLBACK_PATH, OIDC_START_PATH, type OidcConfig } from './config.ts';

/*
 * Single sign-on's routes: off to the provider with state, PKCE and a nonce, and back to a session.
 */

export const OIDC_SCOPE = 'openid email profile';
/** A sign-on that takes longer than this between leaving Huddle and coming back is refused. */
export const OIDC_LOGIN_TTL_MS = 10 * 60_000;
/** How long a request to the provider (discovery, token, userinfo) may take before Huddle gives up. */
const PROVIDER_TIMEOUT_SECONDS = 10;

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
