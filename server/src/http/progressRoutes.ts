import type { FastifyInstance } from 'fastify';
import { progressItemsQuery, progressQuery } from '#shared/progress';
import { ProgressQueries } from '../progress/progressFigures.ts';
import { ProgressItemsQueries } from '../progress/progressItems.ts';
import { meetingProgress } from '../progress/meetingFigures.ts';
import { principalOf } from './auth.ts';
import type { RouteDeps } from './deps.ts';
import { answer, parseWith } from './errors.ts';

/** Progress: figures across the boards a manager, an admin or a facilitator may see, and the lists behind them. */
export function registerProgressRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const progress = new ProgressQueries(deps.db, deps.policy);
  const items = new ProgressItemsQueries(deps.db, progress);

  app.get('/api/progress', async (request) =>
    answer(await progress.figures(principalOf(request), parseWith(progressQuery, request.query))),
  );

  app.get('/api/progress/meetings', async (request) =>
    answer(
      await meetingProgress(deps.db, progress, principalOf(request), parseWith(progressQuery, request.query)),
    ),
  );

  app.get('/api/progress/items', async (request) =>
    answer(await items.items(principalOf(request), parseWith(progressItemsQuery, request.query))),
  );
}
