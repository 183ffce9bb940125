import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import { MessageType } from '../../../shared/syncProtocol.ts';
import { Collection } from '../../../shared/board/boardDoc.ts';
import { BoardChangeTracker } from '../audit/boardChanges.ts';
import type { BoardStorage } from '../storage/BoardStorage.ts';
import {
  STORAGE_ORIGIN,
  isTransactionOrigin,
  type ConnectionUser,
  type TransactionOrigin,
} from './origin.ts';

/** What a room needs from a connection: the transport stays outside. */
export interface RoomConnection {
  readonly id: string;
  readonly origin: TransactionOrigin & { source: 'connection' };
  /** Read-only connections have their awareness shared but their document updates ignored. */
  readonly readOnly: boolean;
  /** The signed-in user; their presence always carries this identity, whatever the client sends. */
  readonly user: ConnectionUser | null;
  send(message: Uint8Array): void;
  /** Called when the connection's document update has been applied (the user is active). */
  onEdit?(): void;
}

/** Thrown for a frame that is not a well-formed y-websocket message. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

function encodeMessage(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/**
 * One loaded board: its Yjs document, the awareness of who is on it, and the connections
 * editing it. Takes its storage as an argument and never touches a socket.
 */
export class Room {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly #connections = new Map<RoomConnection, Set<number>>();
  /** Which connection each awareness client id belongs to: no one may speak for another's presence. */
  readonly #presenceOwners = new Map<number, RoomConnection>();
  #changes: BoardChangeTracker | null = null;
  #loaded = false;

  constructor(
    readonly boardId: string,
    private readonly storage: BoardStorage,
  ) {
    // The server is not a participant; it has no awareness state of its own.
    this.awareness.setLocalState(null);
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
    for (const name of Object.values(Collection)) this.doc.getMap(name);
    const state = await this.storage.load(this.boardId);
    if (state) Y.applyUpdate(this.doc, state, STORAGE_ORIGIN);
    this.#changes = new BoardChangeTracker(this.boardId, this.doc);
    this.doc.on('update', this.#onDocUpdate);
    this.awareness.on('update', this.#onAwarenessUpdate);
    this.#loaded = true;
  }

  /** Starts a connection's session: sync step 1 and everyone's current awareness. */
  join(connection: RoomConnection): void {
    if (!this.#loaded) throw new Error(`board ${this.boardId} is not loaded yet`);
    this.#connections.set(connection, new Set());
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
    const clientIds = this.#connections.get(connection);
    if (!clientIds) return;
    this.#connections.delete(connection);
    for (const id of clientIds) this.#presenceOwners.delete(id);
    if (clientIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...clientIds], connection.origin);
    }
  }

  /**
   * Handles one frame from a connection. Throws `MalformedMessageError` when the frame cannot be
   * decoded; the caller closes that connection and the room carries on.
   */
  receive(connection: RoomConnection, message: Uint8Array): void {
    if (!this.#connections.has(connection)) return;
    try {
      this.#dispatch(connection, message);
    } catch (error) {
      if (error instanceof MalformedMessageError) throw error;
      throw new MalformedMessageError(error instanceof Error ? error.message : String(error));
    }
  }

  /** Persists, compacts and releases the board. The room cannot be used afterwards. */
  async unload(): Promise<void> {
    this.doc.off('update', this.#onDocUpdate);
    this.awareness.off('update', this.#onAwarenessUpdate);
    await this.storage.flush();
    await this.storage.compact(this.boardId);
    this.awareness.destroy();
    this.doc.destroy();
  }

  #dispatch(connection: RoomConnection, message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.Sync: {
        const syncType = decoding.readVarUint(decoder);
        if (syncType === syncProtocol.messageYjsSyncStep1) {
          const stateVector = decoding.readVarUint8Array(decoder);
          this.#expectEnd(decoder);
          connection.send(
            encodeMessage((encoder) => {
              encoding.writeVarUint(encoder, MessageType.Sync);
              syncProtocol.writeSyncStep2(encoder, this.doc, stateVector);
            }),
          );
        } else if (
          syncType === syncProtocol.messageYjsSyncStep2 ||
          syncType === syncProtocol.messageYjsUpdate
        ) {
          const update = decoding.readVarUint8Array(decoder);
          this.#expectEnd(decoder);
          if (!connection.readOnly) {
            Y.applyUpdate(this.doc, update, connection.origin);
            connection.onEdit?.();
          }
        } else {
          throw new MalformedMessageError(`unknown sync message type ${syncType}`);
        }
        return;
      }
      case MessageType.Awareness: {
        const update = decoding.readVarUint8Array(decoder);
        this.#expectEnd(decoder);
        const own = this.#ownPresence(connection, update);
        if (own) awarenessProtocol.applyAwarenessUpdate(this.awareness, own, connection.origin);
        return;
      }
      case MessageType.QueryAwareness:
        this.#expectEnd(decoder);
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
   * The part of an awareness update a connection may make: entries for its own client ids (or new
   * ones), with `user` set to the connection's signed-in user. `null` when nothing is left.
   */
  #ownPresence(connection: RoomConnection, update: Uint8Array): Uint8Array | null {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    const entries: { clientId: number; clock: number; state: string }[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const raw = decoding.readVarString(decoder);
      const owner = this.#presenceOwners.get(clientId);
      if (owner && owner !== connection) continue;
      const state: unknown = JSON.parse(raw);
      if (state === null) {
        entries.push({ clientId, clock, state: raw });
      } else if (typeof state === 'object' && !Array.isArray(state)) {
        const bound = connection.user ? { ...state, user: connection.user } : state;
        entries.push({ clientId, clock, state: JSON.stringify(bound) });
      }
      // Anything else is not a presence state; it is dropped.
    }
    this.#expectEnd(decoder);
    if (entries.length === 0) return null;
    return encodeMessage((encoder) => {
      encoding.writeVarUint(encoder, entries.length);
      for (const entry of entries) {
        encoding.writeVarUint(encoder, entry.clientId);
        encoding.writeVarUint(encoder, entry.clock);
        encoding.writeVarString(encoder, entry.state);
      }
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

  #onDocUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
    if (origin === STORAGE_ORIGIN) return;
    const audit =
      this.#changes && isTransactionOrigin(origin) ? this.#changes.describe(transaction, origin) : [];
    const message = encodeMessage((encoder) => {
      encoding.writeVarUint(encoder, MessageType.Sync);
      syncProtocol.writeUpdate(encoder, update);
    });
    for (const connection of this.#connections.keys()) {
      if (connection.origin !== origin) connection.send(message);
    }
    // Durability is the storage's to track (its flush waits for every append, and it logs a refusal).
    // The audit rows are stored in the same transaction as the update they describe.
    void this.storage.append(this.boardId, { update, audit });
  };

  #onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (isTransactionOrigin(origin) && origin.source === 'connection') {
      for (const [connection, clientIds] of this.#connections) {
        if (connection.origin !== origin) continue;
        for (const id of added) {
          clientIds.add(id);
          this.#presenceOwners.set(id, connection);
        }
        for (const id of removed) {
          clientIds.delete(id);
          this.#presenceOwners.delete(id);
        }
      }
    }
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    // Sent to everyone, the sender included: y-websocket clients count it as a sign of life.
    const message = this.#awarenessMessage(changed);
    for (const connection of this.#connections.keys()) connection.send(message);
  };
}
