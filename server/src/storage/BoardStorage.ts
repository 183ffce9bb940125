import type { AuditValue } from '../../../shared/audit.ts';

/** One field of one board record as a change left it: a row of the audit trail. */
export interface AuditedChange {
  at: Date;
  /** Who made the change; null for the server's own changes. */
  user: { id: string; name: string } | null;
  /** The collection (`actions`, `people`, ...). */
  recordType: string;
  /** Null for a change to a collection as a whole. */
  recordId: string | null;
  /** Null when the record is not a map of fields. */
  field: string | null;
  /** `null` when the field or record did not exist before (or after). */
  before: AuditValue;
  after: AuditValue;
}

/** A Yjs document client id and the user who writes under it: nobody else may. */
export interface ClientBinding {
  clientId: number;
  userId: string;
}

/** What storage keeps of one change to a board: written together, all or nothing. */
export interface BoardChange {
  /** The Yjs update. */
  update: Uint8Array;
  /** The audit trail's rows describing it. */
  audit?: readonly AuditedChange[];
  /** Document client ids first written under in this change, bound to their user. */
  clients?: readonly ClientBinding[];
}

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
   * Adds a change to the board's log (group commit). Resolves once durable. Logs and rejects if the
   * database refuses it; a caller need not wait for or handle the result.
   */
  append(boardId: string, change: BoardChange): Promise<void>;
  /** Folds the board's update log into its snapshot, in one transaction. */
  compact(boardId: string): Promise<void>;
  /** Resolves once every change appended so far is durable. */
  flush(): Promise<void>;
}
