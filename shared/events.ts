import type { BoardSummary } from './api.ts';

/** Events the server sends to browsers over socket.io. */
export interface ServerToClientEvents {
  /** A board was created; every open board list adds it without a reload. */
  'board:created': (board: BoardSummary) => void;
}

/**
 * Events browsers send to the server over socket.io. None yet: the board list is read over REST
 * (again on every reconnect, so nothing announced while disconnected is missed).
 */
export type ClientToServerEvents = Record<string, never>;

export const SOCKET_IO_PATH = '/socket.io';
