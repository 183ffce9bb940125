import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import type { BoardSummary } from '#shared/boards';
import {
  SOCKET_IO_PATH,
  SOCKET_UNAUTHORISED,
  SOCKET_UNAVAILABLE,
  type BoardJoinResult,
  type BoardStorageState,
  type ClientToServerEvents,
  type ProgressFollowResult,
  type ServerToClientEvents,
  type SessionEndReason,
} from '#shared/events';
import type { AccessPolicy } from '../access/AccessPolicy.ts';
import { isRefusal, REFUSAL_STATUS, type Refusal } from '../refusal.ts';
import type { Principal } from '../access/principal.ts';
import { sessionTokenFrom } from '../auth/cookies.ts';
import type { SessionStore } from '../auth/sessions.ts';
import { isSameSite } from '../access/sameSite.ts';
import type { Logger } from '../log.ts';
import { ConnectionLimits, type ConnectionLimitConfig } from '../limits/connectionLimits.ts';

interface SocketData {
  principal: Principal;
  /** A `progress:follow` being answered: another one meanwhile shares its answer (and its queries). */
  progressFollow?: Promise<ProgressFollowResult> | undefined;
}

export type AppEventServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
/** A socket on this process or, when rechecking, as fetched: what following progress needs of it. */
interface RoomMember {
  data: SocketData;
  rooms: ReadonlySet<string>;
  join(rooms: string[]): unknown;
  leave(room: string): unknown;
}

/** Users to tell one thing at the end of this turn of the event loop (`AppEvents.#tellAtTurnEnd`). */
interface PendingUsers {
  users: Set<string>;
  scheduled: boolean;
  tell(rooms: ReturnType<AppEventServer['to']>): void;
}

const BOARD_ID = /^[A-Za-z0-9_-]{1,64}$/;
const userRoom = (userId: string) => `user:${userId}`;
const HANDSHAKE_UNAVAILABLE = {
  status: 503,
  message: 'Could not check your session just now; the connection is tried again shortly',
} as const;
const boardRoom = (boardId: string) => `board:${boardId}`;
const progressRoom = (boardId: string) => `progress:${boardId}`;
/** A board busy with edits tells progress pages at most this often. */
export const PROGRESS_CHANGED_EVERY_MS = 2000;

export interface AppEventsOptions {
  sessions: SessionStore;
  policy: AccessPolicy;
  allowedOrigins: readonly string[];
  log: Logger;
  /** Sockets one user, and one address, may hold open at once. */
  limits: ConnectionLimitConfig;
  /** The client's address, for the per-address limit (behind a proxy, from its headers). */
  addressOf?(request: IncomingMessage): string;
  /** How storing a board's changes stands, for the answer to `board:join`. */
  storageState?(boardId: string): BoardStorageState;
  /** The boards whose progress figures the principal may see, or a refusal (ProgressQueries.boards). */
  progressBoards?(principal: Principal): Promise<readonly { id: string }[] | Refusal>;
  /**
   * Where rooms live when several server processes run (socket.io's Redis adapter): an event to a
   * board's or a user's room reaches their sockets on every process.
   */
  adapter?: ServerOptions['adapter'];
}

/**
 * App events (not board content) over socket.io, typed by the maps in shared/events.ts. The
 * handshake needs a session; a board's room needs access to the board, checked by the AccessPolicy.
 */
