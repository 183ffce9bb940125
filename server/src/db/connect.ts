import { mkdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  type MigrationProvider,
  type PostgresPool,
  type PostgresPoolClient,
} from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { DEFAULT_DATABASE_CONFIG, type DatabaseConfig } from '../config.ts';
import type { Database } from './schema.ts';
import { migrations } from './migrations/index.ts';
import { describeDatabaseError, isTransientDatabaseError } from './errors.ts';
import type { Logger } from '../log.ts';

export type DatabaseKind = 'postgres' | 'pglite';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Postgres connection string; absent means embedded PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; `null` keeps PGlite in memory. */
  dataDir?: string | null;
  /** Timeouts and keep-alive of Postgres connections. */
  connection?: DatabaseConfig;
  /** Keep trying while Postgres cannot be reached, instead of failing (the server at start-up). */
  waitForDatabase?: boolean;
  log: Logger;
}

/** The longest wait between two attempts to reach the database at start-up. */
const START_RETRY_MAX_MS = 5_000;
/** How much longer than the database's own statement timeout the server waits for an answer. */
const QUERY_TIMEOUT_MARGIN_MS = 2_000;

/** Where the database is, for people reading the log (never the password). */
export function databaseAddress(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname || 'localhost'}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'the configured address';
  }
}

function isQueryTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout';
}

/** Ends a connection at once, whether or not the other end still answers. */
function destroyConnection(client: pg.PoolClient): void {
  // node-postgres has no public way to drop a socket that no longer answers; `end()` waits for it.
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/**
 * The pool as kysely sees it. A connection whose query timed out is dropped rather than handed
 * back: behind a database that stopped answering, its next query would wait behind the first.
 */
class GuardedPool implements PostgresPool {
  constructor(readonly pool: pg.Pool) {}

  async connect(): Promise<PostgresPoolClient> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const query = (...args: unknown[]): unknown => {
      const result = (client.query as (...a: unknown[]) => unknown)(...args);
      if (result instanceof Promise) {
        result.catch((error: unknown) => {
          if (!isQueryTimeout(error)) return;
          broken = error as Error;
          destroyConnection(client);
        });
      }
      return result;
    };
    return { query: query as PostgresPoolClient['query'], release: () => client.release(broken) };
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

function postgresPool(databaseUrl: string, config: DatabaseConfig, log: Logger): GuardedPool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    application_name: 'huddle',
    connectionTimeoutMillis: config.connectTimeoutMs,
    // The database ends a statement after this long; the server stops waiting a little later,
    // for when the database does not answer at all.
    statement_timeout: config.queryTimeoutMs || undefined,
    query_timeout: config.queryTimeoutMs ? config.queryTimeoutMs + QUERY_TIMEOUT_MARGIN_MS : undefined,
    idle_in_transaction_session_timeout: config.idleInTransactionTimeoutMs || undefined,
    keepAlive: config.keepAliveMs > 0,
    keepAliveInitialDelayMillis: config.keepAliveMs,
  });
  // A connection can be lost at any moment (a restart, a failover, a network cut), idle in the pool
  // or in the middle of a query. The query fails and the pool drops the connection; an `error`
  // event nobody listens to would stop the server, so every connection gets a listener.
  pool.on('connect', (client) => {
    client.on('error', (err) =>
      log.warn({ reason: describeDatabaseError(err) }, 'a database connection was lost'),
    );
  });
  pool.on('error', (err) =>
    log.warn({ reason: describeDatabaseError(err) }, 'an idle database connection was closed'),
  );
  return new GuardedPool(pool);
}

/**
 * Opens Postgres (when a URL is given) or embedded PGlite, and brings its schema up to date. With
 * `waitForDatabase`, a Postgres that cannot be reached yet is tried again (with a growing pause,
 * logged each time) until it answers; any other failure (a wrong password, a migration that
 * fails) ends the attempt.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  let db: Kysely<Database>;
  let kind: DatabaseKind;
  if (options.databaseUrl) {
    kind = 'postgres';
    const pool = postgresPool(
      options.databaseUrl,
      options.connection ?? DEFAULT_DATABASE_CONFIG,
      options.log,
    );
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    kind = 'pglite';
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    const pglite = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
    db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  }
  try {
    if (kind === 'postgres' && options.waitForDatabase) {
      const address = databaseAddress(options.databaseUrl!);
      await untilDatabaseAnswers(() => migrateToLatest(db), options.log, `the database at ${address}`);
    } else {
      await migrateToLatest(db);
    }
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, kind, close: () => db.destroy() };
}

/**
 * Runs `work` until it succeeds, waiting and trying again while the database cannot be reached (with
 * a growing pause, up to a few seconds, logged in words each time). Other failures are thrown.
 */
export async function untilDatabaseAnswers<T>(
  work: () => Promise<T>,
  log: Logger,
  what = 'the database',
): Promise<T> {
  let pauseMs = 250;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await work();
      if (attempt > 1) log.info(`${what} answers again; carrying on with start-up`);
      return result;
    } catch (error) {
      if (!isTransientDatabaseError(error)) throw error;
      pauseMs = Math.min(START_RETRY_MAX_MS, pauseMs * 2);
      log.warn(
        { attempt, retryInMs: pauseMs },
        `Huddle is waiting for ${what}, which cannot be reached (${describeDatabaseError(error)}); ` +
          `trying again in ${Math.round(pauseMs / 100) / 10} s. It starts serving once the database answers.`,
      );
      await delay(pauseMs);
    }
  }
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error && isTransientDatabaseError(error)) throw error;
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? '');
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${reason}`.trim());
  }
}
