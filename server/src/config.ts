import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  /** Postgres connection string; when absent the server runs embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  /** Where embedded PGlite keeps its files; `null` keeps them in memory (tests). */
  dataDir: string | null;
  logLevel: string;
  /** Where the built SPA lives; the server serves it when the folder exists. */
  clientDir: string;
  sync: SyncConfig;
  storage: StorageConfig;
  /** Seed the demo Place on first start with an empty database. */
  seed: boolean;
}

export interface SyncConfig {
  /** Frames larger than this close the connection with `CloseCode.MessageTooBig`. */
  maxMessageBytes: number;
  /** A board with no connections for this long is persisted and unloaded. */
  idleUnloadMs: number;
  /** Keep-alive ping interval; a socket that misses one ping is dropped. */
  pingIntervalMs: number;
}

export interface StorageConfig {
  /** Group commit window: updates arriving within it are written in one insert. */
  flushIntervalMs: number;
  /** Fold a board's update log into its snapshot once the log holds this many rows. */
  compactThreshold: number;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a whole number of 0 or more, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: intFromEnv(env, 'PORT', 3000),
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR ?? './data'),
    logLevel: env.LOG_LEVEL ?? 'info',
    clientDir: path.resolve(env.CLIENT_DIR ?? './dist/client'),
    seed: env.SEED !== 'false',
    sync: {
      maxMessageBytes: intFromEnv(env, 'SYNC_MAX_MESSAGE_BYTES', 8 * 1024 * 1024),
      idleUnloadMs: intFromEnv(env, 'SYNC_IDLE_UNLOAD_MS', 60_000),
      pingIntervalMs: intFromEnv(env, 'SYNC_PING_INTERVAL_MS', 30_000),
    },
    storage: {
      flushIntervalMs: intFromEnv(env, 'STORAGE_FLUSH_INTERVAL_MS', 40),
      compactThreshold: intFromEnv(env, 'STORAGE_COMPACT_THRESHOLD', 500),
    },
  };
}
