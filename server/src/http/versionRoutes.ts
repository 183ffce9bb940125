import type { FastifyInstance } from 'fastify';
import {
  restoredRequest,
  saveVersionRequest,
  versionChangesQuery,
  type VersionChanges,
} from '#shared/versions';
import { changesBetween } from '../versions/versionChanges.ts';
import { isRefusal } from '../refusal.ts';
import { principalOf } from './auth.ts';
import type { RouteDeps } from './deps.ts';
import { HttpError, parseWith } from './errors.ts';
import { boardParams, parseParams, versionParams } from './params.ts';
import { acceptsGzip, gzipped, matchesTag } from './compression.ts';

/** Labelled versions one board may have saved in a day: a team saves one or two at a handover. */
export const LABELLED_PER_DAY = 50;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A board's versions: the list and one version's document for anyone who can open the board;
 * saving one with a label for anyone who can change it.
 */
export function registerVersionRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { versions } = deps;
  /**
   * Who is having the server read whole boards for them now (comparing versions, saving one): each
   * takes a few hundred milliseconds on a large board, so one person has one at a time, and a browser
   * asking in a loop cannot take the server from everyone else.
   */
  const busy = new Set<string>();
  async function oneAtATime<T>(userId: string, work: () => Promise<T>): Promise<T> {
    if (busy.has(userId))
      throw new HttpError(
        429,
        'Huddle is still working on your last request about versions; try again in a moment',
      );
    busy.add(userId);
    try {
      return await work();
    } finally {
      busy.delete(userId);
    }
  }

  /** The board's id, once the caller may open it (and change it, for `edit`). */
  async function boardFor(request: Parameters<typeof principalOf>[0], id: string, need: 'view' | 'edit') {
    const access = await deps.policy.boardAccess(principalOf(request), id);
    if (isRefusal(access)) throw HttpError.from(access);
    if (need === 'edit' && access !== 'edit')
      throw new HttpError(403, 'You can view this board but not save versions of it');
    return id;
  }

  app.get('/api/boards/:id/versions', async (request) => {
    const { id } = parseParams(boardParams, request.params);
    return versions.list(await boardFor(request, id, 'view'));
  });

  app.post('/api/boards/:id/versions', async (request, reply) => {
    const { id } = parseParams(boardParams, request.params);
    await boardFor(request, id, 'edit');
    const { label } = parseWith(saveVersionRequest, request.body);
    const principal = principalOf(request);
    const recent = await versions.labelledSince(id, new Date(Date.now() - DAY_MS));
    if (recent >= LABELLED_PER_DAY)
      throw new HttpError(
        429,
        `This board has had ${LABELLED_PER_DAY} versions saved in the last day, the most it keeps; the server saves one automatically each day too`,
      );
    const saved = await oneAtATime(principal.userId, () =>
      versions.save(id, label, { id: principal.userId, name: principal.name }),
    );
    if (!saved) throw new HttpError(409, 'This board has nothing on it yet to save');
    return reply.status(201).send(saved);
  });

  // A version never changes (the database refuses to), so the browser keeps the copy it was sent and
  // asks again with its tag: the Handover reads the newest version each time a board opens, and a
  // large board's is megabytes. Sent gzipped to a browser that takes it.
  app.get('/api/boards/:id/versions/:versionId/state', async (request, reply) => {
    const { id, versionId } = parseParams(versionParams, request.params);
    const boardId = await boardFor(request, id, 'view');
    const summary = await versions.summary(boardId, versionId);
    if (!summary) throw new HttpError(404, 'There is no version with that id on this board');
    // Its saving time too: ids start again in a database made anew.
    const tag = `W/"${summary.id}-${Date.parse(summary.savedAt)}"`;
    reply.header('cache-control', 'private, no-cache').header('etag', tag).header('vary', 'accept-encoding');
    if (matchesTag(request, tag)) return reply.status(304).send();
    const version = await versions.read(boardId, versionId);
    if (!version) throw new HttpError(404, 'There is no version with that id on this board');
    reply.header('content-type', 'application/octet-stream');
    const state = Buffer.from(version.state);
    if (acceptsGzip(request)) return reply.header('content-encoding', 'gzip').send(await gzipped(state));
    return reply.send(state);
  });

  app.get('/api/boards/:id/versions/:versionId/changes', async (request): Promise<VersionChanges> => {
    const { id, versionId } = parseParams(versionParams, request.params);
    await boardFor(request, id, 'view');
    const { to } = parseWith(versionChangesQuery, request.query);
    const from = await versions.read(id, versionId);
    if (!from) throw new HttpError(404, 'There is no version with that id on this board');
    const later = to === 'now' ? null : await versions.read(id, to);
    if (to !== 'now' && !later) throw new HttpError(404, 'There is no version to compare with on this board');
    const fromAt = new Date(from.summary.savedAt);
    const toAt = later ? new Date(later.summary.savedAt) : new Date();
    if (toAt < fromAt) throw new HttpError(400, 'Compare a version with a later one, or with the board now');
    const people = await oneAtATime(principalOf(request).userId, async () =>
      changesBetween(
        deps.db,
        id,
        { state: from.state, at: fromAt },
        { state: later ? later.state : await versions.current(id), at: toAt },
      ),
    );
    return { from: from.summary, to: later?.summary ?? null, toAt: toAt.toISOString(), people };
  });

  app.post('/api/boards/:id/versions/:versionId/restored', async (request, reply) => {
    const { id, versionId } = parseParams(versionParams, request.params);
    await boardFor(request, id, 'edit');
    const body = parseWith(restoredRequest, request.body);
    const version = await versions.summary(id, versionId);
    if (!version) throw new HttpError(404, 'There is no version with that id on this board');
    await deps.audit.recordRestore(
      id,
      principalOf(request),
      body.scope === 'record' ? { type: body.recordType, id: body.recordId } : null,
      { id: version.id, name: version.label ?? `the automatic version of ${version.savedAt.slice(0, 10)}` },
    );
    return reply.status(204).send();
  });
}
