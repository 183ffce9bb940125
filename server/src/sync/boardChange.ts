import type { AuditValue } from '#shared/audit';
import type { Action } from '#shared/board/action';
import type { CommentSubject } from '#shared/board/comment';
import type { Actor } from '#shared/board/record';
import type { CollectionName, ProjectedCollection } from '#shared/board/records';
import type { NotificationKind } from '#shared/notifications';
import type { BoardFacts, RecordChange } from '#shared/board/rules';
import type { TransactionOrigin } from './origin.ts';
import type { TextSplice } from '#shared/textSplice';

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
  /** `null` when the field or record did not exist before (or after), and in a splice row. */
  before: AuditValue;
  after: AuditValue;
  /** The burst of typing the row belongs to (text fields only). */
  burst?: string;
  /** For a row that continues a burst: what it did to the text (its before and after are null). */
  splice?: TextSplice;
}

/** A Yjs document client id and the user who writes under it: nobody else may. */
export interface ClientBinding {
  clientId: number;
  userId: string;
}

/** One record as the projection keeps it: its fields and, when it fails validation, why. */
export interface ProjectedRecord {
  collection: ProjectedCollection;
  id: string;
  /** Its fields as plain JSON values, without its id and its shared text. */
  fields: Record<string, AuditValue>;
  /** Why it fails validation (it needs attention); null for a valid record. */
  problems: string[] | null;
}

/** What can happen to a record that its history keeps. */
export type TransitionKind = 'created' | 'removed' | 'status' | 'owner' | 'stage';

/** Something that happened to a record: when an action was accepted, a person entered a stage. */
export interface RecordTransition {
  collection: CollectionName;
  recordId: string;
  kind: TransitionKind;
  /** The status, owner or stage before (null for none) and after. */
  from: string | null;
  to: string | null;
  at: Date;
  /** Who did it, where known. */
  userId: string | null;
  /** 'change' when seen as it happened; 'document' when read off the document's timestamps. */
  source: 'change' | 'document';
}

/** What a change does to the board's projection, in order with the board's other changes. */
export interface ProjectionChange {
  /** True when `records` is the whole board: every record not among them is gone. */
  whole: boolean;
  /** Records as the change leaves them. */
  records: readonly ProjectedRecord[];
  /** Records the change removed. */
  removed: readonly { collection: ProjectedCollection; id: string }[];
  transitions: readonly RecordTransition[];
  /**
   * Actions among `records` whose fields that their progress runs copy (owner, their organisation,
   * person, due date) the change left as they were: a renamed action writes no run.
   */
  runFieldsKept?: readonly string[];
  /**
   * True when the change could not be projected (a fault in the projection): the board's
   * projection is then behind its document, and is projected whole when the board next loads.
   */
  behind?: boolean;
}

/** Someone to tell about a change (an action proposed to them, their proposal accepted). */
export interface NotificationNote {
  userId: string;
  kind: NotificationKind;
  recordType: CollectionName;
  recordId: string;
  /** The person the record is for, if any. */
  personId: string | null;
  /** Who made the change. */
  actor: { id: string; name: string } | null;
  /** The record's title, for the app (emails leave it out). */
  subject: string | null;
}

/** What the room's hooks keep beside a change's update. */
export interface ChangeNotes {
  /** The audit trail's rows describing it. */
  audit?: readonly AuditedChange[];
  /** What it does to the board's projection. */
  projection?: ProjectionChange;
  /** Whom to tell about it. */
  notifications?: readonly NotificationNote[];
}

/** What storage keeps of one change to a board: written together, all or nothing. */
export interface BoardChange extends ChangeNotes {
  /** The Yjs update (`EMPTY_UPDATE` when the change is only notes, a projection caught up). */
  update: Uint8Array;
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

/** What hooks besides the rules ask of the board as a change leaves it. */
export interface ChangeFacts extends BoardFacts {
  /** A valid action: whom a comment on it concerns. */
  action(id: string): Pick<Action, 'ownerId' | 'createdById' | 'title' | 'personId'> | undefined;
  /** The user ids of everyone who has commented on an action or person, withdrawn comments too. */
  commenters(subjectType: CommentSubject, subjectId: string): Set<string>;
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
  /** The board as the change leaves it, for rules and hooks about other records. */
  facts: ChangeFacts;
  /**
   * The person behind a document client id's content: its bound user. Null for the server's own,
   * and for content nobody is known to have written (rules about who may do what then skip it).
   */
  actorOf(clientId: number | undefined): Actor | null;
}

/** A Yjs update that changes nothing: what a change that is only notes or bindings carries. */
export const EMPTY_UPDATE: Uint8Array = new Uint8Array([0, 0]);

export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0;
}
