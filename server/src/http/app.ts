import { existsSync } from 'node:fs';
import path from 'node:path';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
} from 'fastify';
import fastifyStatic from '@fastify/static';
import type { ApiError, HealthResponse } from '#shared/api';
import type { Logger } from '../log.ts';
import { registerAuthHooks } from './auth.ts';
import { registerAuthRoutes } from './authRoutes.ts';
import { registerAdminRoutes } from './adminRoutes.ts';
import { registerBoardRoutes } from './boardRoutes.ts';
import { FirstViews } from './firstView.ts';
import { registerHistoryRoutes } from './historyRoutes.ts';
import { registerVersionRoutes } from './versionRoutes.ts';
import { registerMeetingRoutes } from './meetingRoutes.ts';
import { registerWorkRoutes } from './workRoutes.ts';
import { registerProgressRoutes } from './progressRoutes.ts';
import { registerNotificationRoutes } from './notificationRoutes.ts';
import { createClientAddress, trustFunction, type TrustProxy } from './clientAddress.ts';
import type { RouteDeps } from './deps.ts';
import { HttpError } from './errors.ts';
import { isTransientDatabaseError } from '../db/errors.ts';
import { registerInputGuard } from './params.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The client's address: the nearest one in X-Forwarded-For that is not a trusted proxy. */
    readonly clientAddress: string;
  }
}

/** What a request is told while the database cannot be reached. */
export const DATABASE_UNAVAILABLE =
  'The server cannot reach its database at the moment. Nothing you have done is lost: try again in a minute.';

export interface HttpAppOptions {
  logger: Logger;
  deps: RouteDeps;
  clientDir: string;
  /** The app built for the server, which draws board pages' first views (firstView.ts). */
  firstViewDir: string | null;
  /** Origins besides the request's own host that may make state-changing calls. */
  allowedOrigins: readonly string[];
  /** Which reverse proxies' X-Forwarded-* to believe (for the client's address and https). */
  trustProxy: TrustProxy;
  /** Label of the single sign-on button, when OIDC is configured. */
  oidcLabel: string | null;
  /** Registers the single sign-on routes, when OIDC is configured. */
  registerOidc?(app: FastifyInstance): void;
  /** `/healthz`: the database, the storage backlog, and whether the server is shutting down. */
  health(): Promise<HealthResponse>;
}

/** REST under /api, the health check, and the built SPA with history-mode fallback. */
export async function createHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // A function, not fastify's own hop count (which trusts nobody) or `true` (which trusts everybody).
    trustProxy: trustFunction(options.trustProxy),
    // A path with broken percent-encoding: the same JSON error as everything else.
    frameworkErrors: (_error, _request, reply) => {
      const body: ApiError = { error: 'This address is not one Huddle can read' };
      void (reply as FastifyReply).status(400).send(body);
    },
  });
  const clientAddress = createClientAddress(options.trustProxy);
  app.decorateRequest('clientAddress', {
    getter() {
      return clientAddress(this.raw);
    },
  });
  // JSON only: a cross-site HTML form can send text/plain without a preflight, so it is not accepted.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    if (!error.statusCode && isTransientDatabaseError(error)) {
      // The database is down or slow: say so, and when to try again, rather than "something went wrong".
      request.log.warn({ err: error }, 'request failed: the database could not be reached');
      return reply
        .status(503)
        .header('retry-after', '5')
        .send({ error: DATABASE_UNAVAILABLE } satisfies ApiError);
    }
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const body: ApiError = { error: status >= 500 ? 'Something went wrong on the server' : error.message };
    if (error instanceof HttpError && error.issues) body.issues = error.issues;
    return reply.status(status).send(body);
  });

  // Served only once the database is open and migrated (the server listens after that); 503 with
  // the reason while the database cannot be reached or board changes are not being stored.
  app.get('/healthz', async (_request, reply) => {
    const body = await options.health();
    return reply
      .status(body.ok ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(body);
  });

  registerInputGuard(app);
  registerAuthHooks(app, {
    sessions: options.deps.sessions,
    policy: options.deps.policy,
    allowedOrigins: options.allowedOrigins,
  });
  registerAuthRoutes(app, options.deps, { oidcLabel: options.oidcLabel });
  options.registerOidc?.(app);
  registerBoardRoutes(app, options.deps);
  registerHistoryRoutes(app, options.deps);
  registerVersionRoutes(app, options.deps);
  registerMeetingRoutes(app, options.deps);
  registerWorkRoutes(app, options.deps);
  registerProgressRoutes(app, options.deps);
  registerNotificationRoutes(app, options.deps);
  registerAdminRoutes(app, options.deps);

  app.all('/api/*', { config: { auth: 'public' } }, async (_request, reply) =>
    reply.status(404).send({ error: 'No such API endpoint' } satisfies ApiError),
  );

  const indexHtml = path.join(options.clientDir, 'index.html');
  if (existsSync(indexHtml)) {
    await app.register(fastifyStatic, {
      root: options.clientDir,
      wildcard: false,
      index: ['index.html'],
      // A built file's name carries a hash of its content, so a browser keeps it for good and never
      // asks again (nor does it compile it again: it keeps the compiled code beside it). The page, the
      // service worker and the rest are asked about each time, so a deploy is taken up at once.
      cacheControl: false,
      // The build writes a gzip and a Brotli copy beside each script, stylesheet and page (vite.config.ts):
      // a browser that takes one gets it, anything else the file as it is.
      preCompressed: true,
      setHeaders: (response, filePath) => {
        const builtFile = path.relative(options.clientDir, filePath).startsWith(`assets${path.sep}`);
        response.setHeader('cache-control', builtFile ? 'public, max-age=31536000, immutable' : 'no-cache');
        // The same address has an answer per encoding: a cache on the way must keep them apart.
        response.setHeader('vary', 'Accept-Encoding');
      },
    });
    // Client-side routes (/boards/<id>) get the SPA; vue-router takes it from there. A missing file
    // (an old tab asking for a script from before a deploy) is a 404, not the page in its place.
    const firstViews = new FirstViews(app, options.deps, options.clientDir, options.firstViewDir);
    app.setNotFoundHandler(async (request, reply) => {
      const pathname = request.url.split('?')[0] ?? '';
      const isPage =
        !pathname.startsWith('/api/') && !pathname.startsWith('/assets/') && !/\.[a-z0-9]+$/i.test(pathname);
      if ((request.method === 'GET' || request.method === 'HEAD') && isPage) {
        // A board's page comes with its first view drawn, for someone who may open it (firstView.ts).
        if (await firstViews.send(request, reply)) return reply;
        return reply.sendFile('index.html');
      }
      return reply.status(404).send({ error: 'Not found' } satisfies ApiError);
    });
  } else {
    app.setNotFoundHandler((_request, reply) =>
      reply
        .status(404)
        .send({ error: 'Not found (the client is not built: run npm run build)' } satisfies ApiError),
    );
  }

  return app;
}
