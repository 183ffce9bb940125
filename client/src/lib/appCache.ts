import { API_CACHE } from './appCacheRules.ts';

/**
 * What the service worker keeps so that Huddle opens with no signal (vite.config.ts, vite-plugin-pwa):
 * the app itself (its page, scripts and styles, kept at install), and the answers to the app's
 * `GET /api/...` requests, fetched from the network first and kept in `API_CACHE` for when the
 * network does not answer. The boards' documents are kept by y-indexeddb (localBoards.ts). Signing
 * out forgets both, as a shared computer must.
 */

/** Forgets the answers kept for offline use. */
export async function forgetApiAnswers(): Promise<void> {
  if (typeof caches === 'undefined') return;
  await caches.delete(API_CACHE).catch(() => false);
}
