import path from 'node:path';
import { z } from 'zod';
import { oidcFrom, oidcVariables, type OidcConfig } from './auth/oidc/config.ts';
import type { SessionConfig } from './auth/sessions.ts';
import type { ThrottleConfig } from './auth/throttle.ts';
import { parseTrustProxy, type TrustProxy } from './http/clientAddress.ts';
import { DEFAULT_ROOM_LIMITS, type RoomLimits } from './sync/roomContract.ts';
import { DEFAULT_FRAMES_PER_SECOND } from './sync/frameAllowance.ts';
import { DEFAULT_VERSIONS_CONFIG, type VersionsConfig } from './versions/boardVersions.ts';
import { httpOrigin, optionalRaw, parsedBy, readEnv, smtpUrl, trueOrFalse, wholeNumber } from './env.ts';

export interface Config {
  port: number;
  /**
   * The address to listen on, when `HOST` is set. Unset: this computer only (loopback) while the
   * database holds demo sign-ins with their published password, else every interface.
   */
  host: string | null;
  /** Postgres connection string; when absent the server runs embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  /** With it, this process shares boards, presence, socket.io rooms and access changes with the others on the same Redis. */
  redisUrl: string | undefined;
  /** Starts every Redis channel name: only processes with the same prefix share anything. */
  redisPrefix: string;
  /** Where embedded PGlite keeps its files; `null` keeps them in memory (tests). */
  dataDir: string | null;
  logLevel: string;
  /** Where the built SPA lives; the server serves it when the folder exists. */
  clientDir: string;
  /**
   * Where the app built for the server lives (`vite build --ssr`), with which it draws a board page's
   * first view into the page (http/firstView.ts); without it (or null), board pages go as they are.
   */
  firstViewDir: string | null;
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
  mail: MailConfig;
  /** When automatic versions are saved, and what the retention policy keeps of them. */
  versions: VersionsConfig;
}

export interface MailConfig {
  /** Where email is sent; null: emails go to the outbox table and the log only. */
  smtpUrl: string | null;
  /** The From of every email. */
  from: string;
  /** The hour (0-23, the server's time zone) from which each day's digest is sent. */
  digestHour: number;
  /** How often reminders, digests and the outbox are looked at. 0: never (tests run them by hand). */
  jobsIntervalMs: number;
}

