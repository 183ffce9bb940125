import { registerSW } from 'virtual:pwa-register';
import { noteGetsUntilAppCache, takeGetsBeforeAppCache } from './http.ts';

/**
 * Registers the service worker that keeps the app and its answers for opening offline
 * (lib/appCache.ts). A new version is taken up at once: the worker only keeps copies, and a page
 * from the last version keeps working until it is next opened. On a first visit the page asked for
 * its session, its boards and the board it opened before the worker was in charge, so none of that
 * was kept: once the worker takes charge, those requests are made again through it.
 *
 * The worker is registered once the page has loaded and the browser is idle: installing it fetches
 * and keeps every file of the app (about 1.5 MB), which would otherwise compete with the first view
 * for the network, the server and the processor.
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
  const register = (): void => {
    const whenIdle = window.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 200));
    whenIdle(() => void registerSW({ immediate: true }), { timeout: 5_000 });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
