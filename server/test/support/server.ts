import { onTestFinished } from 'vitest';
import {
  loadConfig,
  type Config,
  type DatabaseConfig,
  type MailConfig,
  type StorageConfig,
  type SyncConfig,
} from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import type { OidcConfig } from '../../src/auth/oidc/config.ts';
import type { ThrottleConfig } from '../../src/auth/throttle.ts';
import type { TrustProxy } from '../../src/http/clientAddress.ts';
import { startServer, type HuddleServer } from '../../src/server.ts';
import type { TestDatabase } from './testDatabase.ts';
import { launchServerProcess, type ServerProcess } from './serverProcess.ts';

export type { ServerProcess };

export interface TestServerOptions {
  db: TestDatabase;
  port?: number;
  seed?: boolean;
  sync?: Partial<SyncConfig>;
  storage?: Partial<StorageConfig>;
  database?: Partial<DatabaseConfig>;
  clientDir?: string;
  /** The app built for the server, to draw board pages' first views with; none by default. */
  firstViewDir?: string;
  publicUrl?: string;
  throttle?: ThrottleConfig;
  oidc?: OidcConfig;
  accessCheckIntervalMs?: number;
  mail?: Partial<MailConfig>;
  /** The proxies in front (the test itself, sending X-Forwarded-For); none by default. */
  trustProxy?: TrustProxy;
  /** Runs beside other servers on this Redis (and channel prefix); alone by default. */
  redis?: { url: string; prefix: string };
}

export function testConfig(options: TestServerOptions): Config {
  const base = loadConfig({});
  return {
    ...base,
    port: options.port ?? 0,
    host: '127.0.0.1',
    databaseUrl: options.db.databaseUrl,
    dataDir: options.db.dataDir,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'error',
    seed: options.seed ?? true,
    clientDir: options.clientDir ?? base.clientDir,
    firstViewDir: options.firstViewDir ?? null,
    sync: { ...base.sync, ...options.sync },
    storage: { ...base.storage, ...options.storage },
    database: { ...base.database, ...options.database },
    publicUrl: options.publicUrl ?? null,
    throttle: options.throttle ?? base.throttle,
    oidc: options.oidc ?? null,
    accessCheckIntervalMs: options.accessCheckIntervalMs ?? base.accessCheckIntervalMs,
    trustProxy: options.trustProxy ?? base.trustProxy,
    redisUrl: options.redis?.url,
    redisPrefix: options.redis?.prefix ?? base.redisPrefix,
    // Reminders and digests run when a test says, on its own clock.
    mail: { ...base.mail, jobsIntervalMs: 0, ...options.mail },
  };
}

/** Starts a Huddle server in this process on port 0; it is closed when the test finishes. */
export async function startTestServer(options: TestServerOptions): Promise<HuddleServer> {
  const config = testConfig(options);
  const server = await startServer(config, createLogger(config.logLevel));
  onTestFinished(() => server.close());
  return server;
}

/** Runs the server as its own process (for tests that kill it); it is killed when the test finishes. */
export async function spawnServer(env: Record<string, string | undefined>): Promise<ServerProcess> {
  const server = await launchServerProcess(env);
  onTestFinished(async () => {
    await server.stop('SIGKILL');
  });
  return server;
}
