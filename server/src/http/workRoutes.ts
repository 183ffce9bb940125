import type { FastifyInstance } from 'fastify';
import { workQuery } from '#shared/work';
import { MyWorkQueries } from '../work/myWork.ts';
import { principalOf } from './auth.ts';
import type { RouteDeps } from './deps.ts';
import { answer, parseWith } from './errors.ts';

/** My work: the caller's actions across every board they can open, and counts for the board list. */
export function registerWorkRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const work = new MyWorkQueries(deps.db, deps.policy);

  app.get('/api/my-work', async (request) =>
    answer(await work.forUser(principalOf(request), parseWith(workQuery, request.query))),
  );

  app.get('/api/my-work/counts', async (request) => work.counts(principalOf(request)));
}
