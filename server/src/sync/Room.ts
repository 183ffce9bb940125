import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as authProtocol from 'y-protocols/auth';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import { CloseCode } from '#shared/sync/closeCodes';
import { COLLECTION_NAMES, sameJson } from '#shared/board/records';
import { MessageType, type SyncRefusal } from '#shared/sync/protocol';
import type { Actor } from '#shared/board/record';
import {
  EMPTY_UPDATE,
  type AppliedChange,
  type BoardChange,
  type ChangeNotes,
  type ClientBinding,
  type TouchedRecord,
} from './boardChange.ts';
import { BoardRecords } from './boardRecords.ts';
import {
  DEFAULT_ROOM_LIMITS,
  MalformedMessageError,
  ProtocolViolation,
  type Refusal,
  type RefusalScope,
  type RoomConnection,
  type RoomHook,
  type RoomLimits,
  type PeerUpdate,
  type RoomLog,
  type RoomPeers,
  type RoomPersistence,
} from './roomContract.ts';
import { RoomPresence, presenceOwners } from './presence.ts';
import { PresenceRenewals, RENEWAL_WAIT_MS } from './presenceRenewals.ts';
import { withoutFieldDeletions } from './relays.ts';
import { DocumentClients } from './documentClients.ts';
import { PerMinute } from './perMinute.ts';
import { PEER_ORIGIN, SERVER_ORIGIN, STORAGE_ORIGIN, isTransactionOrigin } from './origin.ts';
import {
  dropStrayRoots,
  forgetRefusedEntries,
  insertedIds,
  releaseKept,
  revertTransaction,
} from './revert.ts';

/** Updates smaller than this cannot hold more structs than any limit worth setting; larger ones are counted. */
const COUNT_ENTRIES_FROM_BYTES = 32 * 1024;
/** Content waiting for content the server does not have (yet) that a room holds, at most. */
const PENDING_MAX_BYTES = 8 * 1024 * 1024;
/**
 * How long a connection's first use of a client id waits for its binding to be stored before it
 * goes on regardless (the database is down: the binding is stored with the board's next change).
 */
const BIND_WAIT_MS = 2_000;

interface Incoming {
  connection: RoomConnection;
  bytes: number;
}

/** A refused transaction being undone (all of it or part): what the 'update' of its undoing needs. */
interface Undoing {
  connection: RoomConnection | undefined;
  refusals: readonly Refusal[];
  change: AppliedChange;
  /** The document's state vector before the refused transaction. */
  before: Map<number, number>;
  /** Top-level types it made that are not the board's. */
  strayRoots: readonly string[];
  /** Structs it inserted that are undone: the map entries among them are forgotten once deleted. */
  undone: { client: number; clock: number }[];
  /** Structs the undoing names as neighbours, which must stay. */
  neighbours: Set<string>;
  /** The part of the change that is kept, once undone: described for the audit trail. */
  kept: AppliedChange | null;
}

/** Refusals sent to the person at once for one change, at most. */
const REFUSALS_TOLD = 5;
/** Rounds of checking what is left of a change once part of it is refused (rules about other records). */
const CHECK_ROUNDS = 4;

const scopeKey = (scope: RefusalScope): string =>
  scope.kind === 'record' ? `${scope.collection}\u0000${scope.id}` : scope.kind;
const recordKey = (record: { collection: string; id: string }): string =>
  `${record.collection}\u0000${record.id}`;

const silent: RoomLog = { warn: () => undefined, error: () => undefined };

