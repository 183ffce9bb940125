import path from 'node:path';
import { loadOidcConfig, type OidcConfig } from './auth/oidc/config.ts';
import type { SessionConfig } from './auth/sessions.ts';
import type { ThrottleConfig } from './auth/throttle.ts';
import { parseTrustProxy, type TrustProxy } from './http/clientAddress.ts';
import { DEFAULT_ROOM_LIMITS, type RoomLimits } from './sync/roomContract.ts';

export interface Config {
  port: number;
  /**
   * The address to listen on, when `HOST` is set. Unset: this computer only (loopback) while the
   * database holds demo sign-ins with their published password, else every interface.
   */
  host: string | null;
  /** Postgres connection string; when absent the server runs embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  /** Where embedded PGlite keeps its files; `null` keeps them in memory (tests). */
  dataDir: string | null;
  logLevel: string;
  /** Where the built SPA lives; the server serves it when the folder exists. */
  clientDir: string;
  /** Timeouts and keep-alive of Postgres connections. */
  database: DatabaseConfig;
  sync: SyncConfig;
  storage: StorageConfig;
  /** Seed the demo Place on first start with an empty database. */
  seed: boolean;
  /** The address people use, like `https://huddle.example.nhs.uk`; its origin may make API calls. */
  publicUrl: string | null;
  /** The reverse proxies whose X-Forwarded-For/-Proto are believed for addresses and https. */
  trustProxy: TrustProxy;
  session: SessionConfig;
  throttle: ThrottleConfig;
  /** How often open sockets' sessions and access are checked again (besides on every change). */
  accessCheckIntervalMs: number;
  /** Single sign-on, when OIDC_* is set. */
  oidc: OidcConfig | null;
}

export interface SyncConfig {
  /** Frames larger than this close the connection with `CloseCode.MessageTooBig`. */
  maxMessageBytes: number;
  /** A board with no connections for this long is persisted and unloaded. */
  idleUnloadMs: number;
  /** Keep-alive ping interval; a socket that misses one ping is dropped. */
  pingIntervalMs: number;
  /** What one change, one board and one connection's presence may hold. */
  limits: RoomLimits;
  /** Open connections (Yjs and socket.io, counted apart) one signed-in user may hold. */
  maxConnectionsPerUser: number;
  /** Open connections from one address (a hospital's NAT, a proxy without TRUST_PROXY). */
  maxConnectionsPerAddress: number;
}

export interface DatabaseConfig {
  /** Opening a connection (or waiting for a free one) fails after this long. */
  connectTimeoutMs: number;
  /** The database ends a statement that runs longer; the server stops waiting shortly after. 0: no limit. */
  queryTimeoutMs: number;
  /** The database ends a session left idle inside a transaction for this long. 0: no limit. */
  idleInTransactionTimeoutMs: number;
  /** TCP keep-alive on database connections after this long idle, to notice a dead peer. 0: off. */
  keepAliveMs: number;
}

/** Used where no configuration is loaded (the command line tools, tests). */
export const DEFAULT_DATABASE_CONFIG: DatabaseConfig = {
  connectTimeoutMs: 10_000,
  queryTimeoutMs: 30_000,
  idleInTransactionTimeoutMs: 60_000,
  keepAliveMs: 10_000,
};

