/** The SQLSTATE of a database error (Postgres and PGlite), or the Node code of a network error. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/** Whether a database error is a unique constraint violation (SQLSTATE 23505), on Postgres and PGlite. */
export function isUniqueViolation(error: unknown): boolean {
  return errorCode(error) === '23505';
}

/**
 * SQLSTATEs that say "not now" rather than "not this": the connection (08), a transaction that lost
 * a race (40: serialisation failure, deadlock), resources (53: too many connections, disk full, out
 * of memory), the operator or a timeout (57: statement timeout, shut down, starting up), the
 * system (58), a lock that was not granted in time (55P03).
 */
const TRANSIENT_SQLSTATE = /^(08|40|53|57|58)|^55P03$/;

/** Network failures on the way to the database. */
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** node-postgres's own messages for a connection that failed, ended or timed out (they carry no code). */
const TRANSIENT_MESSAGE =
  /connection terminated|timeout expired|timeout exceeded when trying to connect|query read timeout|not queryable|connection error|database did not answer/i;

/**
 * Whether a database failure may pass if the same thing is tried again later: the database could
 * not be reached, the connection was lost, a timeout, a serialisation failure. Anything else (bad
 * data, a broken constraint, a value too long for an index) is the database refusing the statement.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.some(isTransientDatabaseError);
  const code = errorCode(error);
  if (code && TRANSIENT_SQLSTATE.test(code)) return true;
  if (code && TRANSIENT_NODE_CODES.has(code)) return true;
  return error instanceof Error && TRANSIENT_MESSAGE.test(error.message);
}

/** A database failure in words for the log (the reason, without the stack). */
export function describeDatabaseError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0)
    return describeDatabaseError(error.errors[0]);
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') return 'the connection was refused';
  if (code === 'ETIMEDOUT' || /timeout/i.test(message)) return 'it did not answer in time';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'its host name could not be found';
  if (/connection terminated/i.test(message) || code === 'ECONNRESET') return 'the connection was lost';
  if (code === '57P03') return 'it is starting up';
  return message || (code ?? 'an unknown error');
}
