import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type * as Y from 'yjs';
import { CloseCode } from '#shared/sync/closeCodes';
import { YJS_PATH } from '#shared/sync/protocol';
import type { SessionEndReason } from '#shared/events';
import type { SyncConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { BoardStorage } from '../storage/BoardStorage.ts';
import { ConnectionLimits } from '../limits/connectionLimits.ts';
import { boardRulesHook } from '../boards/boardRulesHook.ts';
import { Connection, PING_SLICES, type ConnectionGrant } from './Connection.ts';
import { FrameAllowances } from './frameAllowance.ts';
import { Room } from './Room.ts';
import type { TransactionOrigin } from './origin.ts';
import type { RoomHook, RoomPeers, RoomPersistence } from './roomContract.ts';
import { roomPersistence } from './roomPersistence.ts';

export type { ConnectionGrant };

/** A refused upgrade: answered with this HTTP status before any sync message. */
export interface UpgradeRefusal {
  status: number;
  message: string;
}

/** An open connection, as `reauthorize` is asked about it. */
export interface OpenConnection {
  boardId: string;
  sessionId: string | null;
  userId: string | null;
  readOnly: boolean;
}

export interface SyncServerHooks {
  /** Decides whether this request may open `boardId`. Runs before the WebSocket handshake. */
  authorize(request: IncomingMessage, boardId: string): Promise<ConnectionGrant | UpgradeRefusal>;
  /** Decides again for an open connection (after an access change, and periodically). */
  reauthorize?(connection: OpenConnection): Promise<ConnectionGrant | UpgradeRefusal>;
  /** A connection was accepted (the audit trail records the board being opened). */
  onOpen?(boardId: string, grant: ConnectionGrant): void;
  /** A connection's edit was applied: its session is in use. */
  onEdit?(sessionId: string): void;
  /** Called when a board's storage must stop tracking it (after unload). */
  onUnload?(boardId: string): void;
}

export interface SyncServerOptions {
  /** What happens to changes applied to a board, in order. The board's rules by default. */
  roomHooks?: readonly RoomHook[];
  /** The client's address, for the per-address limit (behind a proxy, from its headers). */
  addressOf?(request: IncomingMessage): string;
  /** The other server processes (Redis, when several run): each loaded board is shared with them. */
  peers?: SyncPeers;
}

/** The other server processes holding the boards this one has loaded. */
export interface SyncPeers extends RoomPeers {
  /** A board has loaded here: hear the others about it (and catch up with them). */
  join(boardId: string, room: Room): void | Promise<void>;
  /** The board is being unloaded here. */
  leave(boardId: string): void;
}

interface RoomEntry {
  room: Room;
  ready: Promise<void>;
  idleTimer: NodeJS.Timeout | null;
  unloading: Promise<void> | null;
}

const BOARD_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Upgrades from one address still being authorised at once, before it is asked to wait. */
const MAX_PENDING_UPGRADES_PER_ADDRESS = 50;

/**
 * The path of a request target, or null when it cannot be read: a broken percent-encoding, an
 * absolute-form target with an impossible port. Never throws.
 */
function pathnameOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url, 'http://localhost').pathname;
  } catch {
    return null;
  }
}

/** The board id in `/yjs/<boardId>`, or null when the path holds none (or is not decodable). */
function boardIdOf(pathname: string): string | null {
  try {
    const boardId = decodeURIComponent(pathname.slice(YJS_PATH.length + 1));
    return BOARD_ID.test(boardId) ? boardId : null;
  } catch {
    return null;
  }
}

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
/** Access decisions a recheck waits on at once. */
const RECHECKS_AT_ONCE = 8;

export class SyncServer {
  readonly #wss: WebSocketServer;
  readonly #rooms = new Map<string, RoomEntry>();
  readonly #connections = new Set<Connection>();
  readonly #pingTimer: NodeJS.Timeout;
  readonly #limits: ConnectionLimits;
  readonly #allowances: FrameAllowances;
  /** Numbers the connections that have no user (each has an allowance of its own). */
  #anonymous = 0;
  readonly #pending = new Map<string, number>();
  readonly #persistence: RoomPersistence;
  readonly #roomHooks: readonly RoomHook[];
  readonly #addressOf: (request: IncomingMessage) => string;
  #closing = false;

