import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { changePasswordRequest, signInRequest, type AuthOptions, type SessionAnswer } from '#shared/auth';
import { verifyPassword } from '../auth/passwords.ts';
import { clearedSessionCookie, deviceCookie, deviceTokenFrom, sessionCookie } from '../auth/cookies.ts';
import { DEVICE_TRUST_DAYS, TrustedDevices, newDeviceToken } from '../auth/devices.ts';
import type { Admission, HoldScope } from '../auth/throttle.ts';
import { HttpError, parseWith } from './errors.ts';
import { principalOf } from './auth.ts';
import type { RouteDeps } from './deps.ts';

export const WRONG_CREDENTIALS = 'The email address or password is not right';

function minutes(seconds: number): string {
  const m = Math.ceil(seconds / 60);
  return m === 1 ? '1 minute' : `${m} minutes`;
}

/** What a held sign-in says, by what is held. */
const SIGN_IN_HELD: Record<HoldScope, (wait: string) => string> = {
  account: (wait) =>
    `There have been too many failed attempts to sign in to this account. Try again in ${wait}, sign in on a device you have signed in on before, or ask an admin to reset your password.`,
  device: (wait) =>
    `There have been too many wrong passwords for this account on this device. Try again in ${wait}, or ask an admin to reset your password.`,
  address: (wait) =>
    `There have been too many failed sign-in attempts from this network. Try again in ${wait}.`,
};

/** 429 with Retry-After when the throttle has refused the attempt, saying what is held. */
function refuseIfHeld(
  reply: FastifyReply,
  admission: Admission,
  message: (scope: HoldScope, wait: string) => string,
): void {
  if (admission.admitted) return;
  reply.header('retry-after', String(admission.retryAfterSeconds));
  throw new HttpError(429, message(admission.scope, minutes(admission.retryAfterSeconds)));
}

/** The signed-in user as `GET /api/auth/session` answers, or null when they are gone. */
export async function sessionAnswerFor(
  deps: Pick<RouteDeps, 'users' | 'sessionIdleMinutes'>,
  userId: string,
  endsAt: number | Date,
): Promise<SessionAnswer | null> {
  const user = await deps.users.currentUser(userId);
  return user
    ? { ...user, idleMinutes: deps.sessionIdleMinutes, endsAt: new Date(endsAt).toISOString() }
    : null;
}

export interface AuthRouteOptions {
  /** Single sign-on, when configured: the label of its button. */
  oidcLabel: string | null;
}

/** Sign-in with email and password, sign-out, the current session, and changing a password. */
export function registerAuthRoutes(app: FastifyInstance, deps: RouteDeps, options: AuthRouteOptions): void {
  const { sessions, throttle, users } = deps;
  const devices = new TrustedDevices(deps.db);

  /**
   * Starts a session for a user whose identity has been proven, and sets its cookie; the browser
   * becomes one of the user's trusted devices (it keeps its device cookie, or gets one).
   */
  async function startSession(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<Date> {
    const { token, expiresAt } = await sessions.create(userId, {
      address: request.clientAddress,
      userAgent: request.headers['user-agent'],
    });
    const device = deviceTokenFrom(request.headers.cookie) ?? newDeviceToken();
    await devices.trust(device, userId);
    // Secure whenever the site is https: by its public address, or as this request arrived.
    const secure = deps.secureCookies || request.protocol === 'https';
    reply.header('set-cookie', [
      sessionCookie(token, { secure, maxAgeSeconds: deps.sessionMaxAgeSeconds }),
      deviceCookie(device, { secure, maxAgeSeconds: DEVICE_TRUST_DAYS * 24 * 60 * 60 }),
    ]);
    return expiresAt;
  }
  app.decorate('startSession', startSession);

  const sessionAnswer = (userId: string, endsAt: number | Date) => sessionAnswerFor(deps, userId, endsAt);

  app.get('/api/auth/options', { config: { auth: 'public' } }, async (): Promise<AuthOptions> => ({
    password: true,
    oidc: options.oidcLabel ? { label: options.oidcLabel, startUrl: '/api/auth/oidc/start' } : null,
  }));

  app.post('/api/auth/sign-in', { config: { auth: 'public' } }, async (request, reply) => {
    const { email, password } = parseWith(signInRequest, request.body);
    const user = await users.findByEmail(email);
    const attempt = {
      kind: 'sign-in',
      email,
      address: request.clientAddress,
      trustedDevice: await devices.trustedFor(deviceTokenFrom(request.headers.cookie), user?.id),
    } as const;
    // Counted before the password is checked: however many arrive at once, at most the limit are.
    refuseIfHeld(reply, await throttle.admit(attempt), (scope, wait) => SIGN_IN_HELD[scope](wait));
    // The hash is checked even for a deactivated account, so the answer takes as long either way.
    const matches = await verifyPassword(user?.password_hash ?? null, password);
    if (!user || !matches || !user.active) {
      request.log.info({ email, trustedDevice: attempt.trustedDevice !== null }, 'sign-in refused');
      throw new HttpError(401, WRONG_CREDENTIALS);
    }
    await throttle.succeeded(attempt);
    const endsAt = await startSession(request, reply, user.id);
    return sessionAnswer(user.id, endsAt);
  });

  app.post('/api/auth/sign-out', { config: { auth: 'session' } }, async (request, reply) => {
    await sessions.end(principalOf(request).sessionId, 'signed-out');
    reply.header('set-cookie', clearedSessionCookie({ secure: deps.secureCookies }));
    return reply.status(204).send();
  });

  app.get('/api/auth/session', { config: { auth: 'session' } }, async (request) => {
    const principal = principalOf(request);
    const user = await sessionAnswer(principal.userId, principal.sessionEndsAt);
    if (!user) throw new HttpError(401, 'Sign in to continue');
    return user;
  });

  app.post('/api/auth/password', { config: { auth: 'session' } }, async (request, reply) => {
    const principal = principalOf(request);
    const body = parseWith(changePasswordRequest, request.body);
    const attempt = { kind: 'password-change', email: principal.email } as const;
    refuseIfHeld(
      reply,
      await throttle.admit(attempt),
      (_scope, wait) => `There have been too many wrong passwords for this account. Try again in ${wait}.`,
    );
    const user = await users.findById(principal.userId);
    if (!user || !(await verifyPassword(user.password_hash, body.currentPassword))) {
      throw new HttpError(400, 'Your current password is not right', [
        { path: 'currentPassword', message: 'Your current password is not right' },
      ]);
    }
    await throttle.succeeded(attempt);
    await users.setPassword(user.id, body.newPassword, { temporary: false });
    await sessions.endForUser(user.id, 'password-changed', principal.sessionId);
    return sessionAnswer(user.id, principal.sessionEndsAt);
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Starts a session for a user whose identity has been proven (password or single sign-on). */
    /** Resolves to when the session ends however active. */
    startSession(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<Date>;
  }
}
