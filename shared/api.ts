/*
 * REST in general: what every error looks like, and health.
 */

/**
 * `GET /healthz`: 200 when `ok`, 503 otherwise (shutting down, the database unreachable, or
 * storage degraded), with `reason` in words.
 */
export interface HealthResponse {
  ok: boolean;
  db: 'pglite' | 'postgres';
  /** Whether the database answers a trivial query (asked at most once a second). */
  database: 'ok' | 'unreachable';
  /** `degraded` once a board change has waited longer than `STORAGE_WARN_AFTER_MS` to be stored, or while the database refuses a board's changes. */
  storage: 'ok' | 'degraded';
  /** Board changes received and not stored yet. */
  pendingUpdates: number;
  /** How long the oldest of them has waited, in milliseconds (0 when none). */
  oldestPendingMs: number;
  /** Boards whose changes the database refuses (kept on the server and tried again). */
  refusedBoards: number;
  /** Why the server is not ok, in words; absent when it is. */
  reason?: string;
}

/** Every non-2xx JSON response from `/api`. */
export interface ApiError {
  error: string;
  /** Field-level problems with the request body, when there are any. */
  issues?: { path: string; message: string }[];
}
