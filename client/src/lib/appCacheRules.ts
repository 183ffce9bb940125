/** The service worker's cache of API answers (see appCache.ts); the build's Workbox set-up names it too. */
export const API_CACHE = 'huddle-api';
