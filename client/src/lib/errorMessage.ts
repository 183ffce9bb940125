/** What the engine throws for a bug in the code: its message is for developers, not for the person. */
const BUGS = [TypeError, RangeError, ReferenceError, SyntaxError];

/**
 * What went wrong, in words for the person: the error's own message (a refused request, a board rule
 * that was broken), or `fallback` when it has none or is a bug whose message would mean nothing to them.
 */
export function errorMessage(error: unknown, fallback: string): string {
  if (!(error instanceof Error) || !error.message) return fallback;
  return BUGS.some((bug) => error instanceof bug) ? fallback : error.message;
}
