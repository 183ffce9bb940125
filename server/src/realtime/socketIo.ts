import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { BoardSummary } from '../../../shared/api.ts';
import {
  SOCKET_IO_PATH,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../../shared/events.ts';
import type { Logger } from '../log.ts';

export type AppEventServer = Server<ClientToServerEvents, ServerToClientEvents>;

/** App events (not board content) over socket.io, typed by the maps in shared/events.ts. */
export function createSocketIo(httpServer: HttpServer, log: Logger): AppEventServer {
  const io: AppEventServer = new Server(httpServer, {
    path: SOCKET_IO_PATH,
    serveClient: false,
    // Upgrades to other paths (the Yjs endpoint) are not socket.io's to close.
    destroyUpgrade: false,
  });
  io.on('connection', (socket) => {
    log.debug({ socketId: socket.id }, 'app events socket connected');
  });
  return io;
}

export function announceBoard(io: AppEventServer, board: BoardSummary): void {
  io.emit('board:created', board);
}
