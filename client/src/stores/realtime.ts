import { ref } from 'vue';
import { defineStore } from 'pinia';
import { io, type Socket } from 'socket.io-client';
import type { BoardSummary } from '#shared/boards';
import {
  SOCKET_IO_PATH,
  SOCKET_UNAUTHORISED,
  SOCKET_UNAVAILABLE,
  type BoardJoinResult,
  type BoardStorageState,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '#shared/events';
import { useSessionStore } from './session.ts';

type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Listener<T extends unknown[] = []> = (...args: T) => void;

/**
 * How long to wait before connecting again after the server refused the handshake yet the session
 * is fine, or could not check it just now.
 */
const RETRY_AFTER_REFUSAL_MS = 5_000;
const JOIN_TIMEOUT_MS = 10_000;
/** How long to wait before joining a board's room again when the server could not check access. */
const JOIN_RETRY_MS = 5_000;

function subscribe<T extends unknown[]>(set: Set<Listener<T>>, listener: Listener<T>): () => void {
  set.add(listener);
  return () => set.delete(listener);
}

/**
 * The app's one socket.io connection while someone is signed in: app events, not board content.
 * Stores subscribe with the `on...` functions; board rooms joined with `joinBoard` are joined again
 * after every reconnect, because the server forgets a socket's rooms when it disconnects.
 */
export const useRealtimeStore = defineStore('realtime', () => {
  const session = useSessionStore();
  const connected = ref(false);
  let socket: AppSocket | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const connectListeners = new Set<Listener>();
  const connectErrorListeners = new Set<Listener>();
  const accessListeners = new Set<Listener>();
  const boardCreatedListeners = new Set<Listener<[BoardSummary]>>();
  const boardStorageListeners = new Set<Listener<[string, BoardStorageState]>>();
  const workListeners = new Set<Listener>();
  const notificationListeners = new Set<Listener>();
  const progressListeners = new Set<Listener>();
  /** Whether the server sends this browser changes to the progress figures now. */
  const followingProgress = ref(false);
  const rooms = new Map<string, Listener<[BoardJoinResult]>>();
  /** Board rooms this socket is in now: their events reach this browser. */
  const joined = ref(new Set<string>());

  async function join(current: AppSocket, boardId: string): Promise<void> {
    let result: BoardJoinResult;
    try {
      result = await current.timeout(JOIN_TIMEOUT_MS).emitWithAck('board:join', boardId);
    } catch {
      return; // No answer (disconnected meanwhile): the next connect joins again.
    }
    if (socket !== current) return;
    const onResult = rooms.get(boardId);
    if (!result.ok && result.status === 503) {
      // Access could not be checked just now (the database did not answer): ask again.
      setTimeout(() => {
        if (socket === current && current.connected && rooms.get(boardId) === onResult)
          void join(current, boardId);
      }, JOIN_RETRY_MS);
      return;
    }
    if (result.ok && rooms.get(boardId) === onResult) joined.value = new Set(joined.value).add(boardId);
    onResult?.(result);
  }

  /** Asks the server for changes to the progress figures the user may see (again, after access changes). */
  async function followProgress(current: AppSocket): Promise<void> {
    if (progressListeners.size === 0) return;
    try {
      const result = await current.timeout(JOIN_TIMEOUT_MS).emitWithAck('progress:follow');
      if (socket === current) followingProgress.value = result.ok;
    } catch {
      // No answer (disconnected meanwhile): the next connect asks again.
    }
  }

  async function connectLater(): Promise<void> {
    await session.check();
    if (session.state !== 'signed-in' || !socket) return;
    const current = socket;
    retryTimer = setTimeout(() => current.connect(), RETRY_AFTER_REFUSAL_MS);
  }

  function start(): void {
    if (socket) return;
    // WebSocket first, as the board's own connection is: socket.io's default starts with HTTP long
    // polling and upgrades, three or four requests more while the page loads (each holding one of the
    // browser's six connections to the server, and a round trip each on a slow network). Polling
    // stays as the fallback when a WebSocket cannot be opened.
    const current: AppSocket = io({
      path: SOCKET_IO_PATH,
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
    });
    socket = current;
    current.on('connect', () => {
      connected.value = true;
      for (const boardId of rooms.keys()) void join(current, boardId);
      void followProgress(current);
      connectListeners.forEach((listener) => listener());
    });
    current.on('disconnect', () => {
      connected.value = false;
      joined.value = new Set();
      followingProgress.value = false;
    });
    current.on('connect_error', (error) => {
      connectErrorListeners.forEach((listener) => listener());
      // socket.io does not retry a handshake the server refused, nor one it could not check (its
      // database did not answer); find out whether the session still holds before trying again.
      if (error.message === SOCKET_UNAUTHORISED || error.message === SOCKET_UNAVAILABLE) void connectLater();
    });
    current.on('session:ended', (reason) => session.end(reason));
    current.on('access:changed', () => {
      void session.check();
      void followProgress(current);
      accessListeners.forEach((listener) => listener());
    });
    current.on('board:created', (board) => {
      void followProgress(current);
      boardCreatedListeners.forEach((listener) => listener(board));
    });
    current.on('progress:changed', () => progressListeners.forEach((listener) => listener()));
    current.on('work:changed', () => workListeners.forEach((listener) => listener()));
    current.on('notifications:changed', () => notificationListeners.forEach((listener) => listener()));
    current.on('board:storage', (boardId, state) =>
      boardStorageListeners.forEach((listener) => listener(boardId, state)),
    );
  }

  function stop(): void {
    clearTimeout(retryTimer);
    socket?.disconnect();
    socket = null;
    connected.value = false;
    joined.value = new Set();
    followingProgress.value = false;
  }

  /**
   * Calls `listener` whenever the progress figures of a board the user may see change (stored),
   * from now and after every reconnect; returns a function to stop.
   */
  function onProgressChanged(listener: Listener): () => void {
    progressListeners.add(listener);
    if (progressListeners.size === 1 && socket?.connected) void followProgress(socket);
    return () => {
      progressListeners.delete(listener);
      if (progressListeners.size > 0) return;
      followingProgress.value = false;
      if (socket?.connected) socket.emit('progress:unfollow');
    };
  }

  /** Joins a board's room now (when connected) and after every reconnect; returns a function to leave. */
  function joinBoard(boardId: string, onResult: Listener<[BoardJoinResult]>): () => void {
    rooms.set(boardId, onResult);
    if (socket?.connected) void join(socket, boardId);
    return () => {
      if (rooms.get(boardId) !== onResult) return;
      rooms.delete(boardId);
      const left = new Set(joined.value);
      left.delete(boardId);
      joined.value = left;
      if (socket?.connected) socket.emit('board:leave', boardId);
    };
  }

  return {
    connected,
    followingProgress,
    start,
    stop,
    joinBoard,
    onProgressChanged,
    /** Whether this browser is in the board's room now, so that its events reach it. */
    hasJoined: (boardId: string) => joined.value.has(boardId),
    onConnect: (listener: Listener) => subscribe(connectListeners, listener),
    onConnectError: (listener: Listener) => subscribe(connectErrorListeners, listener),
    onAccessChanged: (listener: Listener) => subscribe(accessListeners, listener),
    onBoardCreated: (listener: Listener<[BoardSummary]>) => subscribe(boardCreatedListeners, listener),
    /** Actions the user owns or proposed changed somewhere: My work looks again. */
    onWorkChanged: (listener: Listener) => subscribe(workListeners, listener),
    /** The user's notifications changed (new ones, or read on another page): the bell counts again. */
    onNotificationsChanged: (listener: Listener) => subscribe(notificationListeners, listener),
    /** How storing a board's changes stands, whenever it changes (for the rooms joined). */
    onBoardStorage: (listener: Listener<[string, BoardStorageState]>) =>
      subscribe(boardStorageListeners, listener),
  };
});
