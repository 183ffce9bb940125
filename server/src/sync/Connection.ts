import type { Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import { CloseCode } from '#shared/sync/closeCodes';
import type { Logger } from '../log.ts';
import type { ConnectionUser, TransactionOrigin } from './origin.ts';
import type { Room } from './Room.ts';
import { ProtocolViolation, type RoomConnection } from './roomContract.ts';
import type { FrameAllowance } from './frameAllowance.ts';
import { holdForThisTurn } from './sendTurns.ts';
import { binaryFrame } from './wireFrames.ts';

/** Who a connection belongs to and what it may do, as decided at the upgrade. */
export interface ConnectionGrant {
  user: ConnectionUser | null;
  /** The session the connection was opened with; it closes when that session ends. */
  sessionId: string | null;
  readOnly: boolean;
}

let nextConnectionId = 0;
/** How much a connection may send and be sent. */
export interface ConnectionBounds {
  /** More than this waiting to be sent to the connection ends it. */
  maxUnsentBytes: number;
  /** What its user (all their connections together) may have passed on to others. */
  allowance: FrameAllowance;
}

/** The server pings its connections in this many turns an interval, a slice at a time. */
export const PING_SLICES = 10;
/**
 * Frames that may wait for the board to load (a browser sends three or four), for the frame before
 * or for the allowance (a browser whose network stalled sends what it queued at once, a few hundred
 * at most); reading from a connection pauses while its frames wait, so this bounds one read's worth.
 */
const BACKLOG_MAX_FRAMES = 8192;
const BACKLOG_MAX_BYTES = 16 * 1024 * 1024;

/** A WebSocket close reason holds at most 123 bytes of UTF-8. */
function closeReason(text: string): string {
  let reason = text.toWellFormed();
  while (Buffer.byteLength(reason) > 123) reason = [...reason].slice(0, -1).join('');
  return reason;
}

/**
 * One WebSocket on one board. Decodes nothing itself: it hands frames to the room, in order,
 * once the room has loaded, and closes its own socket when a frame is refused.
 */
export class Connection implements RoomConnection {
  readonly id = `c${++nextConnectionId}`;
  /** Which tenth of the connections this one is pinged with (the server pings them in turns). */
  readonly pingSlice = nextConnectionId % PING_SLICES;
  readonly origin: TransactionOrigin & { source: 'connection' };
  /** Cleared on every ping and set again by the pong; a socket that stays unset is dead. */
  alive = true;
  #room: Room | null = null;
  /** Frames waiting: for the board to load, or for the frame before them to be taken in. */
  #backlog: Uint8Array[] = [];
  #backlogBytes = 0;
  /** True while the room takes in a frame that must finish before the next (a binding being stored). */
  #waiting = false;
  #closed = false;
  /** The server closed it (a refused frame, access gone, shutting down): what is waiting is dropped. */
  #discard = false;
  /** Left the room (after the frames received before the close were taken in). */
  #left = false;
  /** Set while frames wait for the allowance to refill. */
  #refill: NodeJS.Timeout | null = null;
  /** Reading from the socket is paused while frames wait. */
  #readingHeld = false;

  readonly readOnly: boolean;
  readonly user: ConnectionUser | null;
  readonly sessionId: string | null;

  /**
   * `wire` is the stream under `socket` (the upgraded HTTP socket): what the connection is sent in
   * one turn of the event loop is written to it together.
   */
  constructor(
    private readonly socket: WebSocket,
    private readonly wire: Writable,
    readonly boardId: string,
    grant: ConnectionGrant,
    private readonly bounds: ConnectionBounds,
    private readonly log: Logger,
    private readonly onClose: (connection: Connection) => void,
    readonly onEdit?: () => void,
  ) {
    this.readOnly = grant.readOnly;
    this.user = grant.user;
    this.sessionId = grant.sessionId;
    this.origin = { source: 'connection', connectionId: this.id, user: grant.user };
    socket.binaryType = 'nodebuffer';
    // A listener that throws would end the process: what goes wrong closes this connection only.
    socket.on('message', (data: Buffer, isBinary: boolean) => this.#receive(data, isBinary));
    socket.on('pong', () => {
      this.alive = true;
    });
    socket.on('error', (err) => {
      // ws closes the socket itself (1009 for an oversized frame); only this connection is affected.
      this.log.warn({ boardId, connectionId: this.id, reason: err.message }, 'sync connection error');
    });
    socket.on('close', () => this.#handleClose());
  }

  /** Called once the room has loaded: joins it and replays frames that arrived meanwhile. */
  attach(room: Room): void {
    if (this.#closed) return;
    this.#room = room;
    try {
      room.join(this);
    } catch (err) {
      this.log.error({ err, boardId: this.boardId, connectionId: this.id }, 'joining a board failed');
      this.close(CloseCode.BoardUnavailable, 'board could not be opened');
      return;
    }
    this.#drain();
  }

  send(message: Uint8Array): void {
    if (this.#closed || this.socket.readyState !== this.socket.OPEN) return;
    holdForThisTurn(this.wire);
    // Written below ws (which writes nothing of its own in between: no compression, no queue), framed
    // once for everyone it goes to; a failed write errors the socket, and ws closes it.
    this.wire.write(binaryFrame(message));
    if (this.socket.bufferedAmount > this.bounds.maxUnsentBytes) this.#fellBehind();
  }

  /**
   * Drops a connection that reads far slower than it is sent to (a browser on a link that has all
   * but gone, or one that stopped reading): what waits for it would otherwise grow without bound.
   * Its socket is ended at once, freeing what waits (a close frame would wait behind it); the
   * browser reconnects and is sent what it missed in one message. What it sent is still taken in.
   */
  #fellBehind(): void {
    this.log.warn(
      { boardId: this.boardId, connectionId: this.id, unsentBytes: this.socket.bufferedAmount },
      'dropping sync connection that fell behind',
    );
    this.socket.terminate();
  }

  ping(): void {
    if (!this.alive) {
      this.log.info(
        { boardId: this.boardId, connectionId: this.id },
        'dropping unresponsive sync connection',
      );
      this.socket.terminate();
      return;
    }
    this.alive = false;
    holdForThisTurn(this.wire);
    this.socket.ping();
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#discard = true;
    // Reading again, so the browser's answer to the close is seen (and nothing waits for the allowance).
    if (this.#refill) {
      clearTimeout(this.#refill);
      this.#refill = null;
    }
    this.#holdReading(false);
    try {
      this.socket.close(code, closeReason(reason));
    } catch {
      this.socket.terminate();
    }
    this.#handleClose();
  }

  #receive(data: Buffer, isBinary: boolean): void {
    if (this.#closed) return;
    if (!isBinary) {
      this.close(CloseCode.MalformedMessage, 'text frames are not part of the protocol');
      return;
    }
    const message = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    // Frames wait, in order and within bounds, until the board has loaded and the one before is in.
    this.#backlogBytes += message.byteLength;
    if (this.#backlog.length >= BACKLOG_MAX_FRAMES || this.#backlogBytes > BACKLOG_MAX_BYTES) {
      this.close(CloseCode.MessageTooBig, 'too much sent before the server could take it in');
      return;
    }
    this.#backlog.push(message);
    this.#drain();
  }

  /**
   * Hands waiting frames to the room, one after another, pausing while one is being taken in and
   * while its user has sent faster than their allowance.
   */
  #drain(): void {
    // Frames received before the browser closed the socket are still taken in (an edit made just
    // before a tab is closed), unless the server closed it.
    while (this.#room && !this.#waiting && !this.#discard && this.#backlog.length > 0) {
      if (!this.#takeAllowance()) break;
      const message = this.#backlog.shift()!;
      this.#backlogBytes -= message.byteLength;
      const taken = this.#deliver(message);
      if (!taken) continue;
      this.#waiting = true;
      taken.then(
        () => {
          this.#waiting = false;
          this.#drain();
        },
        (error: unknown) => {
          this.#waiting = false;
          this.#refused(error);
          this.#finishIfDone();
        },
      );
    }
    // Reading waits while frames do (for the board, the frame before, the allowance): what waits
    // is at most one read's worth, and a flood waits on the network, not here.
    this.#holdReading(this.#backlog.length > 0 && !this.#discard);
    this.#finishIfDone();
  }

  #holdReading(hold: boolean): void {
    if (hold === this.#readingHeld || this.#closed) return;
    this.#readingHeld = hold;
    if (hold) this.socket.pause();
    else this.socket.resume();
  }

  /** True when the allowance is not spent; otherwise false, with a refill set to go on draining. */
  #takeAllowance(): boolean {
    if (this.#refill) return false;
    const wait = this.bounds.allowance.wait();
    if (wait === 0) return true;
    this.#refill = setTimeout(() => {
      this.#refill = null;
      this.#drain();
    }, wait);
    return false;
  }

  passedOn(): void {
    this.bounds.allowance.spend();
  }

  /** Hands one frame to the room. Never throws: a frame the room refuses closes this connection only. */
  #deliver(message: Uint8Array): Promise<void> | undefined {
    try {
      return this.#room!.receive(this, message) ?? undefined;
    } catch (error) {
      this.#refused(error);
      return undefined;
    }
  }

  /** Closes this connection for a frame the room refused (or could not handle). */
  #refused(error: unknown): void {
    this.#discard = true;
    this.#backlog = [];
    if (error instanceof ProtocolViolation) {
      this.log.warn(
        {
          boardId: this.boardId,
          connectionId: this.id,
          userId: this.user?.id,
          code: error.code,
          reason: error.message,
        },
        'sync message refused; closing the connection',
      );
      this.close(error.code, error.code === CloseCode.MalformedMessage ? 'malformed message' : error.message);
    } else {
      this.log.error(
        { err: error, boardId: this.boardId, connectionId: this.id },
        'handling a sync message failed',
      );
      this.close(CloseCode.MalformedMessage, 'the server could not handle a message');
    }
  }

  #handleClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#discard) this.#backlog = [];
    this.#finishIfDone();
  }

  /** Once closed and nothing received is still to be taken in: leaves the room. */
  #finishIfDone(): void {
    if (!this.#closed || this.#left) return;
    if (this.#room && !this.#discard && (this.#waiting || this.#backlog.length > 0)) return;
    this.#left = true;
    this.#backlog = [];
    if (this.#refill) clearTimeout(this.#refill);
    this.#room?.leave(this);
    this.onClose(this);
  }
}
