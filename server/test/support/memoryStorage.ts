import * as Y from 'yjs';
import type { BoardStorage } from '../../src/storage/BoardStorage.ts';
import type { NewAuditEvent } from '../../src/db/schema.ts';

/** Board storage in memory, with an optional delay on load, for testing rooms on their own. */
export class MemoryBoardStorage implements BoardStorage {
  readonly updates = new Map<string, Uint8Array[]>();
  readonly audit: NewAuditEvent[] = [];
  loadDelay: Promise<void> = Promise.resolve();

  async load(boardId: string): Promise<Uint8Array | null> {
    await this.loadDelay;
    const updates = this.updates.get(boardId);
    return updates?.length ? Y.mergeUpdates(updates) : null;
  }

  async append(boardId: string, update: Uint8Array, audit: readonly NewAuditEvent[] = []): Promise<void> {
    this.audit.push(...audit);
    const list = this.updates.get(boardId) ?? [];
    list.push(update);
    this.updates.set(boardId, list);
  }

  async compact(boardId: string): Promise<void> {
    const merged = await this.load(boardId);
    this.updates.set(boardId, merged ? [merged] : []);
  }

  async flush(): Promise<void> {}
}
