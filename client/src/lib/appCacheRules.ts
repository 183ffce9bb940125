/** The service worker's cache of API answers (see appCache.ts); the build's Workbox set-up names it too. */
export const API_CACHE = 'huddle-api';

/**
 * The `GET /api/...` answers the service worker keeps for opening offline, as a pattern over the
 * whole address (Workbox takes it as it is). Not the audit export (a download an admin asked for,
 * never to be kept), a version's whole document (large, and opened online), a board's snapshot (the
 * copy of the document kept in the browser is newer offline), nor the server's clock (stale is wrong).
 */
export const KEPT_API_ANSWERS =
  /^https?:\/\/[^/]+\/api\/(?!clock(?:[?#]|$))[^?#]*(?<!\.csv|\/state|\/snapshot)(?:[?#].*)?$/;

/** Whether the service worker keeps the answer to `GET path` (a path on this site, as the app asks). */
export function isKeptApiAnswer(path: string): boolean {
  return KEPT_API_ANSWERS.test(new URL(path, 'http://huddle.invalid').href);
}
