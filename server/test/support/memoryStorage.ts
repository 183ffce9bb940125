import * as Y from 'yjs';
import type {
  AuditedChange,
  BoardChange,
  BoardStorage,
  ClientBinding,
} from '../../src/storage/BoardStorage.ts';

/** Board storage in memory, with an optional delay on load, for testing rooms on their own. */
export class MemoryBoardStorage implements BoardStorage {
  readonly updates = new Map<string, Uint8Array[]>();
  readonly audit: AuditedChange[] = [];
  readonly clients = new Map<string, Map<number, string>>();
  loadDelay: Promise<void> = Promise.resolve();
  /** Held while a test wants storing client id bindings to be slow. */
  bindDelay: Promise<void> = Promise.resolve();

  async load(boardId: string): Promise<Uint8Array | null> {
    await this.loadDelay;
    const updates = this.updates.get(boardId);
    return updates?.length ? Y.mergeUpdates(updates) : null;
  }

  async loadClients(boardId: string): Promise<Map<number, string>> {
    return new Map(this.clients.get(boardId));
  }

  async bindClients(boardId: string, bindings: readonly ClientBinding[]): Promise<void> {
    await this.bindDelay;
    await this.append(boardId, { update: new Uint8Array([0, 0]), clients: bindings });
  }

  async append(boardId: string, change: BoardChange): Promise<void> {
    this.audit.push(...(change.audit ?? []));
    const list = this.updates.get(boardId) ?? [];
    list.push(change.update);
    this.updates.set(boardId, list);
    let clients = this.clients.get(boardId);
    if (!clients) this.clients.set(boardId, (clients = new Map()));
    for (const { clientId, userId } of change.clients ?? []) {
      if (!clients.has(clientId)) clients.set(clientId, userId);
    }
  }

  async compact(boardId: string): Promise<void> {
    const merged = await this.load(boardId);
    this.updates.set(boardId, merged ? [merged] : []);
  }

  async flush(): Promise<void> {}
}