function encodeMessage(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

function insertedAnything(transaction: Y.Transaction): boolean {
  for (const [client, clock] of transaction.afterState) {
    if (clock > (transaction.beforeState.get(client) ?? 0)) return true;
  }
  return false;
}

/**
 * One loaded board: its Yjs document, the awareness of who is on it, and the connections
 * editing it. Takes its persistence and hooks as arguments and never touches a socket.
 *
 * A connection's update is applied, then checked before anyone else sees it (in `afterTransaction`,
 * while what it deleted still holds its content): the hooks' rule checks, the board's size, the
 * schema's collections. A change that breaks a rule is undone at once by a server transaction
 * (Yjs's UndoManager, scoped to that one transaction); the sender gets the undoing, everyone else
 * one update holding both (in which the refused content is already gone), storage keeps that same
 * update, and the sender is told why. A kept change is broadcast and stored with its audit rows.
 */
export class Room {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly #connections = new Set<RoomConnection>();
  readonly #presence: RoomPresence;
  readonly #refusals = new PerMinute<RoomConnection>();
  /** Questions (a state vector, who is here) each connection asked: answering one can take the whole document. */
  readonly #asked = new PerMinute<RoomConnection>();
  /**
   * The change `#afterTransaction` just kept, for the update Yjs emits next for the same transaction
   * (its `update` event follows `afterTransaction` within the same cleanup). One field, not a
   * WeakMap keyed by the transaction: V8's young-generation collection copied every value of that
   * map before clearing the entries whose transactions had gone, so each change's checked records
   * and facts outlived a collection, half of what each collection copied in bench:sync
   * (README, "Sync").
   */
  #kept: { transaction: Y.Transaction; change: AppliedChange } | null = null;
  readonly #refused = new WeakSet<Y.Transaction>();
  readonly #undoing = new Map<Y.UndoManager, Undoing>();
  #records: BoardRecords | null = null;
  #clients = new DocumentClients(new Map());
  /** Bindings not yet stored (the database did not answer in time): stored with the next change. */
  #unbound: ClientBinding[] = [];
  #incoming: Incoming | null = null;
  /** The document's encoded size when loaded, plus every update since: an upper bound, made exact when near the limit. */
  #approxBytes = 0;
  #loaded = false;
  /** The board's snapshot as sent, until the document changes: everyone opening the board at 9 am shares one. */
  #snapshot: Buffer | null = null;
  /**
   * Sync step 2 for a browser that holds nothing of the board (the whole document), until the
   * document changes: encoding a large board takes tens of milliseconds, once rather than per opening.
   */
  #wholeDocument: Uint8Array | null = null;
  /** Presence renewals from this process's connections, passed on together. */
  readonly #renewals = new PresenceRenewals(RENEWAL_WAIT_MS, (ids) => this.#sendPresence(ids, true));
  /** The ids whose presence the awareness update being handled changed ('change' comes just before 'update'). */
  #presenceChanged: readonly number[] = [];

  constructor(
    readonly boardId: string,
    private readonly persistence: RoomPersistence,
    private readonly hooks: readonly RoomHook[] = [],
    private readonly limits: RoomLimits = DEFAULT_ROOM_LIMITS,
    private readonly log: RoomLog = silent,
    /** When a kept change happened, for its audit rows and history: the clock, or a test's or a seed's. */
    private readonly now: () => Date = () => new Date(),
    /** The other server processes holding the board, when several run. */
    private readonly peers: RoomPeers | null = null,
  ) {
    // The server is not a participant; it has no awareness state of its own.
    this.awareness.setLocalState(null);
    this.#presence = new RoomPresence(limits, () => this.#clients);
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  /** Loads the whole board from storage. Nothing is served before this resolves. */
  async load(): Promise<void> {
    // The schema's collections are typed before anything arrives, so changes read as record maps.
    for (const name of COLLECTION_NAMES) this.doc.getMap(name);
    const { state, clients } = await this.persistence.load(this.boardId);
    if (state) Y.applyUpdate(this.doc, state, STORAGE_ORIGIN);
    this.#approxBytes = state?.byteLength ?? 0;
    this.#records = new BoardRecords(this.doc);
    this.#clients = new DocumentClients(clients);
    this.#clients.reserve(this.doc.clientID);
    await this.#catchUp();
    this.doc.on('afterTransaction', this.#afterTransaction);
    this.doc.on('update', this.#onDocUpdate);
    this.awareness.on('change', this.#onAwarenessChange);
    this.awareness.on('update', this.#onAwarenessUpdate);
    this.#loaded = true;
  }

  /**
   * The board's records as the room last accepted them, as JSON (a BoardSnapshot): what a browser
   * shows while the document loads. Read once per change, however many ask.
   */
  snapshot(): Buffer {
    if (!this.#records) throw new Error('The board is not loaded');
    this.#snapshot ??= Buffer.from(JSON.stringify(this.#records.snapshot()));
    return this.#snapshot;
  }

  /** Starts a connection's session: sync step 1 and everyone's current awareness. */
  join(connection: RoomConnection): void {
    if (!this.#loaded) throw new Error(`board ${this.boardId} is not loaded yet`);
    this.#connections.add(connection);
    this.#presence.join(connection);
    connection.send(
      encodeMessage((encoder) => {
        encoding.writeVarUint(encoder, MessageType.Sync);
        syncProtocol.writeSyncStep1(encoder, this.doc);
      }),
    );
    const states = this.awareness.getStates();
    if (states.size > 0) {
      connection.send(this.#awarenessMessage([...states.keys()]));
    }
  }

  leave(connection: RoomConnection): void {
    if (!this.#connections.delete(connection)) return;
    this.#refusals.forget(connection);
    this.#asked.forget(connection);
    const clientIds = this.#presence.leave(connection);
    if (clientIds.length > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, clientIds, connection.origin);
    }
  }

  /**
   * Handles one frame from a connection. Throws (or rejects with) a `ProtocolViolation` when the
   * frame breaks the protocol or a limit; the caller closes that connection with its code and the
   * room carries on. A promise means the frame waits (for a client id's binding to be stored): the
   * connection's next frames must wait for it too.
   */
  receive(connection: RoomConnection, message: Uint8Array): void | Promise<void> {
    if (!this.#connections.has(connection)) return;
    try {
      const waiting = this.#dispatch(connection, message);
      return waiting?.catch((error: unknown) => {
        throw error instanceof ProtocolViolation
          ? error
          : new MalformedMessageError(error instanceof Error ? error.message : String(error));
      });
    } catch (error) {
      if (error instanceof ProtocolViolation) throw error;
      throw new MalformedMessageError(error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * Applies a change another server process kept (see `PEER_ORIGIN`): this process's connections
   * get it, and storage keeps a copy (so it is durable even if that process dies before storing it).
   */
  applyPeerUpdate(peer: PeerUpdate): void {
    if (!this.#loaded) return;
    this.#clients.learn(peer.owners, peer.serverIds);
    Y.applyUpdate(this.doc, peer.update, PEER_ORIGIN);
  }

  /** Applies presence another server process's connections set or removed. */
  applyPeerAwareness(update: Uint8Array): void {
    if (!this.#loaded) return;
    this.#clients.learn(presenceOwners(update), []);
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, PEER_ORIGIN);
  }

  /** The board's state vector, for a peer to say what this process lacks. */
  stateVector(): Uint8Array {
    return Y.encodeStateVector(this.doc);
  }

  /** What this process holds of the board that a holder of `stateVector` lacks (all of it without one). */
  peerUpdateSince(stateVector?: Uint8Array): PeerUpdate {
    const update = Y.encodeStateAsUpdate(this.doc, stateVector);
    return { update, ...this.#clients.describe(update) };
  }

  /** The presence this process's connections hold, for a process that has just opened the board; null when none. */
  localAwareness(): Uint8Array | null {
    const ids = this.#presence.heldIds().filter((id) => this.awareness.getStates().has(id));
    return ids.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) : null;
  }

  /** Persists, compacts and releases the board. The room cannot be used afterwards. */
  async unload(): Promise<void> {
    this.doc.off('afterTransaction', this.#afterTransaction);
    this.doc.off('update', this.#onDocUpdate);
    this.awareness.off('change', this.#onAwarenessChange);
    this.awareness.off('update', this.#onAwarenessUpdate);
    this.#renewals.stop();
    if (this.#unbound.length > 0)
      this.persistence.store(this.boardId, { update: EMPTY_UPDATE, clients: this.#unbound.splice(0) });
    await this.persistence.unload(this.boardId);
    this.awareness.destroy();
    this.doc.destroy();
  }

  #dispatch(connection: RoomConnection, message: Uint8Array): void | Promise<void> {
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.Sync: {
        const syncType = decoding.readVarUint(decoder);
        if (syncType === syncProtocol.messageYjsSyncStep1) {
          const stateVector = decoding.readVarUint8Array(decoder);
          this.#expectEnd(decoder);
          this.#answering(connection);
          connection.send(this.#syncStep2(stateVector));
        } else if (
          syncType === syncProtocol.messageYjsSyncStep2 ||
          syncType === syncProtocol.messageYjsUpdate
        ) {
          const update = decoding.readVarUint8Array(decoder);
          this.#expectEnd(decoder);
          if (connection.readOnly) return;
          connection.passedOn?.();
          return this.#applyUpdate(connection, update);
        } else {
          throw new MalformedMessageError(`unknown sync message type ${syncType}`);
        }
        return;
      }
      case MessageType.Awareness: {
        const update = decoding.readVarUint8Array(decoder);
        this.#expectEnd(decoder);
        const { own, claims } = this.#presence.admit(connection, update);
        const share = (own: Uint8Array | null) => {
          if (!own || !this.#connections.has(connection)) return;
          connection.passedOn?.();
          awarenessProtocol.applyAwarenessUpdate(this.awareness, own, connection.origin);
        };
        if (claims.length === 0) return share(own);
        // An id another process bound first is not this connection's after all: admitted again without it.
        return this.#bindDurably(claims).then((taken) =>
          share(taken ? this.#presence.admit(connection, update).own : own),
        );
      }
      case MessageType.QueryAwareness:
        this.#expectEnd(decoder);
        this.#answering(connection);
        connection.send(this.#awarenessMessage([...this.awareness.getStates().keys()]));
        return;
      case MessageType.Auth:
        // The permission message of y-protocols/auth; access is decided at the upgrade instead.
        return;
      default:
        throw new MalformedMessageError(`unknown message type ${type}`);
    }
  }

  /**
   * Counts a question the connection asked; closes it past `maxQuestionsPerMinute`. A browser asks once
   * a connection; a connection asking in a loop with state vectors the server cannot reuse would
   * have it encode the whole document for each, taking the event loop from everyone else.
   */
  #answering(connection: RoomConnection): void {
    if (this.#asked.count(connection) > this.limits.maxQuestionsPerMinute) {
      throw new ProtocolViolation(
        CloseCode.TooManyQuestions,
        `more than ${this.limits.maxQuestionsPerMinute} questions asked in a minute`,
      );
    }
  }

  #applyUpdate(connection: RoomConnection, received: Uint8Array): void | Promise<void> {
    if (received.byteLength > COUNT_ENTRIES_FROM_BYTES) {
      const entries = Y.decodeUpdate(received).structs.length;
      if (entries > this.limits.maxUpdateEntries) {
        throw new ProtocolViolation(
          CloseCode.UpdateTooLarge,
          `one change held ${entries} entries; the most the server takes at once is ${this.limits.maxUpdateEntries}`,
        );
      }
    }
    const admitted = this.#clients.admit(received, connection.user?.id ?? null);
    let update = admitted.update;
    if (admitted.foreign.length > 0) {
      this.log.warn(
        {
          boardId: this.boardId,
          connectionId: connection.id,
          userId: connection.user?.id,
          foreign: admitted.foreign,
        },
        'dropped content under document client ids that belong to someone else',
      );
      update = withoutFieldDeletions(this.doc, update);
    }
    if (admitted.claims.length === 0) return this.#integrate(connection, update);
    // Nothing under a new client id is shared before its binding is stored: after a crash, whatever
    // anyone hands back under it is then known to be its owner's.
    return this.#bindDurably(admitted.claims).then((taken) => {
      if (!this.#connections.has(connection)) return;
      if (!taken) return this.#integrate(connection, update);
      // Another process bound one of the ids first: its structs are someone else's, and dropped.
      this.log.warn(
        { boardId: this.boardId, connectionId: connection.id, userId: connection.user?.id, taken },
        'dropped content under document client ids another server bound first',
      );
      const again = this.#clients.admit(received, connection.user?.id ?? null);
      this.#integrate(connection, withoutFieldDeletions(this.doc, again.update));
    });
  }

  #integrate(connection: RoomConnection, update: Uint8Array): void {
    this.#incoming = { connection, bytes: update.byteLength };
    try {
      Y.applyUpdate(this.doc, update, connection.origin);
    } finally {
      this.#incoming = null;
    }
    connection.onEdit?.();
    const store = this.doc.store;
    const waiting = (store.pendingStructs?.update.byteLength ?? 0) + (store.pendingDs?.byteLength ?? 0);
    if (waiting > PENDING_MAX_BYTES) {
      store.pendingStructs = null;
      store.pendingDs = null;
      throw new ProtocolViolation(
        CloseCode.UpdateTooLarge,
        'too much sent that depends on changes the server does not have',
      );
    }
    if (this.#refusals.counted(connection) > this.limits.maxRefusalsPerMinute) {
      throw new ProtocolViolation(
        CloseCode.TooManyRefusals,
        `more than ${this.limits.maxRefusalsPerMinute} changes refused in a minute`,
      );
    }
  }

  /**
   * Stores bindings, waiting at most `BIND_WAIT_MS`; never rejects (a binding not stored in time is
   * kept for later). Resolves with the ids the database held for someone else, once corrected here
   * (null when none).
   */
  async #bindDurably(bindings: ClientBinding[]): Promise<ClientBinding[] | null> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), BIND_WAIT_MS)));
    try {
      const stored = this.persistence.bind(this.boardId, bindings);
      const outcome = await Promise.race([stored, late]);
      if (outcome !== 'late') {
        if (outcome.length === 0) return null;
        this.#clients.correct(outcome);
        return outcome;
      }
      this.log.warn(
        { boardId: this.boardId },
        'storing document client ids is slow; going on without waiting',
      );
      stored.catch(() => this.#unbound.push(...bindings));
      return null;
    } catch (err) {
      this.log.warn(
        { err, boardId: this.boardId },
        'storing document client ids failed; they are stored with the next change',
      );
      this.#unbound.push(...bindings);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Runs after every transaction, before what it deleted is garbage collected: decides whether a
   * connection's change is kept, and undoes it at once when it is not. Never throws: an exception
   * here would stop Yjs from emitting the document's later updates.
   */
  #afterTransaction = (transaction: Y.Transaction): void => {
    // Kept for the transaction before, whose update (if it had one) has been handled by now.
    this.#kept = null;
    try {
      const records = this.#records;
      if (!records) return;
      const origin: unknown = transaction.origin;
      if (origin instanceof Y.UndoManager) {
        this.#afterUndoing(transaction, origin);
        return;
      }
      if (origin === STORAGE_ORIGIN) return;
      if (origin === PEER_ORIGIN) {
        // Checked by the process whose connection sent it; read so that later changes are judged against it.
        records.accept(records.touched(transaction).records);
        return;
      }
      const { records: touched, strays, strayRoots } = records.touched(transaction);
      const change: AppliedChange = {
        boardId: this.boardId,
        // Not a connection's, nor tagged by the server (a test writing to the document): the server's.
        origin: isTransactionOrigin(origin) ? origin : SERVER_ORIGIN,
        at: this.now(),
        records: touched,
        strays,
        facts: records.facts(touched),
        actorOf: this.#actorOf,
      };
      if (change.origin.source === 'connection') {
        let refusals: Refusal[];
        try {
          refusals = this.#check(change, transaction);
        } catch (err) {
          this.log.error({ err, boardId: this.boardId }, 'checking a change failed; it is not kept');
          refusals = [
            {
              message: 'The server could not check this change, so it was not kept',
              scope: { kind: 'change' },
            },
          ];
        }
        if (refusals.length > 0) {
          this.#undo(transaction, change, refusals, strayRoots);
          return;
        }
      }
      records.accept(touched);
      this.#kept = { transaction, change };
    } catch (err) {
      this.log.error({ err, boardId: this.boardId }, 'handling a board transaction failed');
    }
  };

  /**
   * What of a connection's change is refused. Once some records are, the rest is checked again
   * without them (a goal for a person whose record is refused would point at no one), until nothing
   * more is refused.
   */
  #check(change: AppliedChange, transaction: Y.Transaction): Refusal[] {
    const incoming = this.#incoming;
    // The size first: whether anything was inserted reads every client of the document's state.
    if (
      incoming &&
      this.#approxBytes + incoming.bytes > this.limits.maxBoardBytes &&
      insertedAnything(transaction)
    ) {
      this.#approxBytes = Y.encodeStateAsUpdate(this.doc).byteLength;
      if (this.#approxBytes > this.limits.maxBoardBytes) {
        const megabytes = Math.round(this.limits.maxBoardBytes / (1024 * 1024));
        return [
          {
            message: `This board is full: it holds as much as the server keeps for one board (${megabytes} MB), so the change was not kept. Ask your Huddle administrator.`,
            scope: { kind: 'change' },
          },
        ];
      }
    }
    const refusals: Refusal[] = [];
    const refused = new Set<string>();
    let view = change;
    for (let round = 0; round < CHECK_ROUNDS; round++) {
      const found = this.hooks
        .flatMap((hook) => hook.check?.(view) ?? [])
        .filter((refusal) => !refused.has(scopeKey(refusal.scope)));
      if (found.length === 0) break;
      for (const refusal of found) {
        if (refused.has(scopeKey(refusal.scope))) continue;
        refused.add(scopeKey(refusal.scope));
        refusals.push(refusal);
      }
      if (refused.has('change')) break;
      const left = change.records.filter((record) => !refused.has(recordKey(record)));
      view = Object.assign({}, change, {
        records: left,
        strays: refused.has('strays') ? [] : change.strays,
        facts: this.#records!.facts(left),
      });
    }
    return refusals;
  }

  #undo(
    transaction: Y.Transaction,
    change: AppliedChange,
    refusals: readonly Refusal[],
    strayRoots: readonly string[],
  ): void {
    const origin = change.origin;
    const connection =
      origin.source === 'connection' ? [...this.#connections].find((c) => c.origin === origin) : undefined;
    this.log.warn(
      {
        boardId: this.boardId,
        connectionId: connection?.id,
        userId: connection?.user?.id,
        reasons: refusals.slice(0, REFUSALS_TOLD).map((r) => r.message),
      },
      'refused a change that breaks the board’s rules',
    );
    this.#refused.add(transaction);
    const whole = refusals.some((r) => r.scope.kind === 'change');
    const refusedRecords = new Set(
      refusals.flatMap((r) => (r.scope.kind === 'record' ? [recordKey(r.scope)] : [])),
    );
    const strays = refusals.some((r) => r.scope.kind === 'strays');
    const records = this.#records!;
    const inScope = (item: Y.Item): boolean => {
      const owner = records.recordOf(item);
      return owner === 'stray' ? strays : refusedRecords.has(recordKey(owner));
    };
    const undone = insertedIds(transaction).filter((id) => {
      if (whole) return true;
      const struct = Y.getItem(this.doc.store, Y.createID(id.client, id.clock));
      return struct instanceof Y.Item && inScope(struct);
    });
    const undoing: Undoing = {
      connection,
      refusals,
      change,
      before: new Map(transaction.beforeState),
      strayRoots: whole || strays ? strayRoots : [],
      undone,
      neighbours: new Set(),
      kept: null,
    };
    revertTransaction(
      transaction,
      (manager) => this.#undoing.set(manager, undoing),
      whole ? undefined : inScope,
    );
    if (connection) this.#refusals.count(connection);
  }

  /**
   * The transaction undoing a refused one (or its refused part): what the two leave is held, the
   * part kept is described for the audit trail, and nothing restored is kept from collection.
   */
  #afterUndoing(transaction: Y.Transaction, manager: Y.UndoManager): void {
    const undoing = this.#undoing.get(manager);
    const neighbours = releaseKept(transaction);
    const records = this.#records!;
    const { records: touched } = records.touched(transaction);
    const keys = new Map<string, TouchedRecord>();
    for (const record of [...(undoing?.change.records ?? []), ...touched])
      keys.set(recordKey(record), record);
    const net = records.reread([...keys.values()]);
    if (undoing) {
      undoing.neighbours = neighbours;
      // Fields held and fields read may list the same values in another order.
      const changed = net.filter((r) => !sameJson(r.beforeFields, r.afterFields));
      // eslint-disable-next-line no-restricted-syntax -- only when a change is refused
      undoing.kept = changed.length > 0 ? { ...undoing.change, records: changed, strays: [] } : null;
    }
    records.accept(net);
  }

  /**
   * Sync step 2: what a holder of `stateVector` lacks; for one that holds nothing, the whole document,
   * encoded once a change.
   */
  #syncStep2(stateVector: Uint8Array): Uint8Array {
    const encode = (): Uint8Array =>
      encodeMessage((encoder) => {
        encoding.writeVarUint(encoder, MessageType.Sync);
        syncProtocol.writeSyncStep2(encoder, this.doc, stateVector);
      });
    // An empty state vector is the one byte 0 (no clients).
    if (stateVector.length !== 1 || stateVector[0] !== 0) return encode();
    this.#wholeDocument ??= encode();
    return this.#wholeDocument;
  }

  #onDocUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
    this.#snapshot = null;
    this.#wholeDocument = null;
    try {
      if (origin === STORAGE_ORIGIN || this.#refused.has(transaction)) return;
      if (origin instanceof Y.UndoManager) {
        const undoing = this.#undoing.get(origin);
        this.#undoing.delete(origin);
        if (undoing) this.#sendUndoing(undoing, update);
        return;
      }
      const message = this.#updateMessage(update);
      for (const connection of this.#connections) {
        if (connection.origin !== origin) connection.send(message);
      }
      if (origin === PEER_ORIGIN) {
        this.#store({ update });
        return;
      }
      const kept = this.#kept;
      this.#kept = null;
      const change = kept?.transaction === transaction ? kept.change : undefined;
      this.#store({ update, ...(change && this.#notes(change)) });
      this.#share(update);
    } catch (err) {
      this.log.error({ err, boardId: this.boardId }, 'sending or storing a board update failed');
    }
  };

  /**
   * The refused change's sender gets the update undoing it; everyone else, and storage, one update
   * holding both transactions, read from the document once the refused content is gone from it.
   */
  #sendUndoing(undoing: Undoing, update: Uint8Array): void {
    dropStrayRoots(this.doc, undoing.strayRoots);
    forgetRefusedEntries(this.doc, undoing.undone, undoing.before, undoing.neighbours);
    const both = Y.encodeStateAsUpdate(this.doc, Y.encodeStateVector(undoing.before));
    const message = this.#updateMessage(both);
    for (const connection of this.#connections) {
      if (connection !== undoing.connection) connection.send(message);
    }
    if (undoing.connection) {
      undoing.connection.send(this.#updateMessage(update));
      for (const refusal of undoing.refusals.slice(0, REFUSALS_TOLD)) {
        const told: SyncRefusal = { message: refusal.message };
        if (refusal.recordType !== undefined) told.recordType = refusal.recordType;
        if (refusal.recordId !== undefined) told.recordId = refusal.recordId;
        undoing.connection.send(
          encodeMessage((encoder) => {
            encoding.writeVarUint(encoder, MessageType.Auth);
            authProtocol.writePermissionDenied(encoder, JSON.stringify(told));
          }),
        );
      }
    }
    const kept = undoing.kept;
    this.#store({ update: both, ...(kept && this.#notes(kept)) });
    this.#share(both);
  }

  /** Passes a change kept here on to the other processes holding the board. */
  #share(update: Uint8Array): void {
    if (!this.peers) return;
    this.peers.shareUpdate(this.boardId, { update, ...this.#clients.describe(update) });
  }

  /** What the hooks keep beside a kept change. A hook that fails is logged; the change is stored regardless. */
  #notes(change: AppliedChange): ChangeNotes {
    const notes: ChangeNotes = {};
    for (const hook of this.hooks) {
      if (!hook.describe) continue;
      try {
        const described = hook.describe(change);
        if (described.audit) notes.audit = [...(notes.audit ?? []), ...described.audit];
        if (described.projection) notes.projection = described.projection;
        if (described.notifications)
          notes.notifications = [...(notes.notifications ?? []), ...described.notifications];
      } catch (err) {
        this.log.error({ err, boardId: this.boardId, hook: hook.name }, 'a room hook failed on a change');
      }
    }
    return notes;
  }

  /**
   * Before anyone is served: what the hooks store to catch up with the board as loaded (a projection
   * that is behind its document). A hook that fails is logged, and the board opens regardless.
   */
  async #catchUp(): Promise<void> {
    for (const hook of this.hooks) {
      if (!hook.loaded) continue;
      try {
        const notes = await hook.loaded({ boardId: this.boardId, doc: this.doc });
        if (notes) this.persistence.store(this.boardId, { update: EMPTY_UPDATE, ...notes });
      } catch (err) {
        this.log.error(
          { err, boardId: this.boardId, hook: hook.name },
          'a room hook failed on loading a board',
        );
      }
    }
  }

  #store(change: BoardChange): void {
    this.#approxBytes += change.update.byteLength;
    const clients = this.#unbound.splice(0);
    // eslint-disable-next-line no-restricted-syntax -- only when bindings waited for a slow database
    this.persistence.store(this.boardId, clients.length > 0 ? { ...change, clients } : change);
  }

  #actorOf = (clientId: number | undefined): Actor | null => {
    if (clientId === undefined || this.#clients.isServer(clientId)) return null;
    const userId = this.#clients.ownerOf(clientId);
    return userId === undefined ? null : { id: userId, name: '' };
  };

  #updateMessage(update: Uint8Array): Uint8Array {
    return encodeMessage((encoder) => {
      encoding.writeVarUint(encoder, MessageType.Sync);
      syncProtocol.writeUpdate(encoder, update);
    });
  }

  #expectEnd(decoder: decoding.Decoder): void {
    if (decoding.hasContent(decoder)) throw new MalformedMessageError('unexpected bytes after the message');
  }

  #awarenessMessage(clientIds: number[]): Uint8Array {
    return encodeMessage((encoder) => {
      encoding.writeVarUint(encoder, MessageType.Awareness);
      encoding.writeVarUint8Array(
        encoder,
        awarenessProtocol.encodeAwarenessUpdate(this.awareness, clientIds),
      );
    });
  }

  #onAwarenessChange = ({ updated }: { updated: number[] }): void => {
    this.#presenceChanged = updated;
  };

  #onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    try {
      const changedNow = this.#presenceChanged;
      this.#presenceChanged = [];
      const fromConnection = isTransactionOrigin(origin) && origin.source === 'connection';
      if (fromConnection) {
        const connection = [...this.#connections].find((c) => c.origin === origin);
        if (connection) this.#presence.applied(connection, added, removed);
      }
      const renewed = updated.filter((id) => !changedNow.includes(id));
      const changed = [...added, ...updated.filter((id) => changedNow.includes(id)), ...removed];
      // A renewal from a connection here waits for others; one another process passed on has waited there.
      if (fromConnection && changed.length === 0) return this.#renewals.add(renewed);
      const waiting = fromConnection ? this.#renewals.take() : [];
      this.#sendPresence([...new Set([...changed, ...renewed, ...waiting])], fromConnection);
    } catch (err) {
      this.log.error({ err, boardId: this.boardId }, 'sharing presence failed');
    }
  };

  /**
   * Passes on the presence of `clientIds` as it is now to every connection, the sender included
   * (y-websocket clients count it as a sign of life), and, for what this process's connections set
   * (or left behind), to the other processes holding the board.
   */
  #sendPresence(clientIds: number[], share: boolean): void {
    const ids = clientIds.filter((id) => this.awareness.meta.has(id));
    if (ids.length === 0) return;
    const message = this.#awarenessMessage(ids);
    for (const connection of this.#connections) connection.send(message);
    if (this.peers && share)
      this.peers.shareAwareness(this.boardId, awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
  }
}
