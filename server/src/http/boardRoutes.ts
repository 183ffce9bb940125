import type { FastifyInstance } from 'fastify';
import { createBoardRequest, updateBoardRequest } from '#shared/boards';
import { BoardAdmin } from '../boards/boardAdmin.ts';
import { TeamsRepository } from '../teams/teamsRepository.ts';
import { principalOf, requireAdmin } from './auth.ts';
import type { RouteDeps } from './deps.ts';
import { HttpError, answer, parseWith } from './errors.ts';
import { RequestWindow } from '../limits/requestWindow.ts';
import { boardParams, parseParams } from './params.ts';
import { acceptsGzip, gzipped } from './compression.ts';

/** Board snapshots one person may ask for in a minute (each board opened asks once). */
const SNAPSHOTS_PER_MINUTE = 30;

/**
 * A board's snapshot gzipped, once a change of the board (a room keeps one snapshot until the next
 * change, so its bytes are the key): the 300-person bench board's 2.0 MB of JSON is 110 KB gzipped.
 * Compressed off the event loop (zlib's thread pool, 17 ms for that board).
 */
const gzippedSnapshots = new WeakMap<Buffer, Promise<Buffer>>();
function gzippedSnapshot(snapshot: Buffer): Promise<Buffer> {
  let found = gzippedSnapshots.get(snapshot);
  if (!found) {
    found = gzipped(snapshot);
    gzippedSnapshots.set(snapshot, found);
    // A failure is not kept: the next request tries again.
    found.catch(() => gzippedSnapshots.delete(snapshot));
  }
  return found;
}

/** Boards as the routes see them: opening, creating and changing them, each checked against the caller. */
export function boardAdminFor(app: FastifyInstance, deps: RouteDeps): BoardAdmin {
  return new BoardAdmin({
    boards: deps.boards,
    teams: new TeamsRepository(deps.db),
    policy: deps.policy,
    storage: deps.storage,
    events: deps.events,
    onBoardCreated: (boardId) => deps.onBoardCreated(boardId),
    snapshot: (boardId) => deps.boardSnapshot(boardId),
    log: app.log,
  });
}

/** Boards: list, open, create from a pathway template, rename and change owning teams, members. */
export function registerBoardRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const boards = boardAdminFor(app, deps);

  app.get('/api/boards', async (request) => deps.policy.boards(principalOf(request)));

  app.get('/api/boards/:id', async (request) =>
    answer(await boards.summary(principalOf(request), parseParams(boardParams, request.params).id)),
  );

  app.post('/api/boards', async (request, reply) => {
    const body = parseWith(createBoardRequest, request.body);
    return reply.status(201).send(answer(await boards.create(principalOf(request), body)));
  });

  app.patch('/api/boards/:id', async (request) => {
    const principal = requireAdmin(request);
    const { id } = parseParams(boardParams, request.params);
    return answer(await boards.update(principal, id, parseWith(updateBoardRequest, request.body)));
  });

  // A snapshot may load a board (a few hundred milliseconds on a large one): a browser opens one board
  // at a time, so more than this from one person is a loop, refused before it holds up everyone else.
  const snapshots = new RequestWindow(SNAPSHOTS_PER_MINUTE, 60_000);
  // Already JSON: one per change of the board, shared by everyone who opens it meanwhile.
  app.get('/api/boards/:id/snapshot', async (request, reply) => {
    const principal = principalOf(request);
    const { id } = parseParams(boardParams, request.params);
    const snapshot = await snapshots.run(principal.userId, async () =>
      answer(await boards.snapshot(principal, id)),
    );
    if (snapshot === 'busy' || snapshot === 'too-many')
      throw new HttpError(
        429,
        snapshot === 'busy'
          ? 'Huddle is still sending you the last board you opened; try again in a moment'
          : 'You have opened a great many boards in the last minute; try again in a minute',
      );
    reply.type('application/json; charset=utf-8').header('vary', 'accept-encoding');
    if (acceptsGzip(request))
      return reply.header('content-encoding', 'gzip').send(await gzippedSnapshot(snapshot));
    return reply.send(snapshot);
  });

  app.get('/api/boards/:id/members', async (request) =>
    answer(await boards.members(principalOf(request), parseParams(boardParams, request.params).id)),
  );
}
