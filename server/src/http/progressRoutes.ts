import type { FastifyInstance } from 'fastify';
import { progressQuery } from '#shared/progress';
import { ProgressQueries } from '../progress/progressFigures.ts';
import { principalOf } from './auth.ts';
import type { RouteDeps } from './deps.ts';
import { answer, parseWith } from './errors.ts';

/** Progress: figures across the boards a manager, an admin or a facilitator may see. */
export function registerProgressRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const progress = new ProgressQueries(deps.db, deps.policy);

  app.get('/api/progress', async (request) =>
    answer(await progress.figures(principalOf(request), parseWith(progressQuery, request.query))),
  );
}
