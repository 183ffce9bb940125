import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { BoardDocument } from '#shared/board/boardDoc';
import type { Actor } from '#shared/board/record';
import { MessageType } from '#shared/sync/protocol';
import type { Room } from '../../src/sync/Room.ts';
import type { RoomConnection } from '../../src/sync/roomContract.ts';
import type { ConnectionUser } from '../../src/sync/origin.ts';

/** Transactions a browser applies from the server; its own carry its board's origin. */
const FROM_SERVER = Symbol('from the server');
const LOCAL = Symbol('this browser');

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/**
 * A browser joined to a room in this process, speaking the y-websocket protocol as the provider
 * does, over a connection whose frames wait in a queue each way until the test delivers them, one
 * at a time, in the order it chooses. Nothing happens by itself: a seed that fails replays exactly.
 */
export class InProcessBrowser {
  readonly doc = new Y.Doc();
  readonly board: BoardDocument;
  /** Frames sent and not yet delivered: to the room, and to this browser. */
  readonly toRoom: Uint8Array[] = [];
  readonly toBrowser: Uint8Array[] = [];
  /** The changes the room refused and said why. */
  readonly refusals: string[] = [];
  #connection: RoomConnection | null = null;
  #connections = 0;

  constructor(
    private readonly room: Room,
    readonly user: ConnectionUser,
    clientId: number,
  ) {
    this.doc.clientID = clientId;
    this.board = new BoardDocument(this.doc, LOCAL);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === FROM_SERVER || !this.#connection) return;
      this.toRoom.push(
        frame((encoder) => {
          encoding.writeVarUint(encoder, MessageType.Sync);
          syncProtocol.writeUpdate(encoder, update);
        }),
      );
    });
  }

  get actor(): Actor {
    return { id: this.user.id, name: this.user.name };
  }

  get connected(): boolean {
    return this.#connection !== null;
  }

  /** Opens a connection: the room sends its sync step 1, and this browser its own. */
  connect(): void {
    if (this.#connection) return;
    const id = `${this.user.id}-${++this.#connections}`;
    const connection: RoomConnection = {
      id,
      origin: { source: 'connection', connectionId: id, user: this.user },
      readOnly: false,
      user: this.user,
      send: (message) => {
        if (this.#connection === connection) this.toBrowser.push(message);
      },
    };
    this.#connection = connection;
    this.room.join(connection);
    this.toRoom.push(
      frame((encoder) => {
        encoding.writeVarUint(encoder, MessageType.Sync);
        syncProtocol.writeSyncStep1(encoder, this.doc);
      }),
    );
  }

  /** Drops the connection: whatever was on the way either way is lost, as with a socket that closes. */
  disconnect(): void {
    if (!this.#connection) return;
    this.room.leave(this.#connection);
    this.#connection = null;
    this.toRoom.length = 0;
    this.toBrowser.length = 0;
  }

  /** Delivers the oldest frame waiting for the room (a valid browser's frames never break the protocol). */
  async deliverToRoom(): Promise<void> {
    const message = this.toRoom.shift();
    if (message && this.#connection) await this.room.receive(this.#connection, message);
  }

  /** Delivers the oldest frame waiting for this browser, answering as the provider would. */
  deliverToBrowser(): void {
    const message = this.toBrowser.shift();
    if (!message) return;
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    if (type === MessageType.Sync) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.Sync);
      syncProtocol.readSyncMessage(decoder, encoder, this.doc, FROM_SERVER);
      if (encoding.length(encoder) > 1) this.toRoom.push(encoding.toUint8Array(encoder));
    } else if (type === MessageType.Auth) {
      decoding.readVarUint(decoder);
      this.refusals.push(decoding.readVarString(decoder));
    }
    // Presence is not part of the board; the fuzz leaves it alone.
  }

  /** Whether frames wait in either direction. */
  get busy(): boolean {
    return this.toRoom.length > 0 || this.toBrowser.length > 0;
  }
}
