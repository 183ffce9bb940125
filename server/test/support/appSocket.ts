import { io as connectIo, type Socket } from 'socket.io-client';
import { onTestFinished } from 'vitest';
import {
  SOCKET_IO_PATH,
  type BoardJoinResult,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../../shared/events.ts';

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
