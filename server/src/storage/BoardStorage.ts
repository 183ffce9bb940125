import type { NewAuditEvent } from '../db/schema.ts';

/**
 * Where board documents live between server runs. The sync rooms know only this interface;
 * kysely, Postgres and PGlite stay behind it.
 */
export interface BoardStorage {
  /** Everything stored for the board, as one Yjs update; `null` when nothing is stored yet. */
  load(boardId: string): Promise<Uint8Array | null>;
  /**
   * Adds an update to the board's log, with the audit rows that describe it (written in the same
   * transaction: both or neither). Resolves once durable (group commit). Logs and rejects if the
   * database refuses it; a caller need not wait for or handle the result.
   */
  append(boardId: string, update: Uint8Array, audit?: readonly NewAuditEvent[]): Promise<void>;
  /** Folds the board's update log into its snapshot, in one transaction. */
  compact(boardId: string): Promise<void>;
  /** Resolves once every update appended so far is durable. */
  flush(): Promise<void>;
}
