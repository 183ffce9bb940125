import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { SOCKET_IO_PATH } from '../../shared/events.ts';
import type { Config } from './config.ts';
import { openDatabase, type DatabaseHandle } from './db/connect.ts';
import { BoardsRepository } from './boards/boardsRepository.ts';
import { createHttpApp } from './http/app.ts';
import { createLogger, type Logger } from './log.ts';
import { announceBoard, createSocketIo, type AppEventServer } from './realtime/socketIo.ts';
import { seedIfEmpty } from './seed.ts';
import { PostgresBoardStorage } from './storage/postgresBoardStorage.ts';
import { SyncServer } from './sync/SyncServer.ts';

export interface HuddleServer {
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  database: DatabaseHandle;
  sync: SyncServer;
  storage: PostgresBoardStorage;
  log: Logger;
  /** Stops accepting, closes every connection, writes every pending update, closes the database. */
  close(): Promise<void>;
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Opens the database, seeds it when empty, and serves REST, socket.io, Yjs sync and the SPA on one port. */
export async function startServer(
  config: Config,
  log: Logger = createLogger(config.logLevel),
): Promise<HuddleServer> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log });
  let closing = false;
  try {
    if (config.seed) await seedIfEmpty(database.db, log);
  } catch (error) {
    await database.close();
    throw error;
  }
  const boards = new BoardsRepository(database.db);
  const storage = new PostgresBoardStorage(database.db, config.storage, log);
  const sync = new SyncServer(
    config.sync,
    storage,
    {
      authorize: async (_request, boardId) =>
        (await boards.exists(boardId))
          ? { userId: null, readOnly: false }
          : { status: 404, message: 'Board not found' },
      onUnload: (boardId) => storage.forget(boardId),
    },
    log,
  );

  const app = await createHttpApp({
    logger: log,
    dbKind: database.kind,
    boards,
    clientDir: config.clientDir,
    onBoardCreated: (board) => announceBoard(io, board),
    isReady: () => !closing,
  });
  const io: AppEventServer = createSocketIo(app.server, log);
  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (sync.handlesUpgrade(request)) {
      void sync.handleUpgrade(request, socket, head);
    } else if (!(request.url ?? '').startsWith(SOCKET_IO_PATH)) {
      refuseUpgrade(socket, 404, 'Not Found');
    }
  });

  await app.listen({ port: config.port, host: config.host });
  const port = (app.server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      log.info('shutting down: closing connections and writing pending updates');
      await sync.close();
      io.local.disconnectSockets(true);
      io.engine.close();
      await app.close();
      await storage.flush();
      await database.close();
      log.info('shut down cleanly');
    })();
    return closed;
  };

  return { port, url: `http://127.0.0.1:${port}`, database, sync, storage, log, close };
}