export interface StorageConfig {
  /** Group commit window: updates arriving within it are written in one insert. */
  flushIntervalMs: number;
  /** Fold a board's update log into its snapshot once the log holds this many rows. */
  compactThreshold: number;
  /**
   * Board changes not stored after this long make storage "degraded" in `/healthz`, and the
   * board's browsers are told their changes are not stored yet.
   */
  warnAfterMs: number;
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

function urlFromEnv(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = env[name];
  if (!raw) return null;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return url.origin;
  } catch {
    throw new Error(
      `${name} must be an http or https address, like https://huddle.example.nhs.uk, got "${raw}"`,
    );
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const minute = 60_000;
  return {
    port: intFromEnv(env, 'PORT', 3000),
    host: env.HOST || null,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR ?? './data'),
    logLevel: env.LOG_LEVEL ?? 'info',
    clientDir: path.resolve(env.CLIENT_DIR ?? './dist/client'),
    seed: env.SEED !== 'false',
    publicUrl: urlFromEnv(env, 'PUBLIC_URL'),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    session: {
      idleMs: intFromEnv(env, 'SESSION_IDLE_MINUTES', 60) * minute,
      maxAgeMs: intFromEnv(env, 'SESSION_MAX_HOURS', 12) * 60 * minute,
    },
    throttle: {
      maxPerAccount: intFromEnv(env, 'SIGN_IN_MAX_FAILURES_PER_ACCOUNT', 5),
      maxPerAddress: intFromEnv(env, 'SIGN_IN_MAX_FAILURES_PER_ADDRESS', 50),
      windowMs: intFromEnv(env, 'SIGN_IN_LOCK_MINUTES', 15) * minute,
    },
    accessCheckIntervalMs: intFromEnv(env, 'ACCESS_CHECK_INTERVAL_MS', minute),
    oidc: loadOidcConfig(env),
    database: {
      connectTimeoutMs: intFromEnv(
        env,
        'DATABASE_CONNECT_TIMEOUT_MS',
        DEFAULT_DATABASE_CONFIG.connectTimeoutMs,
      ),
      queryTimeoutMs: intFromEnv(env, 'DATABASE_QUERY_TIMEOUT_MS', DEFAULT_DATABASE_CONFIG.queryTimeoutMs),
      idleInTransactionTimeoutMs: intFromEnv(
        env,
        'DATABASE_IDLE_IN_TRANSACTION_MS',
        DEFAULT_DATABASE_CONFIG.idleInTransactionTimeoutMs,
      ),
      keepAliveMs: intFromEnv(env, 'DATABASE_KEEPALIVE_MS', DEFAULT_DATABASE_CONFIG.keepAliveMs),
    },
    sync: {
      maxMessageBytes: intFromEnv(env, 'SYNC_MAX_MESSAGE_BYTES', 8 * 1024 * 1024),
      idleUnloadMs: intFromEnv(env, 'SYNC_IDLE_UNLOAD_MS', 60_000),
      pingIntervalMs: intFromEnv(env, 'SYNC_PING_INTERVAL_MS', 30_000),
      limits: {
        maxUpdateEntries: intFromEnv(env, 'SYNC_MAX_UPDATE_ENTRIES', DEFAULT_ROOM_LIMITS.maxUpdateEntries),
        maxBoardBytes: intFromEnv(env, 'SYNC_MAX_BOARD_BYTES', DEFAULT_ROOM_LIMITS.maxBoardBytes),
        maxPresencePerConnection: intFromEnv(
          env,
          'SYNC_MAX_PRESENCE_PER_CONNECTION',
          DEFAULT_ROOM_LIMITS.maxPresencePerConnection,
        ),
        maxPresenceBytes: intFromEnv(env, 'SYNC_MAX_PRESENCE_BYTES', DEFAULT_ROOM_LIMITS.maxPresenceBytes),
        maxRefusalsPerMinute: intFromEnv(
          env,
          'SYNC_MAX_REFUSALS_PER_MINUTE',
          DEFAULT_ROOM_LIMITS.maxRefusalsPerMinute,
        ),
      },
      maxConnectionsPerUser: intFromEnv(env, 'MAX_CONNECTIONS_PER_USER', 30),
      maxConnectionsPerAddress: intFromEnv(env, 'MAX_CONNECTIONS_PER_ADDRESS', 1000),
    },
    storage: {
      flushIntervalMs: intFromEnv(env, 'STORAGE_FLUSH_INTERVAL_MS', 40),
      compactThreshold: intFromEnv(env, 'STORAGE_COMPACT_THRESHOLD', 500),
      warnAfterMs: intFromEnv(env, 'STORAGE_WARN_AFTER_MS', 5_000),
    },
  };
}