export class AppEvents {
  readonly io: AppEventServer;
  readonly #limits: ConnectionLimits;
  /** Boards whose `progress:changed` waits, so that a busy board tells progress pages once in a while. */
  readonly #progressPending = new Map<string, { again: boolean; timer: ReturnType<typeof setTimeout> }>();
  readonly #workChanged: PendingUsers = {
    users: new Set(),
    scheduled: false,
    tell: (rooms) => rooms.emit('work:changed'),
  };
  readonly #notified: PendingUsers = {
    users: new Set(),
    scheduled: false,
    tell: (rooms) => rooms.emit('notifications:changed'),
  };

  constructor(
    httpServer: HttpServer,
    private readonly options: AppEventsOptions,
  ) {
    this.#limits = new ConnectionLimits(options.limits, 'Huddle tabs');
    this.io = new Server(httpServer, {
      path: SOCKET_IO_PATH,
      serveClient: false,
      // Upgrades to other paths (the Yjs endpoint) are not socket.io's to close.
      destroyUpgrade: false,
      ...(options.adapter ? { adapter: options.adapter } : {}),
    });
    this.io.use((socket, next) => {
      this.#authenticate(socket)
        .then(
          (refusal) =>
            next(refusal ? Object.assign(new Error(SOCKET_UNAUTHORISED), { data: refusal }) : undefined),
          (err: unknown) => {
            // The session could not be checked (the database did not answer): not a refusal, and
            // nothing of the failure itself reaches the browser, which connects again later.
            this.options.log.warn({ err }, 'a socket.io handshake could not be checked');
            next(Object.assign(new Error(SOCKET_UNAVAILABLE), { data: HANDSHAKE_UNAVAILABLE }));
          },
        )
        .catch((err: unknown) => this.options.log.error({ err }, 'answering a socket.io handshake failed'));
    });
    this.io.on('connection', (socket) => this.#connected(socket));
  }

  /** Tells every user who can open the new board about it. */
  async announceBoard(boardId: string): Promise<void> {
    // One look per user, however many tabs they have open.
    const seen = new Map<string, Promise<BoardSummary | undefined>>();
    for (const socket of await this.io.fetchSockets()) {
      const { principal } = socket.data;
      let board = seen.get(principal.userId);
      if (!board) {
        board = this.options.policy.boards(principal).then((boards) => boards.find((b) => b.id === boardId));
        seen.set(principal.userId, board);
      }
      const summary = await board;
      if (summary) socket.emit('board:created', summary);
    }
  }

  /** Tells these users' open pages that actions they own or proposed have changed. */
  tellWorkChanged(userIds: Iterable<string>): void {
    this.#tellAtTurnEnd(this.#workChanged, userIds);
  }

  /** Tells these users' open pages that they have new notifications (the bell counts again). */
  tellNotified(userIds: Iterable<string>): void {
    this.#tellAtTurnEnd(this.#notified, userIds);
  }

  /**
   * Adds users to be told at the end of this turn of the event loop, all in one event to their rooms:
   * every board a group commit wrote is told about in the same turn, so a busy minute costs one
   * event (and, with several processes, one Redis message) per commit rather than one per board.
   */
  #tellAtTurnEnd(pending: PendingUsers, userIds: Iterable<string>): void {
    for (const userId of userIds) pending.users.add(userId);
    if (pending.scheduled || pending.users.size === 0) return;
    pending.scheduled = true;
    setImmediate(() => {
      const rooms = [...pending.users].map(userRoom);
      pending.users.clear();
      pending.scheduled = false;
      pending.tell(this.io.to(rooms));
    });
  }

  /**
   * Tells the progress pages that may see this board that its figures changed: at once for a quiet
   * board; while changes keep coming, once more at the end of each PROGRESS_CHANGED_EVERY_MS, so the
   * last change is always told.
   */
  tellProgressChanged(boardId: string): void {
    const pending = this.#progressPending.get(boardId);
    if (pending) {
      pending.again = true;
      return;
    }
    this.io.to(progressRoom(boardId)).emit('progress:changed');
    const wait = {
      again: false,
      timer: setTimeout(() => this.#progressWaitEnded(boardId), PROGRESS_CHANGED_EVERY_MS),
    };
    wait.timer.unref();
    this.#progressPending.set(boardId, wait);
  }

  #progressWaitEnded(boardId: string): void {
    const pending = this.#progressPending.get(boardId);
    this.#progressPending.delete(boardId);
    if (pending?.again) this.tellProgressChanged(boardId);
  }

  /** Tells everyone with the board open how storing its changes stands. */
  tellStorage(boardId: string, state: BoardStorageState): void {
    this.io.to(boardRoom(boardId)).emit('board:storage', boardId, state);
  }

  /** Signs out the sockets of these sessions. */
  async endSessions(sessionIds: readonly string[], reason: SessionEndReason): Promise<void> {
    const ended = new Set(sessionIds);
    // Every process hears that sessions ended (see cluster/accessRelay.ts): each signs out its own sockets.
    for (const socket of await this.io.local.fetchSockets()) {
      if (!ended.has(socket.data.principal.sessionId)) continue;
      socket.emit('session:ended', reason);
      socket.disconnect(true);
    }
  }

  /**
   * Checks the sockets of these users (all sockets when absent) again: ended sessions are signed
   * out, rooms of boards they can no longer open are left, and each is told to fetch its access again.
   */
  async recheck(userIds?: readonly string[]): Promise<void> {
    if (userIds?.length === 0) return;
    // Each user's sockets are in their own room: only theirs are fetched when users are named.
    // Every process hears of access changes: each checks its own sockets.
    const sockets = await (userIds ? this.io.in(userIds.map(userRoom)) : this.io).local.fetchSockets();
    for (const socket of sockets) {
      const { principal } = socket.data;
      const current = await this.options.sessions.resolveById(principal.sessionId, { touch: false });
      if (!current) {
        socket.emit('session:ended', 'expired');
        socket.disconnect(true);
        continue;
      }
      socket.data.principal = current;
      for (const room of socket.rooms) {
        if (!room.startsWith('board:')) continue;
        const access = await this.options.policy.boardAccess(current, room.slice('board:'.length));
        if (isRefusal(access)) socket.leave(room);
      }
      if ([...socket.rooms].some((room) => room.startsWith('progress:'))) await this.#followProgress(socket);
      if (userIds) socket.emit('access:changed');
    }
  }

  /** Tells everyone to fetch their board list and access again (a board's teams changed). */
  broadcastAccessChanged(): void {
    this.io.local.emit('access:changed');
  }

  async close(): Promise<void> {
    for (const { timer } of this.#progressPending.values()) clearTimeout(timer);
    this.#progressPending.clear();
    this.io.local.disconnectSockets(true);
    this.io.engine.close();
  }

  async #authenticate(socket: AppSocket): Promise<{ status: number; message: string } | null> {
    if (!isSameSite(socket.request.headers, this.options.allowedOrigins)) {
      return { status: 403, message: 'This connection came from another site and was refused' };
    }
    const token = sessionTokenFrom(socket.request.headers.cookie);
    const principal = token ? await this.options.sessions.resolve(token) : null;
    const ready = this.options.policy.ready(principal);
    if (isRefusal(ready)) return { status: REFUSAL_STATUS[ready.refused], message: ready.message };
    const limited = this.#limits.check(this.#addressOf(socket), ready.userId);
    if (limited) return limited;
    socket.data.principal = ready;
    return null;
  }

  #addressOf(socket: AppSocket): string {
    try {
      return this.options.addressOf?.(socket.request) ?? socket.handshake.address;
    } catch {
      return socket.handshake.address;
    }
  }

  #connected(socket: AppSocket): void {
    const { principal } = socket.data;
    socket.once('disconnect', this.#limits.open(this.#addressOf(socket), principal.userId));
    void socket.join(userRoom(principal.userId));
    this.options.log.debug({ socketId: socket.id, userId: principal.userId }, 'app events socket connected');

    socket.on('board:join', (boardId, ack) => {
      if (typeof ack !== 'function') return;
      if (typeof boardId !== 'string' || !BOARD_ID.test(boardId)) {
        ack({ ok: false, status: 404, error: 'There is no board with that id' });
        return;
      }
      void this.#join(socket, boardId).then(ack, (err: unknown) => {
        this.options.log.error({ err, boardId }, 'joining a board room failed');
        // Not a refusal: the browser keeps the board and asks again.
        ack({ ok: false, status: 503, error: 'Could not check access to this board just now' });
      });
    });
    socket.on('board:leave', (boardId) => {
      if (typeof boardId === 'string') void socket.leave(boardRoom(boardId));
    });
    socket.on('progress:follow', (ack) => {
      if (typeof ack !== 'function') return;
      socket.data.progressFollow ??= this.#followProgress(socket)
        .catch((err: unknown): ProgressFollowResult => {
          this.options.log.error({ err }, 'following progress failed');
          return { ok: false, status: 503, error: 'Could not check what progress you may see just now' };
        })
        .finally(() => (socket.data.progressFollow = undefined));
      void socket.data.progressFollow.then(ack);
    });
    socket.on('progress:unfollow', () => this.#leaveProgress(socket));
  }

  #leaveProgress(socket: RoomMember, keep: ReadonlySet<string> = new Set()): void {
    for (const room of socket.rooms) if (room.startsWith('progress:') && !keep.has(room)) socket.leave(room);
  }

  /** Puts the socket in the progress rooms of exactly the boards its user may see figures of now. */
  async #followProgress(socket: RoomMember): Promise<ProgressFollowResult> {
    const boards = await this.options.progressBoards?.(socket.data.principal);
    if (!boards || isRefusal(boards)) {
      this.#leaveProgress(socket);
      return { ok: false, status: 403, error: boards?.message ?? 'Progress is not available here' };
    }
    const rooms = new Set(boards.map((board) => progressRoom(board.id)));
    this.#leaveProgress(socket, rooms);
    await socket.join([...rooms]);
    return { ok: true };
  }

  async #join(socket: AppSocket, boardId: string): Promise<BoardJoinResult> {
    const principal = await this.options.sessions.resolveById(socket.data.principal.sessionId);
    if (!principal) {
      socket.emit('session:ended', 'expired');
      socket.disconnect(true);
      return { ok: false, status: 403, error: 'Your session has ended' };
    }
    socket.data.principal = principal;
    const access = await this.options.policy.boardAccess(principal, boardId);
    if (isRefusal(access)) {
      return { ok: false, status: access.refused === 'not-found' ? 404 : 403, error: access.message };
    }
    await socket.join(boardRoom(boardId));
    return { ok: true, access, storage: this.options.storageState?.(boardId) ?? 'stored' };
  }
}
