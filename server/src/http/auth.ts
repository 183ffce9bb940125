import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessPolicy } from '../access/AccessPolicy.ts';
import { isRefusal } from '../refusal.ts';
import type { Principal } from '../access/principal.ts';
import { sessionTokenFrom } from '../auth/cookies.ts';
import type { SessionStore } from '../auth/sessions.ts';
import { isSameSite } from '../access/sameSite.ts';
import { HttpError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, once the auth hook has run; null when there is no valid session. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /**
     * Who may call the route. `public`: anyone. `session`: any signed-in user, even one who must first
     * change a temporary password. Absent: a signed-in user ready to use the application.
     */
    auth?: 'public' | 'session';
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AuthHookOptions {
  sessions: SessionStore;
  policy: AccessPolicy;
  /** Origins besides the request's own host that may make state-changing calls (PUBLIC_URL). */
  allowedOrigins: readonly string[];
}

/**
 * Resolves the session cookie on every /api request, refuses cross-site state-changing calls, and
 * enforces each route's `auth` level. Handlers then ask the AccessPolicy about the resource itself.
 */
export function registerAuthHooks(app: FastifyInstance, options: AuthHookOptions): void {
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    if (UNSAFE_METHODS.has(request.method) && !isSameSite(request.headers, options.allowedOrigins)) {
      throw new HttpError(403, 'This request came from another site and was refused');
    }
    const token = sessionTokenFrom(request.headers.cookie);
    request.principal = token ? await options.sessions.resolve(token) : null;
    const level = request.routeOptions.config.auth;
    if (level === 'public') return;
    if (!request.principal) throw new HttpError(401, 'Sign in to continue');
    if (level === 'session') return;
    const ready = options.policy.ready(request.principal);
    if (isRefusal(ready)) throw HttpError.from(ready);
  });
}

/** The signed-in principal of a route that requires one (the hook has already refused the rest). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new HttpError(401, 'Sign in to continue');
  return request.principal;
}

/** Refuses anyone but an admin. */
export function requireAdmin(request: FastifyRequest): Principal {
  const principal = principalOf(request);
  if (principal.role !== 'admin') throw new HttpError(403, 'Only admins can do this');
  return principal;
}
