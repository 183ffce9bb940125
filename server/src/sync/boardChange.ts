import type { AuditValue } from '../../../shared/audit.ts';
import type { BoardFacts, RecordChange } from '../../../shared/board/rules.ts';
import type { TransactionOrigin } from './origin.ts';

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

/** A record's fields as plain values (shared text as strings); `{ '': value }` for a record that is not a map. */
export type RecordFields = Record<string, AuditValue>;

/** One record a transaction touched, as the room's hooks see it: read and validated, before and after. */
export interface TouchedRecord extends RecordChange {
  beforeFields: RecordFields | undefined;
  afterFields: RecordFields | undefined;
}

/** One transaction applied to a board's document, as the room's hooks see it. */
export interface AppliedChange {
  boardId: string;
  origin: TransactionOrigin;
  at: Date;
  records: readonly TouchedRecord[];
  /**
   * What the transaction changed outside the collections' records: top-level types that are not
   * collections, and content put in a collection that is not a record. Names as the client sent them.
   */
  strays: readonly string[];
  /** The board as the change leaves it, for rules about other records. */
  facts: BoardFacts;
}
