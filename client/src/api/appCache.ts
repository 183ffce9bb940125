import { registerSW } from 'virtual:pwa-register';
import { noteGetsUntilAppCache, takeGetsBeforeAppCache } from './http.ts';

/**
 * Registers the service worker that keeps the app and its answers for opening offline
 * (lib/appCache.ts). A new version is taken up at once: the worker only keeps copies, and a page
 * from the last version keeps working until it is next opened. On a first visit the page asked for
 * its session, its boards and the board it opened before the worker was in charge, so none of that
 * was kept: once the worker takes charge, those requests are made again through it.
 */
export function registerAppCache(): void {
  if (!('serviceWorker' in navigator)) return;
  if (!navigator.serviceWorker.controller) noteGetsUntilAppCache();
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    for (const path of takeGetsBeforeAppCache()) {
      fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).catch(
        () => undefined,
      );
    }
  });
  registerSW({ immediate: true });
}
