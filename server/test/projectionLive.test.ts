import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { DEMO } from './support/auth.ts';
import { connectClient, type TestClient } from './support/clients.ts';
import { GRACE, anAction, by, memberCookie, newBoard, testDb } from './support/boards.ts';
import { freshProjection, storedDocument, storedProjection } from './support/projection.ts';
import { refuseRows } from './support/refuseRows.ts';
import { startTestServer } from './support/server.ts';
import type { HuddleServer } from '../src/server.ts';
import { PROJECTION_VERSION } from '../src/projection/projectionTables.ts';
import { openDatabase } from '../src/db/connect.ts';
import { createLogger } from '../src/log.ts';

const quiet = createLogger('silent');

/*
 * The projection kept by the running server: written with each change, in the change's transaction;
 * caught up when a board whose projection is behind opens.
 */

/** Waits until the board's projection in the database equals a fresh read of its stored document. */
async function expectProjectionExact(server: HuddleServer, boardId: string): Promise<void> {
  const db = server.database.db;
  const both = async () => {
    await server.sync.flush();
    const fresh = freshProjection(boardId, await storedDocument(db, boardId));
    return { stored: await storedProjection(db, boardId), fresh };
  };
  await expect
    .poll(async () => {
      const { stored, fresh } = await both();
      return JSON.stringify(stored) === JSON.stringify(fresh);
    })
    .toBe(true)
    .catch(() => undefined);
  const { stored, fresh } = await both();
  expect(stored).toEqual(fresh);
  expect(stored.length).toBeGreaterThan(0);
}

async function openBoard(url: string, boardId: string, email?: string): Promise<TestClient> {
  const client = connectClient(url, boardId, { cookie: await memberCookie(url, email) });
  await client.synced();
  return client;
}

