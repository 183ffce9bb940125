import * as Y from 'yjs';
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import type { Kysely } from 'kysely';
import type { AuditedChange } from '../../src/storage/BoardStorage.ts';
import type { Database } from '../../src/db/schema.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/connect.ts';
import { createLogger } from '../../src/log.ts';
import { PostgresBoardStorage } from '../../src/storage/postgresBoardStorage.ts';
import type { StorageConfig } from '../../src/config.ts';
import { refuseRows } from '../support/refuseRows.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';
import { contentOf, edit, type StorageUnderTest } from './storageContract.ts';

const log = createLogger('silent');

async function logRows(db: Kysely<Database>, boardId: string): Promise<number> {
  const row = await db
    .selectFrom('board_updates')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('board_id', '=', boardId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function auditRowsOf(db: Kysely<Database>, boardId: string) {
  return db
    .selectFrom('audit_events')
    .select(['record_type', 'record_id', 'field', 'before', 'after'])
    .where('board_id', '=', boardId)
    .orderBy('id')
    .execute();
}

/** A trail row for `edit`'s change, by a test user. */
function audited(recordId: string, after: AuditedChange['after'] = 'value'): AuditedChange {
  return {
    at: new Date(),
    user: { id: 'user-test', name: 'Test User' },
    recordType: 'notes',
    recordId,
    field: 'title',
    before: null,
    after,
  };
}

/**
 * What the Postgres storage does besides the contract every storage keeps: group commit, snapshots,
 * text made storable, and a board whose rows the database refuses kept apart from the others. Runs
 * on PGlite and, when DATABASE_URL is set, on Postgres.
 */
export function postgresBoardStorageSuite(kind: 'pglite' | 'postgres'): void {
  describe(`Postgres board storage on ${kind}`, () => {
    let testDb: TestDatabase;
    let handle: DatabaseHandle;
    let boardSeq = 0;

    const storageWith = (config: Partial<StorageConfig> = {}) =>
      new PostgresBoardStorage(
        handle.db,
        { flushIntervalMs: 10, compactThreshold: 1000, warnAfterMs: 5_000, ...config },
        log,
      );

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

    it('keeps text a client controls as Postgres can hold it: NUL, broken surrogates, long names, BigInt, deep nesting', async () => {
      const storage = storageWith();
      const boardId = await newBoard();
      let deep: AuditedChange['after'] = 'bottom';
      for (let i = 0; i < 2_000; i++) deep = [deep];
      const change = {
        update: edit(new Y.Doc(), 'a', 1),
        audit: [
          { ...audited(`id-\0-${'x'.repeat(4_000)}`), field: 'ti\0tle', after: 'nul \0 and \uD800 alone' },
          audited('big', { amount: 10n } as unknown as AuditedChange['after']),
          audited('deep', deep),
        ],
      };
      await storage.append(boardId, change);
      const rows = await auditRowsOf(handle.db, boardId);
      expect(rows).toHaveLength(3);
      expect(rows[0]!.record_id!.length).toBeLessThanOrEqual(200);
      expect(rows[0]!.field).toBe('ti\uFFFDtle');
      expect(rows[0]!.after).toBe('nul \uFFFD and \uFFFD alone');
      expect(rows[1]!.after).toEqual({ amount: '10' });
      expect(JSON.stringify(rows[2]!.after)).toContain('nested too deeply');
      expect(contentOf(await storage.load(boardId))).toEqual({ a: 1 });
    });

    it('stores the other boards of a batch when the database refuses one board’s trail row, and that board’s update too, with a marker in its trail', async () => {
      const storage = storageWith({ flushIntervalMs: 30 });
      const [refused, other] = [await newBoard(), await newBoard()];
      const stop = await refuseRows(handle.db, 'audit_events', `new.record_id = 'refuse-me'`);
      await Promise.all([
        storage.append(refused, {
          update: edit(new Y.Doc(), 'kept', 'yes'),
          audit: [audited('fine-1'), audited('refuse-me'), audited('fine-2')],
        }),
        storage.append(other, { update: edit(new Y.Doc(), 'other', 2), audit: [audited('other-1')] }),
      ]);
      await stop();
      expect(contentOf(await storageWith().load(other))).toEqual({ other: 2 });
      expect((await auditRowsOf(handle.db, other)).map((r) => r.record_id)).toEqual(['other-1']);
      expect(contentOf(await storageWith().load(refused))).toEqual({ kept: 'yes' });
      const trail = await auditRowsOf(handle.db, refused);
      expect(trail.map((r) => r.record_id)).toEqual(['fine-1', 'fine-2', null]);
      expect(trail[2]!.after).toMatchObject({ auditRows: 1, clientBindings: 0 });
      expect(storage.backlog()).toMatchObject({ pendingUpdates: 0, refusedBoards: [] });
    });

    it('stores a change whose document client binding the database refuses, and says so in the trail', async () => {
      const storage = storageWith();
      const boardId = await newBoard();
      await storage.append(boardId, {
        update: edit(new Y.Doc(), 'a', 1),
        audit: [audited('a')],
        clients: [{ clientId: 7, userId: 'no-such-user' }],
      });
      expect(contentOf(await storageWith().load(boardId))).toEqual({ a: 1 });
      expect(await storageWith().loadClients(boardId)).toEqual(new Map());
      const trail = await auditRowsOf(handle.db, boardId);
      expect(trail.map((r) => r.record_id)).toEqual(['a', null]);
      expect(trail[1]!.after).toMatchObject({ auditRows: 0, clientBindings: 1 });
    });

    it('keeps a board’s update the database refuses, stores every other board meanwhile, and stores it once the database takes it', async () => {
      const storage = storageWith({ flushIntervalMs: 20 });
      const [held, other] = [await newBoard(), await newBoard()];
      const stop = await refuseRows(handle.db, 'board_updates', `new.board_id = '${held}'`);
      const heldWrite = storage.append(held, { update: edit(new Y.Doc(), 'held', 1), audit: [audited('h')] });
      await storage.append(other, { update: edit(new Y.Doc(), 'other', 1) });
      await expect.poll(() => storage.backlog().refusedBoards).toEqual([held]);
      // Nothing waits for a refused board: unloading and shutting down carry on.
      await storage.flush();
      await storage.append(other, { update: edit(new Y.Doc(), 'later', 2) });
      expect(contentOf(await storageWith().load(other))).toEqual({ other: 1, later: 2 });
      expect(storage.backlog()).toMatchObject({ pendingUpdates: 1, refusedBoards: [held] });
      expect(storage.backlog().boards.has(held)).toBe(true);
      // Not stored, yet still the board's: opening it again on this server loses nothing.
      expect(contentOf(await storageWith().load(held))).toEqual({});
      expect(contentOf(await storage.load(held))).toEqual({ held: 1 });
      await stop();
      await heldWrite;
      expect(contentOf(await storageWith().load(held))).toEqual({ held: 1 });
      expect((await auditRowsOf(handle.db, held)).map((r) => r.record_id)).toEqual(['h']);
      expect(storage.backlog()).toMatchObject({
        pendingUpdates: 0,
        oldestPendingAt: null,
        refusedBoards: [],
      });
    });

    it('does not let a board whose writes fail "for now" every time hold back the other boards', async () => {
      const storage = storageWith();
      const [stuck, other] = [await newBoard(), await newBoard()];
      const stop = await refuseRows(handle.db, 'board_updates', `new.board_id = '${stuck}'`, '40001');
      const stuckWrite = storage.append(stuck, { update: edit(new Y.Doc(), 'stuck', 1) });
      await storage.append(other, { update: edit(new Y.Doc(), 'other', 1) });
      await expect.poll(() => storage.backlog().refusedBoards).toEqual([stuck]);
      await storage.append(other, { update: edit(new Y.Doc(), 'later', 2) });
      expect(contentOf(await storageWith().load(other))).toEqual({ other: 1, later: 2 });
      await stop();
      await stuckWrite;
      expect(contentOf(await storageWith().load(stuck))).toEqual({ stuck: 1 });
      expect(storage.backlog().refusedBoards).toEqual([]);
    });

    it('retries a write the database could not make now (a serialisation failure) without leaving any trail row out', async () => {
      const storage = storageWith();
      const boardId = await newBoard();
      const stop = await refuseRows(handle.db, 'audit_events', `new.record_id = 'busy'`, '40001');
      const write = storage.append(boardId, {
        update: edit(new Y.Doc(), 'a', 1),
        audit: [audited('busy'), audited('other')],
      });
      await expect.poll(() => storage.backlog().pendingUpdates).toBe(1);
      expect(storage.backlog().oldestPendingAt).not.toBeNull();
      expect(await logRows(handle.db, boardId)).toBe(0);
      await stop();
      await write;
      expect((await auditRowsOf(handle.db, boardId)).map((r) => r.record_id)).toEqual(['busy', 'other']);
      expect(storage.backlog().pendingUpdates).toBe(0);
    });
  });
}

/** The Postgres storage on a fresh database of `kind`, for the storage contract. */
export async function postgresStorageUnderTest(kind: 'pglite' | 'postgres'): Promise<StorageUnderTest> {
  const testDb = await createTestDatabase({ kind });
  const handle = await openDatabase({ databaseUrl: testDb.databaseUrl, dataDir: testDb.dataDir, log });
  const storages: PostgresBoardStorage[] = [];
  let seq = 0;
  return {
    storage(config = {}) {
      const storage = new PostgresBoardStorage(
        handle.db,
        { flushIntervalMs: 10, compactThreshold: 1000, warnAfterMs: 5_000, ...config },
        log,
      );
      storages.push(storage);
      return storage;
    },
    async newBoard() {
      const id = `board-${++seq}`;
      await handle.db
        .insertInto('boards')
        .values({ id, name: `Board ${seq}` })
        .execute();
      return id;
    },
    async newUser() {
      const id = `user-${++seq}`;
      await handle.db
        .insertInto('users')
        .values({
          id,
          name: `User ${seq}`,
          email: `${id}@example.test`,
          profession: 'GP',
          organisation_id: null,
          role: null,
          password_hash: null,
        })
        .execute();
      return id;
    },
    async close() {
      await Promise.all(storages.map((storage) => storage.flush()));
      await handle.close();
      await testDb.drop();
    },
  };
}
