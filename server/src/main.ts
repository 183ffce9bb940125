import { loadConfig, type Config } from './config.ts';
import { listeningMessage } from './http/listenAddress.ts';
import { createLogger } from './log.ts';
import { startServer } from './server.ts';

const SHUTDOWN_TIMEOUT_MS = 15_000;

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  // A setting that cannot be read (TRUST_PROXY=yes, PORT=abc): say which, plainly, and stop.
  createLogger('info').fatal(`Huddle could not start: ${(err as Error).message}`);
  process.exit(1);
}
const log = createLogger(config.logLevel);
// The last line of defence: every promise Huddle makes is handled where it is made, but one that is
// not must cost one request at most, never everyone's server (Node's default would end the process).
process.on('unhandledRejection', (reason) => {
  log.error({ err: reason }, 'a failure went unhandled; the server carries on');
});

try {
  const server = await startServer(config, log);
  const { message, warning } = listeningMessage(server.listening, server.port);
  log.info(
    {
      port: server.port,
      host: server.listening.host,
      db: server.database.kind,
      dataDir: server.database.kind === 'pglite' ? config.dataDir : undefined,
    },
    message,
  );
  if (warning) log.warn(warning);

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
