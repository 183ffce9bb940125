import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/db/connect.ts';
import { isTransientDatabaseError, isUniqueViolation } from '../src/db/errors.ts';
import { JsonbParameter } from '../src/db/jsonRows.ts';
import { createLogger } from '../src/log.ts';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.ts';

const quiet = createLogger('silent');

if (!process.env.DATABASE_URL) {
  describe('the group commit’s database thread', () => {
    it.skip('needs Postgres: set DATABASE_URL (on PGlite the group commit runs on the event loop)', () => {});
  });
} else {
  describe('the group commit’s database thread', () => {
    let testDb: TestDatabase;
    let handle: DatabaseHandle;

    beforeAll(async () => {
      testDb = await createTestDatabase({ kind: 'postgres' });
      handle = await openDatabase({ databaseUrl: testDb.databaseUrl, dataDir: null, log: quiet });
    });
    afterAll(async () => {
      await handle?.close();
      await testDb?.drop();
    });

    const insertBoard = (id: string) =>
      CompiledQuery.raw('insert into boards (id, name) values ($1, $2)', [id, `Board ${id}`]);

    it('runs a statement with text, bytes and jsonb values, as the pool does', async () => {
      await handle.groupCommit.run(insertBoard('thread-board'));
      const update = new Uint8Array([0, 1, 2, 255]);
      await handle.groupCommit.run(
        CompiledQuery.raw(
          `with u as (insert into board_updates (board_id, "update") values ($1, $2))
           insert into audit_events (at, event, board_id, record_type, record_id, field, "after")
           select now(), 'change', $1, 'actions', 'a1', 'title', ($3::jsonb)->'after'`,
          [
            'thread-board',
            update,
            new JsonbParameter(JSON.stringify({ after: { words: 'Ring Mrs Patel' } })),
          ],
        ),
      );
      const stored = await handle.db
        .selectFrom('board_updates')
        .select('update')
        .where('board_id', '=', 'thread-board')
        .executeTakeFirstOrThrow();
      expect([...stored.update]).toEqual([...update]);
      const trail = await handle.db
        .selectFrom('audit_events')
        .select('after')
        .where('board_id', '=', 'thread-board')
        .executeTakeFirstOrThrow();
      expect(trail.after).toEqual({ words: 'Ring Mrs Patel' });
    });

    it('fails a statement the database refuses with its code, not as "for now"', async () => {
      const refused = await handle.groupCommit.run(insertBoard('thread-board')).catch((e: unknown) => e);
      expect(isUniqueViolation(refused)).toBe(true);
      expect(isTransientDatabaseError(refused)).toBe(false);
      // The thread carries on with the next statement.
      await expect(handle.groupCommit.run(insertBoard('thread-board-2'))).resolves.toBeUndefined();
    });

    it('runs statements sent together, each answered', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `thread-many-${i}`);
      await Promise.all(ids.map((id) => handle.groupCommit.run(insertBoard(id))));
      const rows = await handle.db.selectFrom('boards').select('id').where('id', 'in', ids).execute();
      expect(rows).toHaveLength(20);
    });

    it('once closed, refuses statements as a lost connection (tried again later, nothing dropped)', async () => {
      const other = await openDatabase({ databaseUrl: testDb.databaseUrl, dataDir: null, log: quiet });
      await other.groupCommit.run(insertBoard('thread-before-close'));
      await other.close();
      const refused = await other.groupCommit.run(insertBoard('thread-after-close')).catch((e: unknown) => e);
      expect(isTransientDatabaseError(refused)).toBe(true);
    });
  });
}
