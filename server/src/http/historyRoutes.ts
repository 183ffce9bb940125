import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isRefusal } from '../refusal.ts';
import { principalOf } from './auth.ts';
import type { RouteDeps } from './deps.ts';
import { HttpError, parseWith } from './errors.ts';
import { boardParams, parseParams } from './params.ts';

const historyQuery = z.object({
  recordType: z.string({ error: 'Say which kind of record' }).min(1).max(64),
  recordId: z.string({ error: 'Say which record' }).min(1).max(128),
});

/** A record's History panel (its audit trail), and who last changed each text field: for anyone who can open the board. */
export function registerHistoryRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/boards/:id/history', async (request) => {
    const { id } = parseParams(boardParams, request.params);
    const access = await deps.policy.boardAccess(principalOf(request), id);
    if (isRefusal(access)) throw HttpError.from(access);
    const { recordType, recordId } = parseWith(historyQuery, request.query);
    return deps.audit.history(id, recordType, recordId);
  });

  app.get('/api/boards/:id/text-authors', async (request) => {
    const { id } = parseParams(boardParams, request.params);
    const access = await deps.policy.boardAccess(principalOf(request), id);
    if (isRefusal(access)) throw HttpError.from(access);
    return deps.audit.textAuthors(id);
  });
}
