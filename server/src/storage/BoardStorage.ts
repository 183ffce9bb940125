import type { BoardChange, ClientBinding } from '../sync/boardChange.ts';

export type { AuditedChange, BoardChange, ClientBinding } from '../sync/boardChange.ts';

/**
 * Where board documents live between server runs. The sync rooms know only this interface;
 * kysely, Postgres and PGlite stay behind it.
 */
export interface BoardStorage {
  /**
   * Everything kept for the board, as one Yjs update: what is stored, and what was appended and is
   * not stored yet. `null` when there is nothing.
   */
  load(boardId: string): Promise<Uint8Array | null>;
  /** The document client ids bound to users on this board (client id -> user id). */
  loadClients(boardId: string): Promise<Map<number, string>>;
  /**
   * Stores client id bindings now, outside the group commit (a binding must be durable before
   * anything under its id is shared). An id already bound keeps its first user: resolves with the
   * bindings already held for these ids with someone else (another process bound them first).
   */
  bindClients(boardId: string, bindings: readonly ClientBinding[]): Promise<ClientBinding[]>;
  /**
   * Adds a change to the board's log (group commit). Resolves once durable. Logs and rejects if the
   * database refuses it; a caller need not wait for or handle the result.
   */
  append(boardId: string, change: BoardChange): Promise<void>;
  /** Folds the board's update log into its snapshot, in one transaction. */
  compact(boardId: string): Promise<void>;
  /** Resolves once every change appended so far is durable. */
  flush(): Promise<void>;
}
