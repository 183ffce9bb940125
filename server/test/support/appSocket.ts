import { io as connectIo, type Socket } from 'socket.io-client';
import { onTestFinished } from 'vitest';
import {
  SOCKET_IO_PATH,
  type BoardJoinResult,
  type BoardStorageState,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '#shared/events';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket.io client as a browser's would be, with whatever cookie and headers it is given. */
export function openAppSocket(url: string, headers: Record<string, string> = {}): AppSocket {
  const socket: AppSocket = connectIo(url, {
    path: SOCKET_IO_PATH,
    transports: ['websocket'],
    extraHeaders: headers,
    reconnection: false,
  });
  onTestFinished(() => void socket.close());
  return socket;
}

/** Resolves with the handshake's outcome: `connected`, or the error message it was refused with. */
export function handshake(socket: AppSocket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (err) => resolve(err.message));
  });
}

export function join(socket: AppSocket, boardId: string): Promise<BoardJoinResult> {
  return new Promise((resolve) => socket.emit('board:join', boardId, resolve));
}

export interface BoardAppSocket {
  socket: AppSocket;
  /** The answer to `board:join`. */
  joined: BoardJoinResult;
  /** Every `board:storage` state the server sent about the board, in order. */
  storage: BoardStorageState[];
}

/**
 * A browser's socket.io connection with the given session cookie, joined to one board's room,
 * noting what it is told about storing the board's changes. Closed when the test finishes.
 */
export async function joinBoardEvents(url: string, cookie: string, boardId: string): Promise<BoardAppSocket> {
  const socket: AppSocket = connectIo(url, {
    path: SOCKET_IO_PATH,
    transports: ['websocket'],
    extraHeaders: { cookie },
    reconnection: false,
  });
  onTestFinished(() => void socket.close());
  const storage: BoardStorageState[] = [];
  socket.on('board:storage', (id, state) => {
    if (id === boardId) storage.push(state);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const joined = await socket.emitWithAck('board:join', boardId);
  return { socket, joined, storage };
}
