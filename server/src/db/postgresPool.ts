import type pg from 'pg';
import type { DatabaseConfig } from '../config.ts';

/** How much longer than the database's own statement timeout the server waits for an answer. */
const QUERY_TIMEOUT_MARGIN_MS = 2_000;

/**
 * The settings of every Postgres connection the server opens (its pool, and the group commit's
 * own connection on its thread, `statementThread.ts`), from the configured timeouts.
 */
export function poolSettings(databaseUrl: string, config: DatabaseConfig): pg.PoolConfig {
  return {
    connectionString: databaseUrl,
    application_name: 'huddle',
    connectionTimeoutMillis: config.connectTimeoutMs,
    // The database ends a statement after this long; the server stops waiting a little later,
    // for when the database does not answer at all.
    statement_timeout: config.queryTimeoutMs || undefined,
    query_timeout: config.queryTimeoutMs ? config.queryTimeoutMs + QUERY_TIMEOUT_MARGIN_MS : undefined,
    idle_in_transaction_session_timeout: config.idleInTransactionTimeoutMs || undefined,
    keepAlive: config.keepAliveMs > 0,
    keepAliveInitialDelayMillis: config.keepAliveMs,
  };
}

/** Whether a query failed because the server stopped waiting for the database's answer. */
export function isQueryTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout';
}

/** Ends a connection at once, whether or not the other end still answers. */
export function destroyConnection(client: pg.PoolClient): void {
  // node-postgres has no public way to drop a socket that no longer answers; `end()` waits for it.
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}
