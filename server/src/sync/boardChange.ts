import type { AuditValue } from '#shared/audit';
import type { Actor } from '#shared/board/record';
import type { BoardFacts, RecordChange } from '#shared/board/rules';
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

/** The Yjs document client ids behind a record as it is: the one that made it, and each field's value's. */
export interface RecordClients {
  record: number;
  fields: Record<string, number>;
  /**
   * Fields whose value was replaced by a change the server does not have yet: their last entry is
   * deleted and nothing here follows it (a browser handing back a colleague's record after a crash,
   * the colleague's change to it still to come from her own browser).
   */
  awaited: string[];
}

/** One record a transaction touched, as the room's hooks see it: read and validated, before and after. */
export interface TouchedRecord extends RecordChange {
  beforeFields: RecordFields | undefined;
  afterFields: RecordFields | undefined;
  afterClients: RecordClients | undefined;
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
  /**
   * The person behind a document client id's content: its bound user. Null for the server's own,
   * and for content nobody is known to have written (rules about who may do what then skip it).
   */
  actorOf(clientId: number | undefined): Actor | null;
}
