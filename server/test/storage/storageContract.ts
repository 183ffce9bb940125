import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StorageConfig } from '../../src/config.ts';
import type { BoardStorage } from '../../src/storage/BoardStorage.ts';

/** A board storage under test, and the database (or memory) behind it. */
export interface StorageUnderTest {
  /**
   * A storage on the backend; every call a new one over the same data, as a second server process
   * on the same database would be. `config` is for storages that take one.
   */
  storage(config?: Partial<StorageConfig>): BoardStorage;
  /** A new board, as creating it through the admin pages would make it. */
  newBoard(): Promise<string>;
  /** A new user, whom document client ids can be bound to. */
  newUser(): Promise<string>;
  close(): Promise<void>;
}

/** The update that sets `key` in a test document's `notes` map. */
export function edit(doc: Y.Doc, key: string, value: unknown): Uint8Array {
  let update: Uint8Array | null = null;
  const capture = (u: Uint8Array) => (update = u);
  doc.once('update', capture);
  doc.getMap('notes').set(key, value);
  return update!;
}

/** The `notes` map of a stored state. */
export function contentOf(state: Uint8Array | null): Record<string, unknown> {
  const doc = new Y.Doc();
  if (state) Y.applyUpdate(doc, state);
  return doc.getMap('notes').toJSON();
}

/**
 * What every board storage must do, whatever is behind it: one contract for the storage in memory
 * the room tests use, and the Postgres storage on PGlite and on Postgres. Told only through the
 * `BoardStorage` interface.
 */
export function boardStorageContract(name: string, open: () => Promise<StorageUnderTest>): void {
  describe(`board storage contract: ${name}`, () => {
    let backend: StorageUnderTest;

    beforeEach(async () => {
      backend = await open();
    });
    afterEach(async () => {
      await backend.close();
    });

    it('loads nothing for a board with nothing stored', async () => {
      expect(await backend.storage().load(await backend.newBoard())).toBeNull();
    });

    it('loads back every appended update, from another storage on the same data', async () => {
      const storage = backend.storage();
      const boardId = await backend.newBoard();
      const doc = new Y.Doc();
      await storage.append(boardId, { update: edit(doc, 'a', 1) });
      await storage.append(boardId, { update: edit(doc, 'b', 'two') });
      expect(contentOf(await backend.storage().load(boardId))).toEqual({ a: 1, b: 'two' });
    });

    it('keeps boards apart, appended together', async () => {
      const storage = backend.storage();
      const [one, two] = [await backend.newBoard(), await backend.newBoard()];
      await Promise.all([
        storage.append(one, { update: edit(new Y.Doc(), 'x', 1) }),
        storage.append(two, { update: edit(new Y.Doc(), 'y', 2) }),
      ]);
      expect(contentOf(await storage.load(one))).toEqual({ x: 1 });
      expect(contentOf(await storage.load(two))).toEqual({ y: 2 });
    });

    it('flush resolves only once everything appended is stored', async () => {
      const storage = backend.storage({ flushIntervalMs: 5_000 });
      const boardId = await backend.newBoard();
      void storage.append(boardId, { update: edit(new Y.Doc(), 'late', true) });
      await storage.flush();
      expect(contentOf(await backend.storage().load(boardId))).toEqual({ late: true });
    });

    it('keeps the content through a compaction, and what is appended after it', async () => {
      const storage = backend.storage();
      const boardId = await backend.newBoard();
      const doc = new Y.Doc();
      for (let i = 0; i < 20; i++) await storage.append(boardId, { update: edit(doc, 'counter', i) });
      await storage.compact(boardId);
      expect(contentOf(await backend.storage().load(boardId))).toEqual({ counter: 19 });
      await storage.append(boardId, { update: edit(doc, 'after', 'compaction') });
      expect(contentOf(await backend.storage().load(boardId))).toEqual({
        counter: 19,
        after: 'compaction',
      });
    });

    it('loses nothing appended while a compaction runs, from two storages at once', async () => {
      const storage = backend.storage({ flushIntervalMs: 1 });
      const other = backend.storage({ flushIntervalMs: 1 });
      const boardId = await backend.newBoard();
      const doc = new Y.Doc();
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 100; i++) {
        writes.push((i % 2 ? storage : other).append(boardId, { update: edit(doc, `k${i}`, i) }));
        if (i % 10 === 0) writes.push(storage.compact(boardId));
      }
      await Promise.all(writes);
      await storage.compact(boardId);
      expect(Object.keys(contentOf(await backend.storage().load(boardId)))).toHaveLength(100);
    });

    it('refuses an update for a board that does not exist without holding back other boards', async () => {
      const storage = backend.storage({ flushIntervalMs: 20 });
      const boardId = await backend.newBoard();
      const refused = storage.append('no-such-board', { update: edit(new Y.Doc(), 'x', 1) });
      const accepted = storage.append(boardId, { update: edit(new Y.Doc(), 'y', 2) });
      await expect(refused).rejects.toThrow();
      await accepted;
      expect(contentOf(await storage.load(boardId))).toEqual({ y: 2 });
    });

    it('keeps the user each document client id is bound to, with a change or on its own; the first binding stays', async () => {
      const storage = backend.storage();
      const boardId = await backend.newBoard();
      const [first, second] = [await backend.newUser(), await backend.newUser()];
      const doc = new Y.Doc();
      await storage.append(boardId, {
        update: edit(doc, 'a', 1),
        clients: [{ clientId: doc.clientID, userId: first }],
      });
      await storage.append(boardId, {
        update: edit(doc, 'b', 2),
        clients: [
          { clientId: doc.clientID, userId: second },
          { clientId: 4_294_967_295, userId: second },
        ],
      });
      // The second binding was someone else's first (as when another process bound it): said so.
      expect(
        await storage.bindClients(boardId, [
          { clientId: 7, userId: first },
          { clientId: 4_294_967_295, userId: first },
        ]),
      ).toEqual([{ clientId: 4_294_967_295, userId: second }]);
      expect(await storage.bindClients(boardId, [{ clientId: 7, userId: first }])).toEqual([]);
      const byClient = (clients: Map<number, string>) => [...clients].sort((a, b) => a[0] - b[0]);
      expect(byClient(await backend.storage().loadClients(boardId))).toEqual(
        byClient(
          new Map([
            [doc.clientID, first],
            [4_294_967_295, second],
            [7, first],
          ]),
        ),
      );
      expect(await backend.storage().loadClients(await backend.newBoard())).toEqual(new Map());
    });
  });
}
