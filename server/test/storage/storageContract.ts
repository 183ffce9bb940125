import * as Y from 'yjs';
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/connect.ts';
import { createLogger } from '../../src/log.ts';
import { PostgresBoardStorage } from '../../src/storage/postgresBoardStorage.ts';
import type { StorageConfig } from '../../src/config.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const log = createLogger('silent');

function edit(doc: Y.Doc, key: string, value: unknown): Uint8Array {
  let update: Uint8Array | null = null;
  const capture = (u: Uint8Array) => (update = u);
  doc.once('update', capture);
  doc.getMap('notes').set(key, value);
  return update!;
}

function contentOf(state: Uint8Array | null): Record<string, unknown> {
  const doc = new Y.Doc();
  if (state) Y.applyUpdate(doc, state);
  return doc.getMap('notes').toJSON();
}

async function logRows(db: Kysely<Database>, boardId: string): Promise<number> {
  const row = await db
    .selectFrom('board_updates')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('board_id', '=', boardId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * What every board storage must do, whichever database is behind it. Runs against PGlite and,
 * when DATABASE_URL is set, against Postgres.
 */
export function boardStorageContract(kind: 'pglite' | 'postgres'): void {
  describe(`board storage on ${kind}`, () => {
    let testDb: TestDatabase;
    let handle: DatabaseHandle;
    let boardSeq = 0;

    const storageWith = (config: Partial<StorageConfig> = {}) =>
      new PostgresBoardStorage(handle.db, { flushIntervalMs: 10, compactThreshold: 1000, ...config }, log);

    const newBoard = async () => {
      const id = `board-${++boardSeq}`;
      await handle.db
        .insertInto('boards')
        .values({ id, name: `Board ${boardSeq}` })
        .execute();
      return id;
    };

    beforeEach(async () => {
      testDb = await createTestDatabase({ kind });
      handle = await openDatabase({ databaseUrl: testDb.databaseUrl, dataDir: testDb.dataDir, log });
      expect(handle.kind).toBe(kind);
    });

    afterEach(async () => {
      await handle.close();
      await testDb.drop();
    });

    it('loads nothing for a board with nothing stored', async () => {
      const storage = storageWith();
      expect(await storage.load(await newBoard())).toBeNull();
    });

    it('loads back every appended update', async () => {
      const storage = storageWith();
      const boardId = await newBoard();
      const doc = new Y.Doc();
      await storage.append(boardId, { update: edit(doc, 'a', 1) });
      await storage.append(boardId, { update: edit(doc, 'b', 'two') });
      expect(contentOf(await storageWith().load(boardId))).toEqual({ a: 1, b: 'two' });
    });

    it('writes updates that arrive together in one insert (group commit)', async () => {
      const storage = storageWith({ flushIntervalMs: 30 });
      const boardId = await newBoard();
      const doc = new Y.Doc();
      const writes = Array.from({ length: 50 }, (_, i) =>
        storage.append(boardId, { update: edit(doc, `k${i}`, i) }),
      );
      await Promise.all(writes);
      expect(await logRows(handle.db, boardId)).toBeLessThanOrEqual(2);
      expect(Object.keys(contentOf(await storage.load(boardId)))).toHaveLength(50);
    });

    it('keeps boards apart in one batch', async () => {
      const storage = storageWith();
      const [one, two] = [await newBoard(), await newBoard()];
      await Promise.all([
        storage.append(one, { update: edit(new Y.Doc(), 'x', 1) }),
        storage.append(two, { update: edit(new Y.Doc(), 'y', 2) }),
      ]);
      expect(contentOf(await storage.load(one))).toEqual({ x: 1 });
      expect(contentOf(await storage.load(two))).toEqual({ y: 2 });
    });

    it('flush resolves only once everything appended is stored', async () => {
      const storage = storageWith({ flushIntervalMs: 5_000 });
      const boardId = await newBoard();
      void storage.append(boardId, { update: edit(new Y.Doc(), 'late', true) });
      await storage.flush();
      expect(contentOf(await storageWith().load(boardId))).toEqual({ late: true });
    });

    it('compaction folds the log into a snapshot and keeps the content', async () => {
      const storage = storageWith();
      const boardId = await newBoard();
      const doc = new Y.Doc();
      for (let i = 0; i < 20; i++) await storage.append(boardId, { update: edit(doc, 'counter', i) });
      expect(await logRows(handle.db, boardId)).toBe(20);
      await storage.compact(boardId);
      expect(await logRows(handle.db, boardId)).toBe(0);
      const snapshot = await handle.db
        .selectFrom('board_snapshots')
        .select('state')
        .where('board_id', '=', boardId)
        .executeTakeFirstOrThrow();
      expect(contentOf(snapshot.state)).toEqual({ counter: 19 });
      await storage.append(boardId, { update: edit(doc, 'after', 'compaction') });
      expect(contentOf(await storage.load(boardId))).toEqual({ counter: 19, after: 'compaction' });
    });

    it('compacts by itself once the log reaches the threshold', async () => {
      const storage = storageWith({ compactThreshold: 5 });
      const boardId = await newBoard();
      await storage.load(boardId);
      const doc = new Y.Doc();
      for (let i = 0; i < 5; i++) await storage.append(boardId, { update: edit(doc, `k${i}`, i) });
      await expect.poll(() => logRows(handle.db, boardId)).toBe(0);
      expect(Object.keys(contentOf(await storage.load(boardId)))).toHaveLength(5);
    });

    it('loses nothing appended while a compaction runs', async () => {
      const storage = storageWith({ flushIntervalMs: 1 });
      const other = storageWith({ flushIntervalMs: 1 });
      const boardId = await newBoard();
      const doc = new Y.Doc();
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 100; i++) {
        writes.push((i % 2 ? storage : other).append(boardId, { update: edit(doc, `k${i}`, i) }));
        if (i % 10 === 0) writes.push(storage.compact(boardId));
      }
      await Promise.all(writes);
      await storage.compact(boardId);
      expect(Object.keys(contentOf(await storage.load(boardId)))).toHaveLength(100);
    });

    it('refuses an update for a board that does not exist without holding back other boards', async () => {
      const storage = storageWith({ flushIntervalMs: 20 });
      const boardId = await newBoard();
      const refused = storage.append('no-such-board', { update: edit(new Y.Doc(), 'x', 1) });
      const accepted = storage.append(boardId, { update: edit(new Y.Doc(), 'y', 2) });
      await expect(refused).rejects.toThrow();
      await accepted;
      expect(contentOf(await storage.load(boardId))).toEqual({ y: 2 });
    });
    it('keeps the user each document client id is bound to, with its change; the first binding stays', async () => {
      const storage = storageWith();
      const boardId = await newBoard();
      const [first, second] = await Promise.all(
        ['ann', 'ben'].map(async (name) => {
          const id = `user-${name}-${boardSeq}`;
          await handle.db
            .insertInto('users')
            .values({
              id,
              name,
              email: `${id}@example.test`,
              profession: 'GP',
              organisation_id: null,
              role: null,
              password_hash: null,
            })
            .execute();
          return id;
        }),
      );
      const doc = new Y.Doc();
      await storage.append(boardId, {
        update: edit(doc, 'a', 1),
        clients: [{ clientId: doc.clientID, userId: first! }],
      });
      await storage.append(boardId, {
        update: edit(doc, 'b', 2),
        clients: [
          { clientId: doc.clientID, userId: second! },
          { clientId: 4_294_967_295, userId: second! },
        ],
      });
      const clients = await storageWith().loadClients(boardId);
      expect([...clients].sort((a, b) => a[0] - b[0])).toEqual(
        [
          [doc.clientID, first],
          [4_294_967_295, second],
        ].sort((a, b) => (a[0] as number) - (b[0] as number)),
      );
      expect(await storageWith().loadClients(await newBoard())).toEqual(new Map());
    });
  });
}