describe('the projection kept by the server', () => {
  it('follows every change to a board, with when each action was proposed, accepted, reassigned and completed', async () => {
    const db = await testDb();
    const server = await startTestServer({ db });
    const boardId = await newBoard(server.url);
    const priya = await openBoard(server.url, boardId);
    const grace = await openBoard(server.url, boardId, DEMO.member);

    // Priya proposes an action to Grace; Grace accepts it and completes it; Priya adds and removes another.
    const proposed = priya.board.addAction(
      { ...anAction('Book the respite stay'), ownerId: GRACE.id!, ownerName: GRACE.name },
      { by: by() },
    );
    await expect.poll(() => grace.board.readActions().length).toBe(1);
    grace.board.updateAction(proposed.id, { status: 'accepted' }, { by: GRACE });
    grace.board.updateAction(proposed.id, { status: 'done' }, { by: GRACE });
    // Priya hands one of hers to Grace; a stage added by mistake is removed.
    const handed = priya.board.addAction(anAction('Order a commode'), { by: by() });
    await expect.poll(() => grace.board.readActions().length).toBe(2);
    priya.board.updateAction(handed.id, { ownerId: GRACE.id!, ownerName: GRACE.name }, { by: by() });
    const stage = { id: 'stage-typed-by-mistake' };
    priya.board.addStage({ name: 'Typed by mistake' }, { by: by(), id: stage.id });
    await expect.poll(() => grace.board.readPathwayStages().some((s) => s.id === stage.id)).toBe(true);
    priya.board.removeStage(stage.id, { by: by() });
    await expect.poll(() => grace.board.readPathwayStages().some((s) => s.id === stage.id)).toBe(false);
    await expectProjectionExact(server, boardId);

    const dbh = server.database.db;
    const action = await dbh
      .selectFrom('projected_actions')
      .selectAll()
      .where('board_id', '=', boardId)
      .where('id', '=', proposed.id)
      .executeTakeFirstOrThrow();
    expect(action).toMatchObject({ status: 'done', owner_id: GRACE.id, created_by_id: 'demo-priya-shah' });
    expect(action.completed_at).toBeInstanceOf(Date);
    const history = await dbh
      .selectFrom('record_transitions')
      .select(['record_id', 'kind', 'from_value', 'to_value', 'user_id', 'source'])
      .where('board_id', '=', boardId)
      .where('collection', '=', 'actions')
      .orderBy('id')
      .execute();
    expect(history.filter((t) => t.record_id === proposed.id)).toEqual([
      {
        record_id: proposed.id,
        kind: 'created',
        from_value: null,
        to_value: 'proposed',
        user_id: 'demo-priya-shah',
        source: 'change',
      },
      {
        record_id: proposed.id,
        kind: 'status',
        from_value: 'proposed',
        to_value: 'accepted',
        user_id: GRACE.id,
        source: 'change',
      },
      {
        record_id: proposed.id,
        kind: 'status',
        from_value: 'accepted',
        to_value: 'done',
        user_id: GRACE.id,
        source: 'change',
      },
    ]);
    expect(history.filter((t) => t.record_id === handed.id)).toEqual([
      expect.objectContaining({ kind: 'created', to_value: 'accepted' }),
      expect.objectContaining({ kind: 'status', from_value: 'accepted', to_value: 'proposed' }),
      {
        record_id: handed.id,
        kind: 'owner',
        from_value: 'demo-priya-shah',
        to_value: GRACE.id,
        user_id: 'demo-priya-shah',
        source: 'change',
      },
    ]);
    const stages = await dbh
      .selectFrom('projected_stages')
      .select('id')
      .where('board_id', '=', boardId)
      .execute();
    expect(stages.map((s) => s.id)).not.toContain(stage.id);
    priya.destroy();
    grace.destroy();
  });

  it('catches up a board whose projection is behind (rows lost, an older version) as the server starts, before anyone opens it', async () => {
    const db = await testDb();
    const first = await startTestServer({ db });
    const boardId = await newBoard(first.url);
    const priya = await openBoard(first.url, boardId);
    for (const title of ['Falls review', 'Order a commode', 'Check medication'])
      priya.board.addAction(anAction(title), { by: by() });
    await expectProjectionExact(first, boardId);
    priya.destroy();
    await first.close();

    // Behind: two rows gone, one changed, and the mark of an older version of the projection.
    const direct = await openDatabase({ databaseUrl: db.databaseUrl, dataDir: db.dataDir, log: quiet });
    const dbh = direct.db;
    const [gone] = await dbh
      .selectFrom('projected_actions')
      .select('id')
      .where('board_id', '=', boardId)
      .execute();
    await dbh
      .deleteFrom('projected_actions')
      .where('board_id', '=', boardId)
      .where('id', '=', gone!.id)
      .execute();
    await dbh.deleteFrom('projected_people').where('board_id', '=', boardId).execute();
    await dbh
      .updateTable('projected_actions')
      .set({ status: 'cancelled' })
      .where('board_id', '=', boardId)
      .execute();
    await dbh
      .updateTable('board_projections')
      .set({ version: PROJECTION_VERSION - 1 })
      .where('board_id', '=', boardId)
      .execute();
    expect((await storedProjection(dbh, boardId)).length).toBeLessThan(
      freshProjection(boardId, await storedDocument(dbh, boardId)).length,
    );
    await direct.close();

    const second = await startTestServer({ db });
    await expectProjectionExact(second, boardId);
    const mark = await second.database.db
      .selectFrom('board_projections')
      .selectAll()
      .where('board_id', '=', boardId)
      .executeTakeFirstOrThrow();
    expect(mark.version).toBe(PROJECTION_VERSION);
  });

  it('keeps a change whose projection rows the database refuses, and projects the board again when the server next starts', async () => {
    const db = await testDb();
    const first = await startTestServer({ db, storage: { flushIntervalMs: 5 } });
    const boardId = await newBoard(first.url);
    const dbh = first.database.db;
    const stopRefusing = await refuseRows(dbh, 'projected_actions', `new.record->>'title' like 'Refused%'`);
    const priya = await openBoard(first.url, boardId);
    priya.board.addAction(anAction('Refused by the database'), { by: by() });
    priya.board.addAction(anAction('Stored as usual'), { by: by() });
    await first.sync.flush();
    await expect
      .poll(
        async () =>
          (
            await dbh
              .selectFrom('board_projections')
              .select('version')
              .where('board_id', '=', boardId)
              .executeTakeFirst()
          )?.version,
      )
      .toBe(0);
    // The change itself is stored: the document has both actions.
    const stored = await storedDocument(dbh, boardId);
    expect(
      [...stored.getMap('actions').values()].map((a) => (a as Y.Map<unknown>).get('title')).sort(),
    ).toEqual(['Refused by the database', 'Stored as usual']);
    priya.destroy();
    await stopRefusing();
    await first.close();

    const second = await startTestServer({ db });
    await expectProjectionExact(second, boardId);
    const titles = await second.database.db
      .selectFrom('projected_actions')
      .select(sql<string>`record->>'title'`.as('title'))
      .where('board_id', '=', boardId)
      .execute();
    expect(titles.map((t) => t.title).sort()).toEqual(['Refused by the database', 'Stored as usual']);
  });

  it('projects what a hostile client writes (text Postgres refuses) as Postgres can hold it, refuses an id thousands of characters long, and holds back nothing else', async () => {
    const db = await testDb();
    const server = await startTestServer({ db });
    const boardId = await newBoard(server.url);
    const priya = await openBoard(server.url, boardId);
    const longId = `action-${'x'.repeat(5_000)}`;
    priya.board.addAction(anAction('Made with a very long id'), { by: by(), id: longId });
    priya.board.addAction(anAction('Ring the GP\u0000 about \ud800 the bloods'), { by: by() });
    priya.board.addAction(anAction('An ordinary action'), { by: by() });
    await expectProjectionExact(server, boardId);
    // The long id is refused, and she is told why; the rest of the board is projected as it stands.
    expect(priya.refusals.map((r) => r.message)).toEqual([
      expect.stringContaining('A new action needs an id of up to 64 letters, digits, - or _'),
    ]);
    const rows = await server.database.db
      .selectFrom('projected_actions')
      .select(['id', sql<string>`record->>'title'`.as('title')])
      .where('board_id', '=', boardId)
      .execute();
    expect(rows.map((r) => r.title).sort()).toEqual([
      'An ordinary action',
      'Ring the GP\ufffd about \ufffd the bloods',
    ]);
    priya.destroy();
  });
});
