import { existsSync } from 'node:fs';
import path from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { createBoardRequest, type ApiError, type HealthResponse } from '../../../shared/api.ts';
import type { DatabaseKind } from '../db/connect.ts';
import type { BoardsRepository } from '../boards/boardsRepository.ts';
import type { Logger } from '../log.ts';
import type { BoardSummary } from '../../../shared/api.ts';

export interface HttpAppOptions {
  logger: Logger;
  dbKind: DatabaseKind;
  boards: BoardsRepository;
  clientDir: string;
  /** Tells open browsers about a new board. */
  onBoardCreated(board: BoardSummary): void;
  /** Whether the server is ready to answer (database open and migrated). */
  isReady(): boolean;
}

/** REST under /api, the health check, and the built SPA with history-mode fallback. */
export async function createHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
  });

  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const body: ApiError = { error: status >= 500 ? 'Something went wrong on the server' : error.message };
    return reply.status(status).send(body);
  });

  app.get('/healthz', async (_request, reply) => {
    const body: HealthResponse = { ok: options.isReady(), db: options.dbKind };
    return reply.status(body.ok ? 200 : 503).send(body);
  });

  app.get('/api/boards', async () => options.boards.list());

  app.get<{ Params: { id: string } }>('/api/boards/:id', async (request, reply) => {
    const board = await options.boards.get(request.params.id);
    if (!board) return reply.status(404).send({ error: 'There is no board with that id' } satisfies ApiError);
    return board;
  });

  app.post('/api/boards', async (request, reply) => {
    const parsed = createBoardRequest.safeParse(request.body ?? {});
    if (!parsed.success) {
      const body: ApiError = {
        error: parsed.error.issues[0]?.message ?? 'The request was not valid',
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      };
      return reply.status(400).send(body);
    }
    const board = await options.boards.create(parsed.data.name);
    options.onBoardCreated(board);
    return reply.status(201).send(board);
  });

  app.get('/api/organisations', async () => options.boards.listOrganisations());

  app.all('/api/*', async (_request, reply) =>
    reply.status(404).send({ error: 'No such API endpoint' } satisfies ApiError),
  );

  const indexHtml = path.join(options.clientDir, 'index.html');
  if (existsSync(indexHtml)) {
    await app.register(fastifyStatic, { root: options.clientDir, wildcard: false, index: ['index.html'] });
    // Client-side routes (/boards/<id>) get the SPA; vue-router takes it from there. A missing file
    // (an old tab asking for a script from before a deploy) is a 404, not the page in its place.
    app.setNotFoundHandler((request, reply) => {
      const pathname = request.url.split('?')[0] ?? '';
      const isPage =
        !pathname.startsWith('/api/') && !pathname.startsWith('/assets/') && !/\.[a-z0-9]+$/i.test(pathname);
      if ((request.method === 'GET' || request.method === 'HEAD') && isPage)
        return reply.sendFile('index.html');
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
