import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { changePasswordRequest, signInRequest, type AuthOptions } from '../../../shared/auth.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { clearedSessionCookie, sessionCookie } from '../auth/cookies.ts';
import { HttpError, parseWith } from './errors.ts';
import { principalOf } from './auth.ts';
import type { RouteDeps } from './deps.ts';

export const WRONG_CREDENTIALS = 'The email address or password is not right';

function minutes(seconds: number): string {
  const m = Math.ceil(seconds / 60);
  return m === 1 ? '1 minute' : `${m} minutes`;
}

export interface AuthRouteOptions {
  /** Single sign-on, when configured: the label of its button. */
  oidcLabel: string | null;
}

/** Sign-in with email and password, sign-out, the current session, and changing a password. */
export function registerAuthRoutes(app: FastifyInstance, deps: RouteDeps, options: AuthRouteOptions): void {
  const { sessions, throttle, users } = deps;

  /** Starts a session for a user whose identity has been proven, and sets its cookie. */
  async function startSession(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<void> {
    const { token } = await sessions.create(userId, {
      address: request.ip,
      userAgent: request.headers['user-agent'],
    });
    reply.header(
      'set-cookie',
      sessionCookie(token, {
        // Secure whenever the site is https: by its public address, or as this request arrived.
        secure: deps.secureCookies || request.protocol === 'https',
        maxAgeSeconds: deps.sessionMaxAgeSeconds,
      }),
    );
  }
  app.decorate('startSession', startSession);

  app.get('/api/auth/options', { config: { auth: 'public' } }, async (): Promise<AuthOptions> => ({
    password: true,
    oidc: options.oidcLabel ? { label: options.oidcLabel, startUrl: '/api/auth/oidc/start' } : null,
  }));

  app.post('/api/auth/sign-in', { config: { auth: 'public' } }, async (request, reply) => {
    const { email, password } = parseWith(signInRequest, request.body);
    const held = await throttle.check(email, request.ip);
    if (held.held) {
      reply.header('retry-after', String(held.retryAfterSeconds));
      throw new HttpError(
        429,
        held.scope === 'account'
          ? `There have been too many failed attempts to sign in to this account. Try again in ${minutes(held.retryAfterSeconds)}, or ask an admin to reset your password.`
          : `There have been too many failed sign-in attempts from this network. Try again in ${minutes(held.retryAfterSeconds)}.`,
      );
    }
    const user = await users.findByEmail(email);
    // The hash is checked even for a deactivated account, so the answer takes as long either way.
    const matches = await verifyPassword(user?.password_hash ?? null, password);
    if (!user || !matches || !user.active) {
      await throttle.recordFailure(email, request.ip);
      request.log.info({ email }, 'sign-in refused');
      throw new HttpError(401, WRONG_CREDENTIALS);
    }
    await throttle.clearAccount(email);
    await startSession(request, reply, user.id);
    return users.currentUser(user.id);
  });

  app.post('/api/auth/sign-out', { config: { auth: 'session' } }, async (request, reply) => {
    await sessions.end(principalOf(request).sessionId, 'signed-out');
    reply.header('set-cookie', clearedSessionCookie({ secure: deps.secureCookies }));
    return reply.status(204).send();
  });

  app.get('/api/auth/session', { config: { auth: 'session' } }, async (request) => {
    const user = await users.currentUser(principalOf(request).userId);
    if (!user) throw new HttpError(401, 'Sign in to continue');
    return user;
  });

  app.post('/api/auth/password', { config: { auth: 'session' } }, async (request) => {
    const principal = principalOf(request);
    const body = parseWith(changePasswordRequest, request.body);
    const held = await throttle.check(principal.email, request.ip);
    if (held.held) {
      throw new HttpError(
        429,
        `There have been too many wrong passwords for this account. Try again in ${minutes(held.retryAfterSeconds)}.`,
      );
    }
    const user = await users.findById(principal.userId);
    if (!user || !(await verifyPassword(user.password_hash, body.currentPassword))) {
      await throttle.recordFailure(principal.email, request.ip);
      throw new HttpError(400, 'Your current password is not right', [
        { path: 'currentPassword', message: 'Your current password is not right' },
      ]);
    }
    await users.setPassword(user.id, body.newPassword, { temporary: false });
    await sessions.endForUser(user.id, 'password-changed', principal.sessionId);
    return users.currentUser(user.id);
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Starts a session for a user whose identity has been proven (password or single sign-on). */
    startSession(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<void>;
  }
}
