import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode } from '../../../shared/closeCodes.ts';
import { YJS_PATH } from '../../../shared/syncProtocol.ts';
import type { SyncConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { BoardStorage } from '../storage/BoardStorage.ts';
import { Connection } from './Connection.ts';
import { Room } from './Room.ts';

/** Who is connecting and how; returned by the `authorize` hook for an accepted upgrade. */
export interface ConnectionGrant {
  userId: string | null;
  readOnly: boolean;
}

/** A refused upgrade: answered with this HTTP status before any sync message. */
export interface UpgradeRefusal {
  status: number;
  message: string;
}

export interface SyncServerHooks {
  /** Decides whether this request may open `boardId`. Runs before the WebSocket handshake. */
  authorize(request: IncomingMessage, boardId: string): Promise<ConnectionGrant | UpgradeRefusal>;
  /** Called when a board's storage must stop tracking it (after unload). */
  onUnload?(boardId: string): void;
}

interface RoomEntry {
  room: Room;
  ready: Promise<void>;
  idleTimer: NodeJS.Timeout | null;
  unloading: Promise<void> | null;
}

const BOARD_ID = /^[A-Za-z0-9_-]{1,64}$/;

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * The Yjs sync endpoint at `/yjs/<boardId>`: one room per loaded board, one connection per socket.
 * Loads boards on first use, unloads them after they have been idle, and pings every socket.
 */
export class SyncServer {
  readonly #wss: WebSocketServer;
  readonly #rooms = new Map<string, RoomEntry>();
  readonly #connections = new Set<Connection>();
  readonly #pingTimer: NodeJS.Timeout;
  #closing = false;

  constructor(
    private readonly config: SyncConfig,
    private readonly storage: BoardStorage,
    private readonly hooks: SyncServerHooks,
    private readonly log: Logger,
  ) {
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: config.maxMessageBytes });
    this.#pingTimer = setInterval(() => {
      for (const connection of this.#connections) connection.ping();
    }, config.pingIntervalMs);
    this.#pingTimer.unref();
  }

  /** Boards currently held in memory. */
  get loadedBoards(): string[] {
    return [...this.#rooms.keys()];
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** True when the request is for this endpoint; then the upgrade is handled (or refused) here. */
  handlesUpgrade(request: IncomingMessage): boolean {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    return pathname === YJS_PATH || pathname.startsWith(`${YJS_PATH}/`);
  }

  async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    const boardId = decodeURIComponent(pathname.slice(YJS_PATH.length + 1));
    if (this.#closing) return refuse(socket, 503, 'Server is shutting down');
    if (!BOARD_ID.test(boardId)) return refuse(socket, 400, 'Not a board id');
    let grant: ConnectionGrant | UpgradeRefusal;
    try {
      grant = await this.hooks.authorize(request, boardId);
    } catch (err) {
      this.log.error({ err, boardId }, 'authorising a sync connection failed');
      return refuse(socket, 500, 'Could not check access to this board');
    }
    if ('status' in grant) return refuse(socket, grant.status, grant.message);
    if (socket.destroyed) return;
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, boardId, grant));
  }

  /** Resolves once every update received so far is durable. */
  flush(): Promise<void> {
    return this.storage.flush();
  }

  /** Stops accepting, closes every connection, then persists and unloads every board. */
  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#pingTimer);
    for (const connection of [...this.#connections]) {
      connection.close(CloseCode.GoingAway, 'server shutting down');
    }
    await Promise.all([...this.#rooms.keys()].map((boardId) => this.#unload(boardId)));
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #accept(ws: WebSocket, boardId: string, grant: ConnectionGrant): void {
    const connection = new Connection(ws, boardId, grant.readOnly, grant.userId, this.log, (closed) =>
      this.#onConnectionClosed(closed),
    );
    this.#connections.add(connection);
    void this.#open(boardId).then(
      (entry) => {
        if (entry.idleTimer) clearTimeout(entry.idleTimer);
        entry.idleTimer = null;
        connection.attach(entry.room);
      },
      (err: unknown) => {
        this.log.error({ err, boardId }, 'board failed to load');
        connection.close(CloseCode.BoardUnavailable, 'board could not be loaded');
      },
    );
  }

  async #open(boardId: string): Promise<RoomEntry> {
    for (;;) {
      const existing = this.#rooms.get(boardId);
      if (!existing) break;
      if (!existing.unloading) {
        await existing.ready;
        return existing;
      }
      // A board being unloaded is loaded afresh once its state is safely stored.
      await existing.unloading.catch(() => undefined);
    }
    const room = new Room(boardId, this.storage);
    const entry: RoomEntry = { room, ready: room.load(), idleTimer: null, unloading: null };
    this.#rooms.set(boardId, entry);
    try {
      await entry.ready;
    } catch (error) {
      this.#rooms.delete(boardId);
      throw error;
    }
    this.log.debug({ boardId }, 'board loaded');
    return entry;
  }

  #onConnectionClosed(connection: Connection): void {
    this.#connections.delete(connection);
    const entry = this.#rooms.get(connection.boardId);
    if (!entry || entry.unloading || entry.room.connectionCount > 0 || this.#closing) return;
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = setTimeout(() => {
      entry.idleTimer = null;
      if (entry.room.connectionCount === 0) void this.#unload(connection.boardId);
    }, this.config.idleUnloadMs);
  }

  async #unload(boardId: string): Promise<void> {
    const entry = this.#rooms.get(boardId);
    if (!entry) return;
    if (entry.unloading) return entry.unloading;
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.unloading = (async () => {
      try {
        await entry.ready.catch(() => undefined);
        await entry.room.unload();
        this.log.debug({ boardId }, 'board unloaded');
      } catch (err) {
        this.log.error({ err, boardId }, 'unloading board failed; its updates stay in the log');
      } finally {
        this.#rooms.delete(boardId);
        this.hooks.onUnload?.(boardId);
      }
    })();
    return entry.unloading;
  }
}