  constructor(
    private readonly config: SyncConfig,
    private readonly storage: BoardStorage,
    private readonly hooks: SyncServerHooks,
    private readonly log: Logger,
    private readonly options: SyncServerOptions = {},
  ) {
    this.#roomHooks = options.roomHooks ?? [boardRulesHook];
    this.#addressOf = options.addressOf ?? ((request) => request.socket.remoteAddress ?? 'unknown');
    this.#limits = new ConnectionLimits(
      { perUser: config.maxConnectionsPerUser, perAddress: config.maxConnectionsPerAddress },
      'board connections',
    );
    this.#allowances = new FrameAllowances(config.framesPerSecond);
    this.#persistence = roomPersistence(storage);
    // Without compression: connections write pre-framed messages straight to their socket (`wireFrames.ts`).
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: config.maxMessageBytes,
      perMessageDeflate: false,
    });
    // Each connection is pinged once an interval, a tenth of them at a time: pinging thousands of
    // sockets in one go would hold up every delivery behind it.
    let slice = 0;
    this.#pingTimer = setInterval(
      () => {
        slice = (slice + 1) % PING_SLICES;
        for (const connection of this.#connections) if (connection.pingSlice === slice) connection.ping();
      },
      Math.max(1, Math.floor(config.pingIntervalMs / PING_SLICES)),
    );
    this.#pingTimer.unref();
  }

  /** Boards currently held in memory. */
  get loadedBoards(): string[] {
    return [...this.#rooms.keys()];
  }

  /** Whether a board is loaded here and ready (not loading, nor being unloaded). */
  isOpen(boardId: string): boolean {
    const entry = this.#rooms.get(boardId);
    return entry !== undefined && entry.unloading === null && entry.room.loaded;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** True when the request is for this endpoint; then the upgrade is handled (or refused) here. Never throws. */
  handlesUpgrade(request: IncomingMessage): boolean {
    const pathname = pathnameOf(request.url);
    return pathname !== null && (pathname === YJS_PATH || pathname.startsWith(`${YJS_PATH}/`));
  }

  /**
   * Answers an upgrade to `/yjs/<boardId>`: refused with an HTTP status before any sync message, or
   * accepted. Never rejects: whatever the request holds, the socket is answered or destroyed.
   */
  async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    let address = 'unknown';
    try {
      address = this.#addressOf(request);
    } catch (err) {
      this.log.warn({ err }, 'could not tell the address of a sync connection');
    }
    if ((this.#pending.get(address) ?? 0) >= MAX_PENDING_UPGRADES_PER_ADDRESS)
      return refuse(socket, 429, 'Too many connections are being opened from this address');
    this.#pending.set(address, (this.#pending.get(address) ?? 0) + 1);
    try {
      await this.#upgrade(request, socket, head, address);
    } catch (err) {
      this.log.error({ err }, 'answering a sync upgrade failed');
      if (!socket.destroyed) refuse(socket, 500, 'Something went wrong on the server');
    } finally {
      const left = (this.#pending.get(address) ?? 1) - 1;
      if (left <= 0) this.#pending.delete(address);
      else this.#pending.set(address, left);
    }
  }

  async #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, address: string): Promise<void> {
    const pathname = pathnameOf(request.url);
    if (pathname === null) return refuse(socket, 400, 'Not a valid address');
    const boardId = boardIdOf(pathname);
    if (this.#closing) return refuse(socket, 503, 'Server is shutting down');
    if (boardId === null) return refuse(socket, 400, 'Not a board id');
    const early = this.#limits.check(address, null);
    if (early) return refuse(socket, early.status, early.message);
    let grant: ConnectionGrant | UpgradeRefusal;
    try {
      grant = await this.hooks.authorize(request, boardId);
    } catch (err) {
      this.log.error({ err, boardId }, 'authorising a sync connection failed');
      return refuse(socket, 500, 'Could not check access to this board');
    }
    if ('status' in grant) return refuse(socket, grant.status, grant.message);
    // Shutting down began while access was checked: no board is opened after its rooms were unloaded.
    if (this.#closing) return refuse(socket, 503, 'Server is shutting down');
    const limited = this.#limits.check(address, grant.user?.id ?? null);
    if (limited) return refuse(socket, limited.status, limited.message);
    if (socket.destroyed) return;
    const counted = this.#limits.open(address, grant.user?.id ?? null);
    try {
      this.#wss.handleUpgrade(request, socket, head, (ws) => {
        if (this.#closing) {
          counted();
          ws.close(CloseCode.GoingAway, 'server shutting down');
          return;
        }
        try {
          this.#accept(ws, socket, boardId, grant, counted);
        } catch (err) {
          counted();
          this.log.error({ err, boardId }, 'opening a sync connection failed');
          ws.terminate();
        }
      });
    } catch (err) {
      counted();
      throw err;
    }
  }

  /**
   * Closes every connection opened with one of these sessions (signed out, expired, deactivated),
   * with the reason (a `SessionEndReason`) as the close reason.
   */
  endSessions(sessionIds: readonly string[], reason: string): void {
    const ended = new Set(sessionIds);
    for (const connection of [...this.#connections]) {
      if (connection.sessionId && ended.has(connection.sessionId))
        connection.close(CloseCode.SessionEnded, reason);
    }
  }

  /**
   * Asks `reauthorize` again about the open connections `select` picks (all when absent), and
   * closes those whose access has gone (or changed: they reconnect with the new access).
   */
  async recheck(select: (connection: OpenConnection) => boolean = () => true): Promise<void> {
    const reauthorize = this.hooks.reauthorize;
    if (!reauthorize) return;
    const picked = [...this.#connections].filter((c) =>
      select({
        boardId: c.boardId,
        sessionId: c.sessionId,
        userId: c.user?.id ?? null,
        readOnly: c.readOnly,
      }),
    );
    // One decision per session and board, however many tabs share them; a few at a time, so that
    // checking thousands of sockets never holds up the deliveries meanwhile.
    const byKey = new Map<string, Connection[]>();
    for (const connection of picked) {
      const key = `${connection.sessionId ?? ''} ${connection.boardId}`;
      const same = byKey.get(key);
      if (same) same.push(connection);
      else byKey.set(key, [connection]);
    }
    const groups = [...byKey.values()];
    const decide = async (connections: Connection[]): Promise<void> => {
      const first = connections[0]!;
      const result = await reauthorize({
        boardId: first.boardId,
        sessionId: first.sessionId,
        userId: first.user?.id ?? null,
        readOnly: first.readOnly,
      }).catch((err: unknown): ConnectionGrant | UpgradeRefusal => {
        this.log.error({ err, boardId: first.boardId }, 'checking a connection’s access failed');
        // Keep the connection as it is; the next check decides.
        return { user: first.user, sessionId: first.sessionId, readOnly: first.readOnly };
      });
      for (const connection of connections) {
        if ('status' in result) {
          if (result.status === 401)
            connection.close(CloseCode.SessionEnded, 'expired' satisfies SessionEndReason);
          else connection.close(CloseCode.AccessRevoked, result.message);
        } else if (result.readOnly !== connection.readOnly) {
          connection.close(CloseCode.AccessChanged, 'access to this board changed');
        }
      }
    };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < groups.length) await decide(groups[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(RECHECKS_AT_ONCE, groups.length) }, worker));
  }

  /** Resolves once every update received so far is durable. */
  flush(): Promise<void> {
    return this.storage.flush();
  }

  /**
   * Makes a change to a board as the server (a meeting stepped on its chair's request): loads the
   * board if it is not loaded, runs `write` on its document in one transaction with `origin`, and
   * lets everyone on it see the change and storage keep it like any other. A board nobody has open
   * is unloaded again after the idle time.
   */
  async change<T>(boardId: string, origin: TransactionOrigin, write: (doc: Y.Doc) => T): Promise<T> {
    if (this.#closing) throw new Error('The server is shutting down');
    const entry = await this.#open(boardId);
    let result!: T;
    entry.room.doc.transact(() => {
      result = write(entry.room.doc);
    }, origin);
    this.#unloadWhenIdle(boardId, entry);
    return result;
  }

  /**
   * A board's records as JSON (a BoardSnapshot), for a browser to show while the document loads:
   * loads the board if it is not loaded (the browser's connection, on its way, finds it ready).
   * A board nobody opens after all is unloaded again after the idle time.
   */
  async snapshot(boardId: string): Promise<Buffer> {
    if (this.#closing) throw new Error('The server is shutting down');
    const entry = await this.#open(boardId);
    this.#unloadWhenIdle(boardId, entry);
    return entry.room.snapshot();
  }

  /** A board loaded for the server's own use, with nobody on it, is unloaded after the idle time. */
  #unloadWhenIdle(boardId: string, entry: RoomEntry): void {
    if (entry.room.connectionCount > 0 || entry.idleTimer || entry.unloading) return;
    entry.idleTimer = setTimeout(() => {
      entry.idleTimer = null;
      if (entry.room.connectionCount === 0) void this.#unload(boardId);
    }, this.config.idleUnloadMs);
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

  #accept(ws: WebSocket, wire: Duplex, boardId: string, grant: ConnectionGrant, counted: () => void): void {
    const sessionId = grant.sessionId;
    const allowanceKey = grant.user ? `user:${grant.user.id}` : `connection:${++this.#anonymous}`;
    const connection = new Connection(
      ws,
      wire,
      boardId,
      grant,
      { maxUnsentBytes: this.config.maxUnsentBytes, allowance: this.#allowances.hold(allowanceKey) },
      this.log,
      (closed) => {
        counted();
        this.#allowances.release(allowanceKey);
        this.#onConnectionClosed(closed);
      },
      sessionId && this.hooks.onEdit ? () => this.hooks.onEdit!(sessionId) : undefined,
    );
    this.#connections.add(connection);
    this.hooks.onOpen?.(boardId, grant);
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
    const peers = this.options.peers ?? null;
    const room = new Room(
      boardId,
      this.#persistence,
      this.#roomHooks,
      this.config.limits,
      this.log,
      undefined,
      peers,
    );
    // With other processes, a board is served once it has caught up with what they hold.
    const ready = peers ? room.load().then(() => this.#joinPeers(peers, boardId, room)) : room.load();
    const entry: RoomEntry = { room, ready, idleTimer: null, unloading: null };
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

  /** Never rejects: a board whose other holders cannot be heard is served from this process alone. */
  async #joinPeers(peers: SyncPeers, boardId: string, room: Room): Promise<void> {
    try {
      await peers.join(boardId, room);
    } catch (err) {
      this.log.warn({ err, boardId }, 'sharing a board with other processes failed');
    }
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
        this.options.peers?.leave(boardId);
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
