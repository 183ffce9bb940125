import type { CollectionName } from '#shared/board/records';
import { CloseCode, type CloseCodeValue } from '#shared/sync/closeCodes';
import type { SyncRefusal } from '#shared/sync/protocol';
import type * as Y from 'yjs';
import type { AppliedChange, BoardChange, ChangeNotes, ClientBinding } from './boardChange.ts';
import type { ConnectionUser, TransactionOrigin } from './origin.ts';

/*
 * What a room takes and gives: the connections it serves, the hooks it runs on each change, the
 * persistence it loads from and stores to, its limits, and the violations that close a connection.
 */

/** What a room needs from a connection: the transport stays outside. */
export interface RoomConnection {
  readonly id: string;
  readonly origin: TransactionOrigin & { source: 'connection' };
  /** Read-only connections have their awareness shared but their document updates ignored. */
  readonly readOnly: boolean;
  /** The signed-in user; their presence always carries this identity, whatever the client sends. */
  readonly user: ConnectionUser | null;
  send(message: Uint8Array): void;
  /** Called for each frame of the connection's that the room passes on to others (an edit, its presence). */
  passedOn?(): void;
  /** Called when the connection's document update has been applied (the user is active). */
  onEdit?(): void;
}

/** What a refusal undoes: one record's part of the change, its content outside the records, or all of it. */
export type RefusalScope =
  { kind: 'record'; collection: CollectionName; id: string } | { kind: 'strays' } | { kind: 'change' };

/** Why (part of) a change is not kept, in words for the person who made it. */
export interface Refusal extends SyncRefusal {
  scope: RefusalScope;
}

/** A board as it has just loaded, before anyone is served. */
export interface LoadedBoard {
  boardId: string;
  /** Its document: read it, never write to it. */
  doc: Y.Doc;
}

/**
 * What happens to a change applied to a board, attached to the room and run in order (like
 * Hocuspocus's extensions): rule checks, the audit trail, the projection.
 */
export interface RoomHook {
  readonly name: string;
  /**
   * A connection's change, before anyone else sees it: what of it breaks a rule, and why. What is
   * refused is undone and its sender told why; the rest of the change is kept (a browser's offline
   * work arrives as one change, and one conflict must not lose the rest). Must not write to the document.
   */
  check?(change: AppliedChange): readonly Refusal[];
  /** A kept change (a connection's or the server's): what to store with its update (audit rows, projection). */
  describe?(change: AppliedChange): ChangeNotes;
  /**
   * The board has loaded and nobody is served yet: what to store to catch up with its document (a
   * projection that is behind), or null. A rejection is logged and the board opens regardless.
   */
  loaded?(board: LoadedBoard): Promise<ChangeNotes | null>;
}

/** A change one process kept on a board, as it passes it to the others that hold the board. */
export interface PeerUpdate {
  /** A Yjs update (format 1). */
  update: Uint8Array;
  /** Who writes under each client id the update holds structs of, as the sending process knows. */
  owners: readonly ClientBinding[];
  /** Client ids the sending process writes under itself (undoing refused changes, meetings). */
  serverIds: readonly number[];
}

/**
 * The other server processes holding a board (Redis when several run): what a room kept, and the
 * presence its connections set, is passed on to them.
 */
export interface RoomPeers {
  shareUpdate(boardId: string, update: PeerUpdate): void;
  shareAwareness(boardId: string, update: Uint8Array): void;
}

/** Where a room's board comes from and goes to; the sync server adapts board storage to it. */
export interface RoomPersistence {
  load(boardId: string): Promise<{ state: Uint8Array | null; clients: ReadonlyMap<number, string> }>;
  /** Keeps a change; durability (and a refusal by the database) is the persistence's to track. */
  store(boardId: string, change: BoardChange): void;
  /**
   * Stores document client id bindings now: resolves once they are durable, with those of them
   * that were already someone else's (bound first, perhaps by another process).
   */
  bind(boardId: string, bindings: readonly ClientBinding[]): Promise<ClientBinding[]>;
  /** Stores everything pending for the board and folds its log. */
  unload(boardId: string): Promise<void>;
}

export interface RoomLimits {
  /** Structs one update may hold; a larger one closes the connection (`CloseCode.UpdateTooLarge`). */
  maxUpdateEntries: number;
  /** A change that would take the board's document past this is refused. */
  maxBoardBytes: number;
  /** Presence entries one connection may hold (a browser has one per tab it relays). */
  maxPresencePerConnection: number;
  /** Longest presence state, as JSON. */
  maxPresenceBytes: number;
  /** Refused changes a connection may send in a minute before it is closed. */
  maxRefusalsPerMinute: number;
  /**
   * State vectors and presence queries a connection may send in a minute before it is closed
   * (`CloseCode.TooManyQuestions`); a browser sends one of each a connection.
   */
  maxQuestionsPerMinute: number;
}

export const DEFAULT_ROOM_LIMITS: RoomLimits = {
  maxUpdateEntries: 20_000,
  maxBoardBytes: 32 * 1024 * 1024,
  maxPresencePerConnection: 16,
  maxPresenceBytes: 4096,
  maxRefusalsPerMinute: 30,
  maxQuestionsPerMinute: 60,
};

/** A frame the protocol does not allow: the connection that sent it is closed with `code`. */
export class ProtocolViolation extends Error {
  override readonly name: string = 'ProtocolViolation';
  constructor(
    readonly code: CloseCodeValue,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown for a frame that is not a well-formed y-websocket message. */
export class MalformedMessageError extends ProtocolViolation {
  override readonly name = 'MalformedMessageError';
  constructor(message: string) {
    super(CloseCode.MalformedMessage, message);
  }
}

export interface RoomLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}
