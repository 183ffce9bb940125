import * as Y from 'yjs';
import type {
  AuditedChange,
  BoardChange,
  BoardStorage,
  ClientBinding,
} from '../../src/storage/BoardStorage.ts';
import type { ProjectedRecord, RecordTransition } from '../../src/sync/boardChange.ts';
import type { ProjectionState } from '../../src/projection/projectionHook.ts';

/** One board's projection as the database's tables would hold it. */
export interface MemoryProjection {
  /** Written whole at least once, and nothing has put it behind since. */
  current: boolean;
  records: Map<string, ProjectedRecord>;
  transitions: RecordTransition[];
}

/** What in-memory storages share, as storages on one database share its tables. */
export class MemoryBoards implements ProjectionState {
  readonly updates = new Map<string, Uint8Array[]>();
  readonly audit: AuditedChange[] = [];
  readonly clients = new Map<string, Map<number, string>>();
  readonly projections = new Map<string, MemoryProjection>();

  async isCurrent(boardId: string): Promise<boolean> {
    return this.projections.get(boardId)?.current ?? false;
  }

  /** The board's projected records, sorted as a fresh projection of its document can be compared with. */
  projected(boardId: string): ProjectedRecord[] {
    return [...(this.projections.get(boardId)?.records.values() ?? [])].sort(byRecord);
  }
}

/** Projected records in one order: by collection, then id. */
export function byRecord(a: ProjectedRecord, b: ProjectedRecord): number {
  return a.collection.localeCompare(b.collection) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
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

  async bindClients(boardId: string, bindings: readonly ClientBinding[]): Promise<ClientBinding[]> {
    await this.bindDelay;
    const held = this.boards.clients.get(boardId) ?? new Map<number, string>();
    const taken = bindings.flatMap(({ clientId, userId }) => {
      const owner = held.get(clientId);
      return owner !== undefined && owner !== userId ? [{ clientId, userId: owner }] : [];
    });
    await this.append(boardId, { update: new Uint8Array([0, 0]), clients: bindings });
    return taken;
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
    const projection = change.projection;
    if (projection) {
      let kept = this.boards.projections.get(boardId);
      if (!kept)
        this.boards.projections.set(
          boardId,
          (kept = { current: false, records: new Map(), transitions: [] }),
        );
      if (projection.whole) {
        kept.records.clear();
        kept.current = true;
      }
      if (projection.behind) kept.current = false;
      const key = (r: { collection: string; id: string }) => `${r.collection}\u0000${r.id}`;
      for (const removed of projection.removed) kept.records.delete(key(removed));
      for (const record of projection.records) kept.records.set(key(record), record);
      kept.transitions.push(...projection.transitions);
    }
  }

  async compact(boardId: string): Promise<void> {
    const merged = await this.load(boardId);
    if (this.boards.updates.has(boardId)) this.boards.updates.set(boardId, merged ? [merged] : []);
  }

  async flush(): Promise<void> {}
}