export interface SyncConfig {
  /** Frames larger than this close the connection with `CloseCode.MessageTooBig`. */
  maxMessageBytes: number;
  /** A board with no connections for this long is persisted and unloaded. */
  idleUnloadMs: number;
  /** Keep-alive ping interval; a socket that misses one ping is dropped. */
  pingIntervalMs: number;
  /** A connection with more than this waiting to be sent to it is dropped (it reconnects and catches up). */
  maxUnsentBytes: number;
  /**
   * Edits and presence changes passed on to others from one person's connections together, a second
   * on average, with a second's worth at once; past it their frames wait (`sync/frameAllowance.ts`).
   */
  framesPerSecond: number;
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

const MINUTE = 60_000;

/**
 * Every setting the server takes from its environment, in one schema: each variable with its
 * default, and a message naming it and what it takes when it holds something else.
 */
export const envSchema = z
  .object({
    PORT: wholeNumber(3000),
    HOST: optionalRaw,
    DATABASE_URL: optionalRaw,
    REDIS_URL: optionalRaw,
    REDIS_PREFIX: optionalRaw,
    DATA_DIR: optionalRaw,
    LOG_LEVEL: optionalRaw,
    CLIENT_DIR: optionalRaw,
    FIRST_VIEW_DIR: optionalRaw,
    SEED: trueOrFalse(true),
    PUBLIC_URL: httpOrigin,
    TRUST_PROXY: parsedBy(parseTrustProxy),
    SESSION_IDLE_MINUTES: wholeNumber(60),
    SESSION_MAX_HOURS: wholeNumber(12),
    SIGN_IN_MAX_FAILURES_PER_ACCOUNT: wholeNumber(5),
    SIGN_IN_MAX_FAILURES_PER_ADDRESS: wholeNumber(50),
    SIGN_IN_LOCK_MINUTES: wholeNumber(15),
    ACCESS_CHECK_INTERVAL_MS: wholeNumber(60_000),
    DATABASE_CONNECT_TIMEOUT_MS: wholeNumber(DEFAULT_DATABASE_CONFIG.connectTimeoutMs),
    DATABASE_QUERY_TIMEOUT_MS: wholeNumber(DEFAULT_DATABASE_CONFIG.queryTimeoutMs),
    DATABASE_IDLE_IN_TRANSACTION_MS: wholeNumber(DEFAULT_DATABASE_CONFIG.idleInTransactionTimeoutMs),
    DATABASE_KEEPALIVE_MS: wholeNumber(DEFAULT_DATABASE_CONFIG.keepAliveMs),
    SYNC_MAX_MESSAGE_BYTES: wholeNumber(8 * 1024 * 1024),
    SYNC_IDLE_UNLOAD_MS: wholeNumber(60_000),
    SYNC_PING_INTERVAL_MS: wholeNumber(30_000),
    SYNC_MAX_UNSENT_BYTES: wholeNumber(64 * 1024 * 1024),
    SYNC_MAX_FRAMES_PER_SECOND: wholeNumber(DEFAULT_FRAMES_PER_SECOND).refine(
      (n) => n >= 1,
      'SYNC_MAX_FRAMES_PER_SECOND must be at least 1',
    ),
    SYNC_MAX_UPDATE_ENTRIES: wholeNumber(DEFAULT_ROOM_LIMITS.maxUpdateEntries),
    SYNC_MAX_BOARD_BYTES: wholeNumber(DEFAULT_ROOM_LIMITS.maxBoardBytes),
    SYNC_MAX_PRESENCE_PER_CONNECTION: wholeNumber(DEFAULT_ROOM_LIMITS.maxPresencePerConnection),
    SYNC_MAX_PRESENCE_BYTES: wholeNumber(DEFAULT_ROOM_LIMITS.maxPresenceBytes),
    SYNC_MAX_REFUSALS_PER_MINUTE: wholeNumber(DEFAULT_ROOM_LIMITS.maxRefusalsPerMinute),
    SYNC_MAX_QUESTIONS_PER_MINUTE: wholeNumber(DEFAULT_ROOM_LIMITS.maxQuestionsPerMinute),
    MAX_CONNECTIONS_PER_USER: wholeNumber(30),
    MAX_CONNECTIONS_PER_ADDRESS: wholeNumber(1000),
    STORAGE_FLUSH_INTERVAL_MS: wholeNumber(40),
    STORAGE_COMPACT_THRESHOLD: wholeNumber(500),
    STORAGE_WARN_AFTER_MS: wholeNumber(5_000),
    SMTP_URL: smtpUrl,
    MAIL_FROM: optionalRaw,
    DIGEST_HOUR: wholeNumber(7).refine((hour) => hour <= 23, 'DIGEST_HOUR must be an hour from 0 to 23'),
    NOTIFICATION_JOBS_INTERVAL_MS: wholeNumber(60_000),
    VERSIONS_DAILY_HOUR: wholeNumber(DEFAULT_VERSIONS_CONFIG.dailyHour).refine(
      (hour) => hour <= 23,
      'VERSIONS_DAILY_HOUR must be an hour from 0 to 23',
    ),
    VERSIONS_KEEP_ALL_DAYS: wholeNumber(DEFAULT_VERSIONS_CONFIG.keepAllDays),
    VERSIONS_KEEP_WEEKLY_DAYS: wholeNumber(DEFAULT_VERSIONS_CONFIG.keepWeeklyDays),
    ...oidcVariables,
  })
  .transform((env, ctx): Config => ({
    port: env.PORT,
    host: env.HOST ?? null,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX ?? 'huddle',
    dataDir: path.resolve(env.DATA_DIR ?? './data'),
    logLevel: env.LOG_LEVEL ?? 'info',
    clientDir: path.resolve(env.CLIENT_DIR ?? './dist/client'),
    firstViewDir: path.resolve(env.FIRST_VIEW_DIR ?? './dist/first-view'),
    seed: env.SEED,
    publicUrl: env.PUBLIC_URL,
    trustProxy: env.TRUST_PROXY,
    session: { idleMs: env.SESSION_IDLE_MINUTES * MINUTE, maxAgeMs: env.SESSION_MAX_HOURS * 60 * MINUTE },
    throttle: {
      maxPerAccount: env.SIGN_IN_MAX_FAILURES_PER_ACCOUNT,
      maxPerAddress: env.SIGN_IN_MAX_FAILURES_PER_ADDRESS,
      windowMs: env.SIGN_IN_LOCK_MINUTES * MINUTE,
    },
    accessCheckIntervalMs: env.ACCESS_CHECK_INTERVAL_MS,
    oidc: oidcFrom(env, ctx),
    database: {
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: env.DATABASE_QUERY_TIMEOUT_MS,
      idleInTransactionTimeoutMs: env.DATABASE_IDLE_IN_TRANSACTION_MS,
      keepAliveMs: env.DATABASE_KEEPALIVE_MS,
    },
    sync: {
      maxMessageBytes: env.SYNC_MAX_MESSAGE_BYTES,
      idleUnloadMs: env.SYNC_IDLE_UNLOAD_MS,
      pingIntervalMs: env.SYNC_PING_INTERVAL_MS,
      maxUnsentBytes: env.SYNC_MAX_UNSENT_BYTES,
      framesPerSecond: env.SYNC_MAX_FRAMES_PER_SECOND,
      limits: {
        maxUpdateEntries: env.SYNC_MAX_UPDATE_ENTRIES,
        maxBoardBytes: env.SYNC_MAX_BOARD_BYTES,
        maxPresencePerConnection: env.SYNC_MAX_PRESENCE_PER_CONNECTION,
        maxPresenceBytes: env.SYNC_MAX_PRESENCE_BYTES,
        maxRefusalsPerMinute: env.SYNC_MAX_REFUSALS_PER_MINUTE,
        maxQuestionsPerMinute: env.SYNC_MAX_QUESTIONS_PER_MINUTE,
      },
      maxConnectionsPerUser: env.MAX_CONNECTIONS_PER_USER,
      maxConnectionsPerAddress: env.MAX_CONNECTIONS_PER_ADDRESS,
    },
    storage: {
      flushIntervalMs: env.STORAGE_FLUSH_INTERVAL_MS,
      compactThreshold: env.STORAGE_COMPACT_THRESHOLD,
      warnAfterMs: env.STORAGE_WARN_AFTER_MS,
    },
    mail: {
      smtpUrl: env.SMTP_URL,
      from: env.MAIL_FROM ?? 'Huddle <huddle@localhost>',
      digestHour: env.DIGEST_HOUR,
      jobsIntervalMs: env.NOTIFICATION_JOBS_INTERVAL_MS,
    },
    versions: {
      dailyHour: env.VERSIONS_DAILY_HOUR,
      keepAllDays: env.VERSIONS_KEEP_ALL_DAYS,
      keepWeeklyDays: env.VERSIONS_KEEP_WEEKLY_DAYS,
    },
  }));

/** The server's settings from `env` (the process's own by default); throws naming every variable it cannot read. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return readEnv(envSchema, env);
}
