import * as Y from 'yjs';
import type {
  AuditedChange,
  BoardChange,
  BoardStorage,
  ClientBinding,
} from '../../src/storage/BoardStorage.ts';

/** What in-memory storages share, as storages on one database share its tables. */
export class MemoryBoards {
  readonly updates = new Map<string, Uint8Array[]>();
  readonly audit: AuditedChange[] = [];
  readonly clients = new Map<string, Map<number, string>>();
}

/**
 * Board storage in memory, for testing rooms on their own; it keeps the storage contract
 * (`test/storage/storageContract.ts`) as the database's does. Optional delays on load and on
 * storing client bindings.
 */
export class MemoryBoardStorage implements BoardStorage {
  loadDelay: Promise<void> = Promise.resolve();
  /** Held while a test wants storing client id bindings to be slow. */
  bindDelay: Promise<void> = Promise.resolve();

  constructor(readonly boards = new MemoryBoards()) {}

  /** Adds a board (as creating it in the database would), holding `state` if given. */
  createBoard(boardId: string, state?: Uint8Array): void {
    this.boards.updates.set(boardId, state ? [state] : []);
  }

  async load(boardId: string): Promise<Uint8Array | null> {
    await this.loadDelay;
    const updates = this.boards.updates.get(boardId);
    return updates?.length ? Y.mergeUpdates(updates) : null;
  }

  async loadClients(boardId: string): Promise<Map<number, string>> {
    return new Map(this.boards.clients.get(boardId));
  }

  async bindClients(boardId: string, bindings: readonly ClientBinding[]): Promise<void> {
    await this.bindDelay;
    await this.append(boardId, { update: new Uint8Array([0, 0]), clients: bindings });
  }

  async append(boardId: string, change: BoardChange): Promise<void> {
    const list = this.boards.updates.get(boardId);
    if (!list) throw new Error(`there is no board ${boardId}`);
    this.boards.audit.push(...(change.audit ?? []));
    list.push(change.update);
    let clients = this.boards.clients.get(boardId);
    if (!clients) this.boards.clients.set(boardId, (clients = new Map()));
    for (const { clientId, userId } of change.clients ?? []) {
      if (!clients.has(clientId)) clients.set(clientId, userId);
    }
  }

  async compact(boardId: string): Promise<void> {
    const merged = await this.load(boardId);
    if (this.boards.updates.has(boardId)) this.boards.updates.set(boardId, merged ? [merged] : []);
  }

  async flush(): Promise<void> {}
}
