import path from 'node:path';
import { loadOidcConfig, type OidcConfig } from './auth/oidc.ts';
import type { SessionConfig } from './auth/sessions.ts';
import type { ThrottleConfig } from './auth/throttle.ts';
import { parseTrustProxy, type TrustProxy } from './http/clientAddress.ts';
import { DEFAULT_ROOM_LIMITS, type RoomLimits } from './sync/Room.ts';

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
    },
  };
}
