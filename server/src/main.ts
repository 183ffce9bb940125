import { loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { startServer } from './server.ts';

const SHUTDOWN_TIMEOUT_MS = 15_000;

const config = loadConfig();
const log = createLogger(config.logLevel);

try {
  const server = await startServer(config, log);
  log.info(
    {
      port: server.port,
      db: server.database.kind,
      dataDir: server.database.kind === 'pglite' ? config.dataDir : undefined,
    },
    `Huddle is listening on http://localhost:${server.port}`,
  );

  const shutdown = (signal: NodeJS.Signals): void => {
    log.info({ signal }, 'received signal');
    const timer = setTimeout(() => {
      log.error('shutdown took too long; exiting with updates possibly unwritten');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (err) {
  log.fatal({ err }, 'Huddle could not start');
  process.exit(1);
}
